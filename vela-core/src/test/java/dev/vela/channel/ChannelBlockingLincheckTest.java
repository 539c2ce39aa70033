package dev.vela.channel;

import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vela.channel.internal.BoundedChannel;
import dev.vela.channel.internal.RendezvousChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.jetbrains.lincheck.Lincheck;
import org.jetbrains.lincheck.LincheckSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Lincheck 3.7 model checking of the blocking {@code send}/{@code receive} through
 * {@link Lincheck#runConcurrentTest(int, Runnable)}: each invocation starts its own <em>platform</em>
 * threads (Lincheck 3.7 cannot handle virtual threads, reference verification-tools.md §2), joins them
 * and asserts on the outcome; Lincheck explores the interleavings and reports a failed assertion, an
 * exception or a hang (a lost wake-up) with its trace.
 *
 * <p>Scenarios are balanced, so a correct channel never hangs: 2 senders × 2 values against
 * 2 receivers × 2 values, and a close racing a blocked send and a receive. Each runs on a rendezvous
 * and a bounded(1) channel, and each has a negative control over {@link PlantedBugChannel}.
 */
@Timeout(value = 150, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
public class ChannelBlockingLincheckTest {

    static final int INVOCATIONS = 500;

    /**
     * Lincheck's default loop bound (50 iterations without a shared-memory change) is below the
     * channels' bounded spin-before-park on platform threads ({@code -Dvela.channel.spins}, 256 by
     * default), so a correct bounded spin would be reported as a livelock. Raise it above the spin count.
     */
    static final int LOOP_BOUND = Math.max(1_000, 4 * Integer.getInteger("vela.channel.spins", 256));

    /**
     * Runs, outside the model checker, the one-time initialisation that a channel's slow path would
     * otherwise trigger inside it: the JFR event classes of {@code ChannelEvents}, whose static
     * initialisers register with {@code FlightRecorder} and so build JFR's whole metadata repository.
     * Inside a model-checked thread Lincheck instruments all of that JDK code: a jstack showed the first
     * thread to reach a slow path spending about 12 s of CPU there. Idempotent, and cheap once done.
     */
    static void initializeOutsideModelChecker() {
        for (String c : new String[] {"dev.vela.diagnostics.internal.ChannelEvents$Blocked",
                "dev.vela.diagnostics.internal.ChannelEvents$Failed"}) {
            try {
                Class.forName(c, true, ChannelBlockingLincheckTest.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new AssertionError("JFR event class moved: update this warm-up", e);
            }
        }
    }

    /**
     * {@link Lincheck#runConcurrentTest} with {@link #LOOP_BOUND} (the settings overload is Kotlin-internal).
     *
     * <p><b>Create the objects under test in the body, through a lambda, never through a constructor
     * reference</b> ({@code () -> new RendezvousChannel<>()}, not {@code RendezvousChannel::new}). Lincheck
     * 3.7 instruments a class lazily, when analysed code first creates an instance of it; a constructor
     * reference runs {@code new} inside a JDK-generated hidden class that is not analysed, and resolving
     * it loads the channel class before Lincheck attaches. The channel then runs uninstrumented: its
     * waits are real {@code park}s the model checker neither sees nor schedules around, and a correct
     * scenario is reported "Concurrent test has hung" after 60 s with no trace (Lincheck's debug log,
     * {@code -Dlincheck.logLevel=DEBUG}, shows the channel classes never transformed).
     */
    static void runConcurrentTest(int invocations, Runnable body) {
        initializeOutsideModelChecker();
        LincheckSettings d = new LincheckSettings();
        LincheckSettings settings = new LincheckSettings(
                d.getAnalyzeStdLib(), d.getLoopIterationsBeforeThreadSwitch(), LOOP_BOUND, d.getRecursionBound());
        Lincheck.runConcurrentTestInternal$lincheck(invocations, settings, body);
    }

    @FunctionalInterface
    interface Body {
        void run() throws Exception;
    }

    static Thread start(Throwable[] errors, int index, Body body) {
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                errors[index] = e;
            }
        });
        t.start();
        return t;
    }

    static void joinAll(Thread... threads) {
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    static void noErrors(Throwable[] errors) {
        for (Throwable e : errors) if (e != null) throw new AssertionError("a thread failed: " + e, e);
    }

    /** Values 1, 2 from sender A and 11, 12 from sender B, each received exactly once, each sender's in order per receiver. */
    static void balancedExchange(Supplier<ChannelOps> factory, int invocations) {
        runConcurrentTest(invocations, () -> {
            ChannelOps ch = factory.get();
            int[][] got = new int[2][2];
            Throwable[] errors = new Throwable[4];
            joinAll(
                    start(errors, 0, () -> { ch.send(1); ch.send(2); }),
                    start(errors, 1, () -> { ch.send(11); ch.send(12); }),
                    start(errors, 2, () -> { got[0][0] = ch.receive(); got[0][1] = ch.receive(); }),
                    start(errors, 3, () -> { got[1][0] = ch.receive(); got[1][1] = ch.receive(); }));
            noErrors(errors);
            int[] all = {got[0][0], got[0][1], got[1][0], got[1][1]};
            Arrays.sort(all);
            if (!Arrays.equals(all, new int[] {1, 2, 11, 12})) {
                throw new AssertionError("received multiset " + Arrays.deepToString(got) + " is not {1, 2, 11, 12}");
            }
            for (int[] r : got) {
                if ((r[0] < 10) == (r[1] < 10) && r[0] > r[1]) {
                    throw new AssertionError("one sender's values out of order at one receiver: " + Arrays.toString(r));
                }
            }
            if (!ch.isEmpty()) throw new AssertionError("channel not empty after a balanced exchange");
        });
    }

    /**
     * A sender sends 1 then 2 (the second blocks on a rendezvous or a full bounded(1) channel) while a
     * receiver takes one value and a third thread closes the channel. Afterwards the channel is drained:
     * exactly the values whose send returned normally are received (the one receive plus the drain),
     * each once; a send that threw ChannelClosedException delivered nothing.
     */
    static void closeRacingSendAndReceive(Supplier<ChannelOps> factory, int invocations) {
        runConcurrentTest(invocations, () -> {
            ChannelOps ch = factory.get();
            boolean[] acked = new boolean[3];
            int[] received = {0};
            Throwable[] errors = new Throwable[3];
            joinAll(
                    start(errors, 0, () -> {
                        for (int v = 1; v <= 2; v++) {
                            try {
                                ch.send(v);
                                acked[v] = true;
                            } catch (ChannelClosedException e) {
                                return;
                            }
                        }
                    }),
                    start(errors, 1, () -> {
                        try {
                            received[0] = ch.receive();
                        } catch (ChannelClosedException e) {
                            received[0] = -1;
                        }
                    }),
                    start(errors, 2, ch::close));
            noErrors(errors);
            List<Integer> delivered = new ArrayList<>();
            if (received[0] > 0) delivered.add(received[0]);
            while (true) { // the channel is closed: receive never blocks any more
                try {
                    delivered.add(ch.receive());
                } catch (ChannelClosedException e) {
                    break;
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                if (delivered.size() > 2) break;
            }
            List<Integer> expected = new ArrayList<>();
            for (int v = 1; v <= 2; v++) if (acked[v]) expected.add(v);
            if (!expected.equals(delivered)) {
                throw new AssertionError("acknowledged sends " + expected + " but delivered " + delivered);
            }
        });
    }

    // ---------------------------------------------------------------- checks

    @Test
    void rendezvousBalancedExchange() {
        balancedExchange(() -> ChannelOps.of(new RendezvousChannel<>()), INVOCATIONS);
    }

    @Test
    void rendezvousBalancedExchangeNegativeControlFails() {
        assertThrows(AssertionError.class, () -> balancedExchange(
                () -> new PlantedBugChannel(0, PlantedBugChannel.Bug.CHECK_THEN_ACT), INVOCATIONS));
    }

    @Test
    void bounded1BalancedExchange() {
        balancedExchange(() -> ChannelOps.of(new BoundedChannel<>(1)), INVOCATIONS);
    }

    @Test
    void bounded1BalancedExchangeNegativeControlFails() {
        assertThrows(AssertionError.class, () -> balancedExchange(
                () -> new PlantedBugChannel(1, PlantedBugChannel.Bug.CHECK_THEN_ACT), INVOCATIONS));
    }

    @Test
    void rendezvousCloseRacingSendAndReceive() {
        closeRacingSendAndReceive(() -> ChannelOps.of(new RendezvousChannel<>()), INVOCATIONS);
    }

    @Test
    void rendezvousCloseNegativeControlFails() {
        assertThrows(AssertionError.class, () -> closeRacingSendAndReceive(
                () -> new PlantedBugChannel(0, PlantedBugChannel.Bug.LOSE_ON_CLOSE), INVOCATIONS));
    }

    @Test
    void bounded1CloseRacingSendAndReceive() {
        closeRacingSendAndReceive(() -> ChannelOps.of(new BoundedChannel<>(1)), INVOCATIONS);
    }

    @Test
    void bounded1CloseNegativeControlFails() {
        assertThrows(AssertionError.class, () -> closeRacingSendAndReceive(
                () -> new PlantedBugChannel(1, PlantedBugChannel.Bug.LOSE_ON_CLOSE), INVOCATIONS));
    }
}
