package dev.vela.actor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.diagnostics.ConsoleSection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The console's "actors" section, called through its SPI directly (no vela-console): the values of each
 * column, truncation to the most interesting rows, the restart-storm and growing-mailbox warnings, and
 * that {@code close()} forgets. The section under test samples only this test's system (the JVM may
 * hold other tests' systems), except where the registry of live systems is itself tested.
 */
@Timeout(60)
class ActorConsoleSectionTest extends ActorTestBase {
    private final CountDownLatch release = new CountDownLatch(1);
    private final Probe<String> entered = new Probe<>();
    private final Probe<String> events = new Probe<>();
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private String root;

    /** Blocks in its handler on "block" until the test releases it (at most 30 s). */
    final class Blocker extends Actor<String> {
        @Override
        protected void receive(String m) throws InterruptedException {
            if (m.equals("block")) {
                entered.add(context().self().path());
                assertTrue(release.await(30, TimeUnit.SECONDS), "never released");
            }
        }
    }

    /** Throws on "boom…", records anything else. */
    final class Flaky extends Actor<String> {
        @Override
        protected void receive(String m) {
            if (m.startsWith("boom")) throw new IllegalStateException(m);
            events.add(m);
        }
    }

    /** Spawns one child, "leaf", at start. */
    static final class Parent extends Actor<String> {
        @Override
        protected void preStart() {
            context().spawn("leaf", Idle::new);
        }

        @Override
        protected void receive(String m) {}
    }

    static final class Idle extends Actor<String> {
        @Override
        protected void receive(String m) {}
    }

    @BeforeEach
    void setRoot() {
        root = "vela://" + system.name() + "/user/";
    }

    @AfterEach
    void releaseBlockedHandlers() {
        release.countDown();   // before ActorTestBase shuts the system down
    }

    private ActorConsoleSection section() {
        return new ActorConsoleSection(clock::get, () -> List.of(system));
    }

    private static Map<String, Object> row(ConsoleSection.Rows rows, String path) {
        return rows.items().stream().filter(r -> r.get("path").equals(path)).findFirst()
                .orElseThrow(() -> new AssertionError("no row " + path + " in " + rows.items()));
    }

    /** A bounded mailbox actor blocked in its handler with {@code queued} more messages behind it. */
    private ActorRef<String> blocked(String name, Mailbox<String> mailbox, int queued) throws InterruptedException {
        ActorRef<String> ref = system.spawn(name, Blocker::new, mailbox);
        ref.tell("block");
        assertEquals(root + name, entered.next());
        for (int i = 0; i < queued; i++) ref.tell("m" + i);
        return ref;
    }

    /** An actor that failed {@code failures} times (restarted each time) and then processed "ping". */
    private ActorRef<String> failedAndRestarted(String name, int failures) throws InterruptedException {
        ActorRef<String> ref = system.spawn(name, Flaky::new);
        for (int i = 1; i <= failures; i++) ref.tell("boom " + i);
        ref.tell("ping");
        assertEquals("ping", events.next());
        return ref;
    }

    @Test
    void eachColumnShowsTheActorsState() throws Exception {
        blocked("blocked", Mailbox.bounded(10, Mailbox.Overflow.BLOCK), 5);
        failedAndRestarted("flaky", 2);
        system.spawn("parent", Parent::new);
        system.spawn("idle", Idle::new);
        ActorConsoleSection section = section();
        section.open();
        try {
            assertEquals("actors", section.name());
            assertEquals(List.of("path", "mailbox", "capacity", "processed", "restarts", "lastFailure", "state"), section.columns());
            eventually("flaky processed 3 and everything idle but the blocked one", () -> {
                ConsoleSection.Rows r = section.rows(100);
                return r.total() == 5 && row(r, root + "flaky").get("processed").equals(3L)
                        && row(r, root + "parent/leaf").get("state").equals("idle")
                        && row(r, root + "idle").get("state").equals("idle")
                        && row(r, root + "flaky").get("state").equals("idle");
            });
            ConsoleSection.Rows rows = section.rows(100);
            assertEquals(5, rows.total(), "the guardian is not a row: " + rows.items());
            assertEquals(5, rows.items().size());
            for (Map<String, Object> r : rows.items()) assertEquals(section.columns(), List.copyOf(r.keySet()));

            Map<String, Object> blocked = row(rows, root + "blocked");
            assertEquals(5L, blocked.get("mailbox"));
            assertEquals(10, blocked.get("capacity"));
            assertEquals(0L, blocked.get("processed"), "the message in its handler is not processed yet");
            assertEquals(0, blocked.get("restarts"));
            assertNull(blocked.get("lastFailure"));
            assertEquals("running", blocked.get("state"));

            Map<String, Object> flaky = row(rows, root + "flaky");
            assertEquals(0L, flaky.get("mailbox"));
            assertNull(flaky.get("capacity"), "unbounded");
            assertEquals(3L, flaky.get("processed"), "two failures and a ping");
            assertEquals(2, flaky.get("restarts"));
            assertEquals("java.lang.IllegalStateException: boom 2", flaky.get("lastFailure"));

            Map<String, Object> leaf = row(rows, root + "parent/leaf");
            assertEquals(0L, leaf.get("processed"));
            assertEquals(0, leaf.get("restarts"));
            assertTrue(rows.warnings().isEmpty(), rows.warnings().toString());

            assertEquals(List.of(root + "blocked", root + "flaky"),
                    rows.items().subList(0, 2).stream().map(r -> r.get("path")).toList(),
                    "fullest mailbox first, then most restarts");
        } finally {
            section.close();
        }
    }

    @Test
    void truncatesToTheMostInterestingRows() throws Exception {
        system.spawn("a", Idle::new);
        failedAndRestarted("flaky", 1);
        system.spawn("b", Idle::new);
        blocked("blocked", Mailbox.unbounded(), 3);
        ActorConsoleSection section = section();
        section.open();
        try {
            eventually("flaky's restart and ping counted", () -> row(section.rows(10), root + "flaky").get("processed").equals(2L));
            ConsoleSection.Rows two = section.rows(2);
            assertEquals(4, two.total(), "every live actor counts");
            assertEquals(List.of(root + "blocked", root + "flaky"), two.items().stream().map(r -> r.get("path")).toList());
            ConsoleSection.Rows none = section.rows(0);
            assertEquals(4, none.total());
            assertTrue(none.items().isEmpty());
            assertEquals(4, section.rows(Integer.MAX_VALUE).items().size());
        } finally {
            section.close();
        }
    }

    @Test
    void warnsOfARestartStormWithinTenSeconds() throws Exception {
        ActorRef<String> flaky = system.spawn("flaky", Flaky::new);
        ActorConsoleSection section = section();
        section.open();
        try {
            assertTrue(section.rows(10).warnings().isEmpty());   // the baseline
            flaky.tell("boom 1");
            flaky.tell("boom 2");
            flaky.tell("ping");
            assertEquals("ping", events.next());
            clock.addAndGet(Duration.ofSeconds(4).toNanos());
            ConsoleSection.Rows rows = section.rows(10);
            assertEquals(2, row(rows, root + "flaky").get("restarts"));
            assertTrue(rows.warnings().isEmpty(), "two restarts are no storm: " + rows.warnings());

            flaky.tell("boom 3");
            flaky.tell("ping");
            assertEquals("ping", events.next());
            clock.addAndGet(Duration.ofSeconds(5).toNanos());   // the first two were seen 5 s ago
            rows = section.rows(10);
            assertEquals(List.of("restart storm: " + root + "flaky restarted 3 times in the last 10 s "
                    + "(last failure: java.lang.IllegalStateException: boom 3)"), rows.warnings());

            clock.addAndGet(Duration.ofSeconds(6).toNanos());   // the first two were seen 11 s ago now
            rows = section.rows(10);
            assertTrue(rows.warnings().isEmpty(), "the storm is over: " + rows.warnings());
            assertEquals(1, section.remembered(), "an actor that restarted stays remembered while it lives");

            flaky.stop();
            awaitTerminated(flaky);
            rows = section.rows(10);
            assertEquals(0, rows.total());
            assertEquals(0, section.remembered(), "a terminated actor is forgotten at the next sample");
        } finally {
            section.close();
        }
    }

    @Test
    void restartsBeforeTheFirstSampleAreNoStorm() throws Exception {
        failedAndRestarted("flaky", 3);
        ActorConsoleSection section = section();
        section.open();
        try {
            ConsoleSection.Rows rows = section.rows(10);
            assertEquals(3, row(rows, root + "flaky").get("restarts"));
            assertTrue(rows.warnings().isEmpty(), "when they happened is unknown: " + rows.warnings());
        } finally {
            section.close();
        }
    }

    @Test
    void aNewActorThatStormsBetweenSamplesIsFlaggedFirst() throws Exception {
        system.spawn("quiet", Idle::new);
        blocked("busy", Mailbox.unbounded(), 2);
        ActorConsoleSection section = section();
        section.open();
        try {
            section.rows(10);                                     // the baseline
            failedAndRestarted("flaky", 3);                       // spawned and restarted 3 times since
            ConsoleSection.Rows rows = section.rows(10);
            assertEquals(1, rows.warnings().size(), rows.warnings().toString());
            assertTrue(rows.warnings().getFirst().startsWith("restart storm: " + root + "flaky restarted 3 times"));
            assertEquals(root + "flaky", rows.items().getFirst().get("path"), "a flagged actor comes before a fuller mailbox");
        } finally {
            section.close();
        }
    }

    @Test
    void warnsOfAGrowingMailboxAndCloseForgets() throws Exception {
        ActorRef<String> slow = blocked("slow", Mailbox.unbounded(), 0);
        ActorRef<String> small = blocked("small", Mailbox.bounded(10, Mailbox.Overflow.DROP_NEWEST), 0);
        ActorConsoleSection section = section();
        section.open();
        try {
            assertTrue(section.rows(10).warnings().isEmpty());   // the baseline: both empty
            for (int i = 0; i < 99; i++) slow.tell("x");
            small.tell("x");
            assertTrue(section.rows(10).warnings().isEmpty(), "grew once");
            slow.tell("x");
            small.tell("x");
            ConsoleSection.Rows rows = section.rows(10);
            assertEquals(100L, row(rows, root + "slow").get("mailbox"));
            assertTrue(rows.warnings().isEmpty(), "grew twice");
            assertTrue(section.rows(10).warnings().isEmpty(), "no change: the run goes on, but only two rises");
            slow.tell("x");
            for (int i = 0; i < 7; i++) small.tell("x");          // 9 of 10: over 80 %
            rows = section.rows(10);
            assertEquals(List.of("growing mailbox: " + root + "slow holds 101 messages, grown in 3 samples without draining",
                    "growing mailbox: " + root + "small holds 9 messages (capacity 10), grown in 3 samples without draining"),
                    rows.warnings());
            assertEquals(List.of(root + "slow", root + "small"), rows.items().stream().map(r -> r.get("path")).toList());
            assertEquals(2, section.remembered());

            section.close();
            assertEquals(0, section.remembered(), "close() forgets every actor");
            section.open();
            assertTrue(section.rows(10).warnings().isEmpty(), "after a reopen the first sample is a baseline again");
            slow.tell("x");
            assertTrue(section.rows(10).warnings().isEmpty(), "one rise since the baseline");
        } finally {
            section.close();
        }
        assertEquals(0, section.remembered());
    }

    @Test
    void aShrinkingMailboxEndsTheRun() throws Exception {
        ActorRef<String> slow = blocked("slow", Mailbox.unbounded(), 0);
        ActorConsoleSection section = section();
        section.open();
        try {
            section.rows(10);
            for (int i = 0; i < 200; i++) slow.tell("x");
            section.rows(10);
            slow.tell("x");
            section.rows(10);
            release.countDown();                                   // it drains
            eventually("drained", () -> row(section.rows(10), root + "slow").get("processed").equals(202L));
            ConsoleSection.Rows rows = section.rows(10);
            assertTrue(rows.warnings().isEmpty(), rows.warnings().toString());
            assertEquals(0L, row(rows, root + "slow").get("mailbox"));
        } finally {
            section.close();
        }
    }

    @Test
    void warningsAreCappedWithASummary() throws Exception {
        ActorConsoleSection section = section();
        section.open();
        try {
            section.rows(100);
            for (int i = 0; i < 7; i++) failedAndRestarted("flaky" + i, 3);
            List<String> warnings = section.rows(100).warnings();
            assertEquals(ActorConsoleSection.MAX_WARNINGS, warnings.size(), warnings.toString());
            assertEquals("3 more actors with a restart storm or a growing mailbox", warnings.getLast());
        } finally {
            section.close();
        }
    }

    @Test
    void describesFailuresAsClassAndMessage() {
        assertNull(ActorConsoleSection.describe(null));
        assertEquals("java.lang.IllegalStateException", ActorConsoleSection.describe(new IllegalStateException()));
        assertEquals("java.io.IOException: disk", ActorConsoleSection.describe(new java.io.IOException("disk")));
        String longText = ActorConsoleSection.describe(new RuntimeException("x".repeat(1000)));
        assertEquals(ActorConsoleSection.MAX_FAILURE_CHARS, longText.length());
        assertTrue(longText.endsWith("…"));
        RuntimeException broken = new RuntimeException() {
            @Override
            public String getMessage() {
                throw new UnsupportedOperationException();
            }
        };
        assertTrue(ActorConsoleSection.describe(broken).endsWith("(getMessage() threw java.lang.UnsupportedOperationException)"));
    }

    @Test
    void theProviderIsFoundAndSamplesEveryLiveSystem() throws Exception {
        ConsoleSection found = ServiceLoader.load(ConsoleSection.class).stream().map(ServiceLoader.Provider::get)
                .filter(s -> s instanceof ActorConsoleSection).findFirst()
                .orElseThrow(() -> new AssertionError("ActorConsoleSection is not registered in META-INF/services"));
        assertInstanceOf(ActorConsoleSection.class, found);
        system.spawn("here", Idle::new);
        ActorSystem other = ActorSystem.create("ActorConsoleSectionTest-other");
        try {
            other.spawn("there", Idle::new);
            found.open();
            List<Object> paths = found.rows(Integer.MAX_VALUE).items().stream().map(r -> r.get("path")).toList();
            assertTrue(paths.contains(root + "here"), paths.toString());
            assertTrue(paths.contains("vela://ActorConsoleSectionTest-other/user/there"), paths.toString());
            assertTrue(LiveSystems.live().contains(other));
        } finally {
            found.close();
            other.shutdown();
            assertTrue(other.awaitTermination(Duration.ofSeconds(20)));
        }
        assertFalse(LiveSystems.live().contains(other), "a terminated system is dropped");
        assertNotNull(found.rows(10));
    }
}
