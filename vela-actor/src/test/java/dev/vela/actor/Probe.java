package dev.vela.actor;

import static org.junit.jupiter.api.Assertions.assertNull;

import dev.vela.channel.Channel;
import dev.vela.channel.Receiver;
import dev.vela.channel.Sender;
import java.time.Duration;

/**
 * A thread-safe inbox for tests: actors record events here and the test awaits them with timeouts.
 * The inbox is an unbounded Vela channel and the waits are Vela timed receives, so they follow the
 * runtime's clock: under a test's virtual clock a probe wait lets the clock move (a JDK timed wait,
 * such as {@code LinkedBlockingQueue.poll(timeout)}, would keep it still).
 */
final class Probe<T> {
    static final Duration WAIT = Duration.ofSeconds(10);
    private final Sender<T> in;
    private final Receiver<T> out;

    Probe() {
        Channel<T> ch = Channel.unbounded();
        in = ch.sender();
        out = ch.receiver();
    }

    void add(T event) {
        if (!in.trySend(event)) throw new AssertionError("an unbounded probe refused " + event);
    }

    /** The next event; fails the test if none comes within 10 s. */
    T next() throws InterruptedException {
        return next(WAIT);
    }

    /** The next event; fails the test if none comes within {@code max}. */
    T next(Duration max) throws InterruptedException {
        T e = out.receive(max);
        if (e == null) throw new AssertionError("no event within " + max);
        return e;
    }

    /** Asserts that nothing arrives within {@code d}. */
    void expectNothing(Duration d) throws InterruptedException {
        assertNull(out.receive(d), "unexpected event");
    }
}
