package dev.vela.actor;

import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A thread-safe inbox for tests: actors record events here and the test awaits them with timeouts. */
final class Probe<T> {
    static final Duration WAIT = Duration.ofSeconds(10);
    private final LinkedBlockingQueue<T> events = new LinkedBlockingQueue<>();

    void add(T event) {
        events.add(event);
    }

    /** The next event; fails the test if none comes within 10 s. */
    T next() throws InterruptedException {
        T e = events.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        if (e == null) throw new AssertionError("no event within " + WAIT);
        return e;
    }

    /** Asserts that nothing arrives within {@code d}. */
    void expectNothing(Duration d) throws InterruptedException {
        assertNull(events.poll(d.toMillis(), TimeUnit.MILLISECONDS), "unexpected event");
    }

    int size() {
        return events.size();
    }
}
