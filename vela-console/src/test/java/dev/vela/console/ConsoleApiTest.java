package dev.vela.console;

import static dev.vela.console.ConsoleSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.vela.channel.Channel;
import dev.vela.diagnostics.internal.ChannelRegistry;
import dev.vela.diagnostics.internal.ParkedOperations;
import dev.vela.diagnostics.internal.WorkerRegistry;
import dev.vela.worker.Worker;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The console's API against a live program: what a snapshot shows, the stack endpoint, the deadlock
 * banner's timing, streams, the recording, and that stopping leaves nothing behind.
 */
@Timeout(120)
class ConsoleApiTest {
    private VelaConsole console;
    private final List<Channel<?>> toClose = new ArrayList<>();

    @AfterEach
    void tearDown() {
        toClose.forEach(Channel::close);
        if (console != null) console.stop();
    }

    private <T> Channel<T> channel(Channel<T> c) {
        toClose.add(c);
        return c;
    }

    @Test
    void aSnapshotShowsAParkedWorkerItsChannelAndTheChannelsFill() throws Exception {
        console = VelaConsole.builder().interval(Duration.ofMillis(100)).start();
        Channel<String> jobs = channel(Channel.bounded(8));
        Channel<String> idle = channel(Channel.rendezvous());
        for (int i = 0; i < 3; i++) jobs.sender().send("job" + i);
        Worker<String> waiter = Worker.spawn("waiter-1", () -> idle.receiver().receive());
        var s = awaitSnapshot(console, Duration.ofSeconds(10), snap -> items(snap, "workers").stream()
                .anyMatch(w -> "waiter-1".equals(w.get("name")) && "parked".equals(w.get("state"))));
        var w = items(s, "workers").stream().filter(x -> "waiter-1".equals(x.get("name"))).findFirst().orElseThrow();
        assertEquals("receive", w.get("op"));
        var jobsRow = items(s, "channels").stream().filter(c -> number(c.get("buffered")) == 3).findFirst().orElseThrow();
        assertEquals("bounded", jobsRow.get("kind"));
        assertEquals(8L, number(jobsRow.get("capacity")));
        assertEquals("open", jobsRow.get("state"));
        assertTrue(((String) jobsRow.get("name")).startsWith("ConsoleApiTest.aSnapshotShows"), "named by its creation site: " + jobsRow);
        var idleRow = items(s, "channels").stream().filter(c -> number(c.get("id")) == number(w.get("channel"))).findFirst().orElseThrow();
        assertEquals("rendezvous", idleRow.get("kind"));
        assertEquals(1L, number(idleRow.get("waitingReceivers")));
        assertEquals("vela-console", s.get("schema"));
        assertEquals(1L, number(s.get("version")));

        idle.sender().send("go");
        assertEquals("go", waiter.join(Duration.ofSeconds(5)));
        awaitSnapshot(console, Duration.ofSeconds(10), snap -> items(snap, "workers").stream()
                .anyMatch(x -> "waiter-1".equals(x.get("name")) && "done".equals(x.get("state"))));
    }

    /** Counts what it is told. */
    static final class Counter extends dev.vela.actor.Actor<Integer> {
        @Override
        protected void receive(Integer n) {
        }
    }

    @Test
    void theActorModuleContributesItsActorsWhenPresent() throws Exception {
        console = VelaConsole.builder().interval(Duration.ofMillis(100)).start();
        try (var system = dev.vela.actor.ActorSystem.create("console-test")) {
            var counter = system.spawn("counter", Counter::new);
            for (int i = 0; i < 7; i++) counter.tell(i);
            var s = awaitSnapshot(console, Duration.ofSeconds(10), snap -> {
                var actors = (Map<?, ?>) ((Map<?, ?>) snap.get("sections")).get("actors");
                return actors != null && ((List<?>) actors.get("items")).stream().map(a -> (Map<?, ?>) a)
                        .anyMatch(a -> a.get("path").toString().endsWith("/user/counter") && number(a.get("processed")) == 7);
            });
            var actors = (Map<?, ?>) ((Map<?, ?>) s.get("sections")).get("actors");
            assertTrue(((List<?>) actors.get("columns")).containsAll(List.of("path", "mailbox", "processed", "restarts", "lastFailure")));
        }
    }

    @Test
    void aWorkersStackIsReadOnRequestAndAnUnknownWorkerIsA404() throws Exception {
        console = VelaConsole.builder().interval(Duration.ofMillis(100)).start();
        Channel<String> never = channel(Channel.rendezvous());
        Worker.spawn("stacked", () -> never.receiver().receive());
        var s = awaitSnapshot(console, Duration.ofSeconds(10), snap -> items(snap, "workers").stream()
                .anyMatch(w -> "stacked".equals(w.get("name")) && "parked".equals(w.get("state"))));
        long id = number(items(s, "workers").stream().filter(w -> "stacked".equals(w.get("name"))).findFirst().orElseThrow().get("id"));
        var r = get(console.port(), "/api/stack?worker=" + id);
        assertEquals(200, r.status());
        @SuppressWarnings("unchecked") var stack = (List<String>) ((Map<String, Object>) r.json()).get("stack");
        assertTrue(stack.stream().anyMatch(f -> f.contains("receive")), "the frames show the receive: " + stack);
        var missing = get(console.port(), "/api/stack?worker=999999999");
        assertEquals(404, missing.status());
        assertTrue(((String) ((Map<?, ?>) missing.json()).get("error")).contains("999999999"));
        assertEquals(400, get(console.port(), "/api/stack?worker=abc").status());
        assertEquals(404, get(console.port(), "/api/nothing").status());
    }

    @Test
    void aTwoWorkerDeadlockIsInTheBannerWithinTwoIntervalsNamingBothAndTheChannel() throws Exception {
        Duration interval = Duration.ofMillis(500);
        console = VelaConsole.builder().interval(interval).start();
        Channel<Integer> left = channel(Channel.rendezvous());
        Channel<Integer> right = channel(Channel.rendezvous());
        Worker.spawn("deadlock-a", () -> {
            left.receiver().receive();
            right.sender().send(1);
            return null;
        });
        Worker.spawn("deadlock-b", () -> {
            right.receiver().receive();
            left.sender().send(1);
            return null;
        });
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (WorkerRegistry.live().keySet().stream().filter(t -> ParkedOperations.blockedOn(t) != null).count() < 2) {
            assertTrue(System.nanoTime() < deadline, "both workers to park");
            Thread.sleep(2);
        }
        long parkedAt = System.nanoTime();
        var s = awaitSnapshot(console, Duration.ofSeconds(10), snap -> snap.get("deadlock") != null);
        long tookMs = (System.nanoTime() - parkedAt) / 1_000_000;
        System.out.printf("deadlock in the banner %d ms after both parked (interval %d ms)%n", tookMs, interval.toMillis());
        assertTrue(tookMs <= 2 * interval.toMillis(), "banner after " + tookMs + " ms, more than two intervals");
        @SuppressWarnings("unchecked") var d = (Map<String, Object>) s.get("deadlock");
        @SuppressWarnings("unchecked") var named = (List<Map<String, Object>>) d.get("workers");
        assertEquals(List.of("deadlock-a", "deadlock-b"), named.stream().map(w -> (String) w.get("name")).sorted().toList());
        assertTrue(named.stream().allMatch(w -> "receive".equals(w.get("op")) && w.get("channelName") != null), named.toString());
        assertTrue(((String) d.get("report")).contains("deadlock"), d.get("report").toString());

        left.close();   // the deadlock ends: a's receive fails, b's send then fails too
        right.close();
        awaitSnapshot(console, Duration.ofSeconds(10), snap -> snap.get("deadlock") == null);
    }

    @Test
    void namesThatCouldInjectAreValidJsonAndNeverRawMarkup() throws Exception {
        console = VelaConsole.builder().interval(Duration.ofMillis(100)).start();
        String evil = "q\"uote\\ new\nline </script><img src=x onerror=alert(1)> \u2028 😀 \ud800";
        Channel<String> never = channel(Channel.rendezvous());
        Worker.spawn(evil, () -> never.receiver().receive());
        awaitSnapshot(console, Duration.ofSeconds(10), snap -> items(snap, "workers").stream()
                .anyMatch(w -> "parked".equals(w.get("state"))));
        var r = get(console.port(), "/api/snapshot");
        assertFalse(r.body().contains("</script>"), "no raw markup in the JSON");
        assertFalse(r.body().contains("<img"), "no raw markup in the JSON");
        @SuppressWarnings("unchecked") var s = (Map<String, Object>) r.json();
        String shown = (String) items(s, "workers").stream().filter(w -> "parked".equals(w.get("state"))).findFirst()
                .orElseThrow().get("name");
        assertEquals(evil.replace("\ud800", "\ufffd"), shown, "the name comes back exactly (a lone surrogate replaced)");
    }

    @Test
    void hundredThousandWorkersAndChannelsKeepTheSnapshotUnderAMegabyteAndSayTruncated() throws Exception {
        console = VelaConsole.builder().interval(Duration.ofMillis(500)).start();
        Channel<String> gate = channel(Channel.rendezvous());
        List<Channel<Integer>> many = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) many.add(Channel.bounded(4));
        List<Worker<String>> workers = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) workers.add(Worker.spawn("many-" + i, () -> gate.receiver().receive()));
        var s = awaitSnapshot(console, Duration.ofSeconds(60), snap -> number(((Map<?, ?>) snap.get("workers")).get("total")) >= 100_000);
        var r = get(console.port(), "/api/snapshot");
        System.out.printf("snapshot with 100,000 workers and 100,000 channels: %,d bytes%n", r.body().length());
        assertTrue(r.body().getBytes(StandardCharsets.UTF_8).length < 1 << 20, "at most 1 MiB: " + r.body().length());
        assertTrue(number(((Map<?, ?>) s.get("workers")).get("truncated")) >= 99_000);
        assertTrue(number(((Map<?, ?>) s.get("channels")).get("truncated")) >= 99_000);
        assertTrue(((List<?>) s.get("warnings")).toString().contains("truncated"));
        gate.close();
        for (Worker<String> w : workers) assertThrows(Exception.class, () -> w.join(Duration.ofSeconds(30)));
        assertEquals(100_000, many.size());   // kept referenced until here
    }

    @Test
    void streamsServeTenClientsAndAClientThatLeavesIsForgotten() throws Exception {
        console = VelaConsole.builder().interval(Duration.ofMillis(100)).start();
        List<Socket> clients = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Socket s = new Socket("127.0.0.1", console.port());
            s.setSoTimeout(5000);
            s.getOutputStream().write(("GET /api/stream HTTP/1.1\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            clients.add(s);
        }
        for (Socket s : clients) {
            var in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
            int events = 0;
            for (String l; events < 2 && (l = in.readLine()) != null; ) {
                if (l.startsWith("data: ")) {
                    events++;
                    assertEquals("vela-console", ((Map<?, ?>) MiniJson.parse(l.substring(6))).get("schema"));
                }
            }
            assertEquals(2, events);
        }
        assertEquals(10, console.openStreams());
        for (Socket s : clients) s.close();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (console.openStreams() > 0) {
            assertTrue(System.nanoTime() < deadline, "streams of gone clients still open: " + console.openStreams());
            Thread.sleep(20);
        }
    }

    @Test
    void theRecordingIsNdjsonOfRecentSnapshotsOldestFirst() throws Exception {
        console = VelaConsole.builder().interval(Duration.ofMillis(100)).recording(5).start();
        awaitSnapshot(console, Duration.ofSeconds(10), snap -> number(snap.get("seq")) >= 8);
        var r = get(console.port(), "/api/recording");
        assertEquals(200, r.status());
        assertTrue(r.headers().get("content-disposition").contains("attachment"));
        String[] lines = r.body().strip().split("\n");
        assertEquals(5, lines.length, "the ring keeps the last 5");
        long prev = 0;
        for (String l : lines) {
            long seq = number(((Map<?, ?>) MiniJson.parse(l)).get("seq"));
            assertTrue(seq > prev, "oldest first");
            prev = seq;
        }
    }

    @Test
    void stoppingTwiceIsFineAndLeavesNothingBehind() throws Exception {
        console = VelaConsole.builder().interval(Duration.ofMillis(100)).start();
        Channel<Integer> c = channel(Channel.bounded(1));
        assertTrue(ChannelRegistry.tracking && WorkerRegistry.tracking);
        assertFalse(ParkedOperations.active, "parks are read from their blockers: no park is recorded");
        int port = console.port();
        console.stop();
        console.stop();
        assertFalse(console.isRunning());
        assertFalse(ChannelRegistry.tracking, "channel tracking off");
        assertFalse(WorkerRegistry.tracking, "worker tracking off");
        assertTrue(ChannelRegistry.entries().isEmpty());
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (Thread.getAllStackTraces().keySet().stream().anyMatch(ConsoleApiTest::consoleThread)) {
            assertTrue(System.nanoTime() < deadline, "console threads left: " + Thread.getAllStackTraces().keySet().stream()
                    .filter(ConsoleApiTest::consoleThread).map(Thread::getName).toList());
            Thread.sleep(20);
        }
        try (ServerSocket again = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
            assertEquals(port, again.getLocalPort(), "the port is free again");
        }
        c.close();
    }

    private static boolean consoleThread(Thread t) {
        return t.getName().startsWith("vela-console") || t.getName().startsWith("HTTP-Dispatcher")
                || t.getName().startsWith("vela-deadlock-watchdog") || t.getName().contains("JFR Event Stream");
    }

    @Test
    void theSystemPropertyStartsAConsoleWithItsAddressAndToken() throws Exception {
        String token = UUID.randomUUID().toString();
        System.setProperty("vela.console", "127.0.0.1:0");
        System.setProperty("vela.console.token", token);
        System.setProperty("vela.console.interval", "200ms");
        try {
            console = VelaConsole.startFromSystemProperty().orElseThrow();
        } finally {
            System.clearProperty("vela.console");
            System.clearProperty("vela.console.token");
            System.clearProperty("vela.console.interval");
        }
        assertTrue(console.url().toString().contains("token=" + token));
        assertEquals(200, get(console.port(), "/api/snapshot?token=" + token).status());
        assertEquals(200, number(snapshot(console).get("intervalMillis")));
        assertTrue(VelaConsole.startFromSystemProperty().isEmpty(), "no property, no console");
    }
}
