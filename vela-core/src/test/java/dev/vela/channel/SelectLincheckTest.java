package dev.vela.channel;

import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vela.channel.internal.BoundedChannel;
import dev.vela.channel.internal.RendezvousChannel;
import dev.vela.channel.internal.UnboundedChannel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Lincheck 3.7 model checking of {@link Select#select} over two channels (platform threads, through
 * {@link ChannelBlockingLincheckTest#runConcurrentTest}, verification-tools.md §1-§2).
 *
 * <p>Scenario: T0 selects once over {@code rx1.onReceiveOrClosed} and {@code rx2.onReceiveOrClosed};
 * T1 sends 1 into channel 1 and then 2 into channel 2; T2 receives once from channel 1 (competing with
 * the select); T3 closes both channels. Afterwards both channels are drained. Checks: the select
 * returned exactly one outcome (a value or one "closed"), and the multiset of delivered values
 * (select + receiver + drain) equals the acknowledged sends, so a select that committed two clauses
 * (took a value it did not return) or none is caught. Negative control: {@link #brokenSelect}, which
 * polls both channels without withdrawing, must fail.
 */
@Timeout(value = 150, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
public class SelectLincheckTest {

    static final int INVOCATIONS = 400;

    /** A select implementation under test: returns a value, or -1 / -2 when channel 1 / 2 is closed and drained. */
    @FunctionalInterface
    interface TwoWaySelect {
        int select(Channel<Integer> a, Channel<Integer> b) throws InterruptedException;
    }

    static final TwoWaySelect REAL = (a, b) -> Select.select(
            a.receiver().onReceiveOrClosed(x -> x, () -> -1),
            b.receiver().onReceiveOrClosed(x -> x, () -> -2));

    /** The planted bug: tries both clauses and keeps one, without a withdraw CAS: a second value is taken and lost. */
    static final TwoWaySelect BROKEN = SelectLincheckTest::brokenSelect;

    static int brokenSelect(Channel<Integer> a, Channel<Integer> b) {
        while (true) {
            Integer x = null, y = null;
            boolean aDone = false, bDone = false;
            try { x = a.receiver().tryReceive(); } catch (ChannelClosedException e) { aDone = true; }
            try { y = b.receiver().tryReceive(); } catch (ChannelClosedException e) { bDone = true; }
            if (x != null) return x;                        // y, if any, is lost: no withdraw
            if (y != null) return y;
            if (aDone) return -1;
            if (bDone) return -2;
            Thread.yield();
        }
    }

    static void selectRacingSendReceiveClose(Supplier<Channel<Integer>> factory, TwoWaySelect sel, int invocations) {
        ChannelBlockingLincheckTest.runConcurrentTest(invocations, () -> scenario(factory, sel));
    }

    /** One run of the scenario: select on c1/c2, send 1 then 2, a plain receive on c1, close both. */
    static void scenario(Supplier<Channel<Integer>> factory, TwoWaySelect sel) {
        Channel<Integer> c1 = factory.get(), c2 = factory.get();
        int[] selected = {0};
        int[] received = {0};
        boolean[] acked = new boolean[3];
        Throwable[] errors = new Throwable[4];
        Thread[] ts = {
                thread(errors, 0, () -> selected[0] = sel.select(c1, c2)),
                thread(errors, 1, () -> {
                    try {
                        c1.sender().send(1);
                        acked[1] = true;
                        c2.sender().send(2);
                        acked[2] = true;
                    } catch (ChannelClosedException e) {
                        // not acknowledged
                    }
                }),
                thread(errors, 2, () -> {
                    try {
                        received[0] = c1.receiver().receive();
                    } catch (ChannelClosedException e) {
                        received[0] = -1;
                    }
                }),
                thread(errors, 3, () -> {
                    c1.close();
                    c2.close();
                })};
        for (Thread t : ts) t.start();
        for (Thread t : ts) {
            try {
                t.join();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
        for (Throwable e : errors) if (e != null) throw new AssertionError("a thread failed: " + e, e);
        if (selected[0] == 0) throw new AssertionError("select returned no outcome");
        List<Integer> delivered = new ArrayList<>();
        if (selected[0] > 0) delivered.add(selected[0]);
        if (received[0] > 0) delivered.add(received[0]);
        delivered.addAll(SelectContractTest.drain(c1));
        delivered.addAll(SelectContractTest.drain(c2));
        Collections.sort(delivered);
        List<Integer> expected = new ArrayList<>();
        for (int v = 1; v <= 2; v++) if (acked[v]) expected.add(v);
        if (!expected.equals(delivered)) {
            throw new AssertionError("acknowledged " + expected + " but delivered " + delivered
                    + " (select " + selected[0] + ", receive " + received[0] + ")");
        }
    }

    @FunctionalInterface
    interface Body {
        void run() throws Exception;
    }

    private static Thread thread(Throwable[] errors, int i, Body body) {
        return new Thread(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                errors[i] = e;
            }
        });
    }

    @Test
    void rendezvousSelect() {                                   // a lambda: see ChannelBlockingLincheckTest.runConcurrentTest
        selectRacingSendReceiveClose(() -> new RendezvousChannel<>(), REAL, INVOCATIONS);
    }

    /** The rendezvous scenario without the model checker: real threads, many runs, each must end and account for every value. */
    @Test
    @org.junit.jupiter.api.Timeout(value = 120, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
    void rendezvousSelectInRealRuns() {
        for (int i = 0; i < 2_000; i++) scenario(RendezvousChannel::new, REAL);
    }

    @Test
    void bounded1Select() {
        selectRacingSendReceiveClose(() -> new BoundedChannel<>(1), REAL, INVOCATIONS);
    }

    @Test
    void unboundedBlock2Select() {
        selectRacingSendReceiveClose(() -> new UnboundedChannel<>(2), REAL, INVOCATIONS);
    }

    @Test
    void brokenSelectNegativeControlFails() {
        assertThrows(AssertionError.class,
                () -> selectRacingSendReceiveClose(() -> new BoundedChannel<>(1), BROKEN, INVOCATIONS));
    }
}
