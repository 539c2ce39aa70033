package dev.vela.actor.testkit;

import dev.vela.actor.Actor;
import dev.vela.actor.ActorRef;
import dev.vela.actor.ActorSystem;
import dev.vela.actor.Terminated;
import dev.vela.channel.Channel;
import dev.vela.channel.Receiver;
import dev.vela.channel.Sender;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * A reference that records every message told to it, and assertions that wait for those messages:
 * the stand-in for the actor a tested actor talks to, typically its {@code replyTo}.
 *
 * <pre>{@code
 * TestProbe<Long> probe = kit.createProbe(Long.class);
 * counter.tell(new Get(probe.ref()));             // Get(ActorRef<Long> replyTo)
 * probe.expectMessage(5L);                         // within the kit's default timeout (3 s)
 * probe.expectNoMessage();                         // nothing more within 100 ms
 * }</pre>
 *
 * <p>Implementation overview. A probe is a real actor of the kit's {@link ActorSystem} (so its
 * {@link #ref()} is an ordinary {@link ActorRef}: it can be watched, asked through, stopped, and it
 * obeys the same delivery rules as any actor's). Its handler appends each message to a history and
 * sends it into an unbounded Vela channel, its inbox. Every {@code expect...} and {@code receive...}
 * method takes messages from the inbox with a timed receive, so waits follow the runtime's clock
 * (real, or a test's virtual clock) and never sleep. A message taken by an expectation is consumed,
 * whether the expectation held or not; {@link #receivedMessages()} still lists it.
 *
 * <p>Order: messages told by one thread arrive in the order told (the actors' per-sender FIFO); the
 * probe records them in the order its actor processed them. Thread safety: every method may be called
 * from any thread; two threads taking from one probe each get different messages.
 *
 * <p>Failures are {@link AssertionError}s that name the probe, the expectation, how long it waited
 * and what arrived instead; an equality mismatch reads {@code expected: <a> but was: <b>}, the form
 * IDEs show as a diff.
 *
 * @param <M> the type of messages the probe accepts
 */
public final class TestProbe<M> {
    /** How long {@link #expectNoMessage()} waits: 100 ms, as Akka's test kit does by default. */
    public static final Duration NO_MESSAGE_DEFAULT = Duration.ofMillis(100);

    // Invariant: every message the probe's actor processed is in history, and, unless an expectation
    // has taken it, in the inbox, in the same order. The handler appends to history before it sends to
    // the inbox, so a message an expectation returned is already in history.
    private final Sender<M> inbox;          // written only by the probe's actor (one message at a time); never closed
    private final Receiver<M> taken;        // read by expectations, from any thread
    private final List<M> history = new ArrayList<>(); // guarded by itself; append-only
    private final Duration defaultTimeout;  // for the overloads without a timeout; positive
    private final ActorRef<M> ref;          // the probe's actor; set once, last in the constructor

    TestProbe(ActorSystem system, String name, Duration defaultTimeout) {
        Channel<M> channel = Channel.unbounded();
        this.inbox = channel.sender();
        this.taken = channel.receiver();
        this.defaultTimeout = defaultTimeout;
        this.ref = system.spawn(name, () -> new Recorder());
    }

    /** The probe's actor: records each message; it never fails (an unbounded channel is never full). */
    private final class Recorder extends Actor<M> {
        @Override
        protected void receive(M message) {
            synchronized (history) {
                history.add(message);
            }
            inbox.trySend(message);
        }
    }

    /**
     * The probe's reference: give it to the actor under test (for example as a {@code replyTo}).
     *
     * @return the reference; its {@link ActorRef#path() path} names the probe in failure messages
     */
    public ActorRef<M> ref() {
        return ref;
    }

    /**
     * Takes the next message, waiting up to the kit's default timeout (Akka's {@code receiveMessage()}).
     *
     * <p><b>Interruption and timeout.</b> As {@link #receiveMessage(Duration)}.
     *
     * @return the message
     * @throws AssertionError if none arrives within the default timeout, or if interrupted
     */
    public M receiveMessage() {
        return receiveMessage(defaultTimeout);
    }

    /**
     * Takes the next message, waiting up to {@code max} for it.
     *
     * <p><b>Interruption and timeout.</b> Waits with a timed receive on the probe's inbox (the
     * runtime's clock: real or virtual). On timeout nothing was taken and an {@link AssertionError}
     * says how long it waited. If the thread is interrupted while waiting, nothing was taken, the
     * interrupt status is set again and an {@link AssertionError} is thrown with the
     * {@link InterruptedException} as cause.
     *
     * @param max how long to wait at most, not negative (zero: only a message already there)
     * @return the message
     * @throws AssertionError           if none arrives in time, or if interrupted
     * @throws IllegalArgumentException if {@code max} is negative
     */
    public M receiveMessage(Duration max) {
        return next(max, "receiveMessage", "no message arrived");
    }

    /**
     * Takes the next {@code n} messages, all within the kit's default timeout (counted once, for all of them).
     *
     * <p><b>Interruption and timeout.</b> As {@link #receiveMessages(int, Duration)}.
     *
     * @param n how many, at least 0
     * @return the messages, in order
     * @throws AssertionError if fewer arrive in time, or if interrupted
     */
    public List<M> receiveMessages(int n) {
        return receiveMessages(n, defaultTimeout);
    }

    /**
     * Takes the next {@code n} messages, all within {@code max} (one deadline for the whole batch).
     *
     * <p><b>Interruption and timeout.</b> If fewer than {@code n} arrive by the deadline, an
     * {@link AssertionError} lists those that did (they are consumed). Interruption: as in
     * {@link #receiveMessage(Duration)}; the messages taken before it are consumed.
     *
     * @param n   how many, at least 0
     * @param max how long to wait at most for all of them, not negative
     * @return the messages, in order
     * @throws AssertionError           if fewer arrive in time, or if interrupted
     * @throws IllegalArgumentException if {@code n} or {@code max} is negative
     */
    public List<M> receiveMessages(int n, Duration max) {
        if (n < 0) throw new IllegalArgumentException("n must be >= 0, got " + n);
        Waits.checkTimeout(max);
        long deadline = Waits.deadline(max);
        List<M> got = new ArrayList<>(n);
        while (got.size() < n) {
            M m = Waits.receive(taken, Waits.remaining(deadline), () -> this + ": receiveMessages(" + n + ")");
            if (m == null) {
                throw new AssertionError(this + ": timeout (" + Waits.format(max) + ") during receiveMessages(" + n
                        + "): received " + got.size() + " of " + n + ": " + got);
            }
            got.add(m);
        }
        return got;
    }

    /**
     * Takes the next message and asserts that it {@linkplain Object#equals equals} {@code expected},
     * waiting up to the kit's default timeout.
     *
     * <p><b>Interruption and timeout.</b> As {@link #expectMessage(Object, Duration)}.
     *
     * @param expected the message expected next, not null
     * @param <T>      its type
     * @return {@code expected}
     * @throws AssertionError if no message arrives in time, if the next one differs, or if interrupted
     */
    public <T extends M> T expectMessage(T expected) {
        return expectMessage(expected, defaultTimeout);
    }

    /**
     * Takes the next message and asserts that it {@linkplain Object#equals equals} {@code expected}.
     *
     * <p><b>Interruption and timeout.</b> Waits up to {@code max} as {@link #receiveMessage(Duration)}
     * does; the error on timeout names {@code expected}. A message that arrived but differs is consumed
     * and reported as {@code expected: <expected> but was: <actual>}.
     *
     * @param expected the message expected next, not null
     * @param max      how long to wait at most, not negative
     * @param <T>      its type
     * @return {@code expected}
     * @throws AssertionError           if no message arrives in time, if the next one differs, or if interrupted
     * @throws IllegalArgumentException if {@code max} is negative
     */
    public <T extends M> T expectMessage(T expected, Duration max) {
        Objects.requireNonNull(expected, "expected (messages are never null)");
        M m = next(max, "expectMessage", "while waiting for <" + expected + ">");
        if (!expected.equals(m)) {
            String e = String.valueOf(expected);
            String a = String.valueOf(m);
            if (e.equals(a)) { // same text, so say which classes differ
                e += " (" + expected.getClass().getName() + ")";
                a += " (" + m.getClass().getName() + ")";
            }
            throw new AssertionError(this + ": expectMessage ==> expected: <" + e + "> but was: <" + a + ">");
        }
        return expected;
    }

    /**
     * Takes the next message and asserts that it is an instance of {@code type}, waiting up to the
     * kit's default timeout.
     *
     * <p><b>Interruption and timeout.</b> As {@link #expectMessageClass(Class, Duration)}.
     *
     * @param type the class expected
     * @param <T>  that type
     * @return the message, as a {@code T}
     * @throws AssertionError if no message arrives in time, if it is of another class, or if interrupted
     */
    public <T extends M> T expectMessageClass(Class<T> type) {
        return expectMessageClass(type, defaultTimeout);
    }

    /**
     * Takes the next message and asserts that it is an instance of {@code type} (Akka's
     * {@code expectMessageClass}).
     *
     * <p><b>Interruption and timeout.</b> Waits up to {@code max} as {@link #receiveMessage(Duration)}
     * does. A message of another class is consumed and reported.
     *
     * @param type the class expected
     * @param max  how long to wait at most, not negative
     * @param <T>  that type
     * @return the message, as a {@code T}
     * @throws AssertionError           if no message arrives in time, if it is of another class, or if interrupted
     * @throws IllegalArgumentException if {@code max} is negative
     */
    public <T extends M> T expectMessageClass(Class<T> type, Duration max) {
        Objects.requireNonNull(type, "type");
        M m = next(max, "expectMessageClass", "while waiting for a " + type.getName());
        if (!type.isInstance(m)) {
            throw new AssertionError(this + ": expectMessageClass ==> expected: <a " + type.getName() + "> but was: <"
                    + m + "> (" + m.getClass().getName() + ")");
        }
        return type.cast(m);
    }

    /**
     * Asserts that no message arrives within {@link #NO_MESSAGE_DEFAULT} (100 ms).
     *
     * <p><b>Interruption and timeout.</b> As {@link #expectNoMessage(Duration)}.
     *
     * @throws AssertionError if a message arrives, or if interrupted
     */
    public void expectNoMessage() {
        expectNoMessage(NO_MESSAGE_DEFAULT);
    }

    /**
     * Asserts that no message arrives within {@code max}: waits the whole of {@code max} unless one comes.
     *
     * <p><b>Interruption and timeout.</b> The wait is a timed receive on the runtime's clock: under
     * a test's virtual clock that advances by itself it takes no real time. A message that arrives is
     * consumed and named in the {@link AssertionError}. Interruption: as in
     * {@link #receiveMessage(Duration)}.
     *
     * @param max how long nothing may arrive, not negative (zero: checks only that none is there now)
     * @throws AssertionError           if a message arrives, or if interrupted
     * @throws IllegalArgumentException if {@code max} is negative
     */
    public void expectNoMessage(Duration max) {
        Waits.checkTimeout(max);
        M m = Waits.receive(taken, max, () -> this + ": expectNoMessage(" + Waits.format(max) + ")");
        if (m != null) {
            throw new AssertionError(this + ": expectNoMessage(" + Waits.format(max) + "): received unexpected message <" + m + ">");
        }
    }

    /**
     * Takes messages until one satisfies {@code found}, skipping (and consuming) the others, all
     * within {@code max}: for a test that cares about one message among heartbeats or progress reports.
     *
     * <p><b>Interruption and timeout.</b> One deadline for the whole search. If none satisfies
     * {@code found} by then, an {@link AssertionError} lists the messages skipped. Interruption: as
     * in {@link #receiveMessage(Duration)}. What {@code found} throws ends the search and propagates.
     *
     * @param found the condition, called on the caller's thread
     * @param max   how long to search at most, not negative
     * @return the first message that satisfies {@code found}
     * @throws AssertionError           if none does in time, or if interrupted
     * @throws IllegalArgumentException if {@code max} is negative
     */
    public M fishForMessage(Predicate<? super M> found, Duration max) {
        Objects.requireNonNull(found, "found");
        Waits.checkTimeout(max);
        long deadline = Waits.deadline(max);
        List<M> skipped = new ArrayList<>();
        while (true) {
            M m = Waits.receive(taken, Waits.remaining(deadline), () -> this + ": fishForMessage");
            if (m == null) {
                throw new AssertionError(this + ": timeout (" + Waits.format(max) + ") during fishForMessage: no message matched; skipped "
                        + skipped.size() + ": " + skipped);
            }
            if (found.test(m)) return m;
            skipped.add(m);
        }
    }

    /**
     * Waits until {@code actor} has terminated, up to the kit's default timeout.
     *
     * <p><b>Interruption and timeout.</b> As {@link #expectTerminated(ActorRef, Duration)}.
     *
     * @param actor the actor expected to stop
     * @return its {@link Terminated} notice ({@link Terminated#cause()} is null for a normal stop)
     * @throws AssertionError if it does not terminate in time, or if interrupted
     */
    public Terminated expectTerminated(ActorRef<?> actor) {
        return expectTerminated(actor, defaultTimeout);
    }

    /**
     * Waits until {@code actor} has terminated (stopped, children stopped, {@code postStop} run), or
     * returns at once if it already has: the probe watches it. Its messages are not involved: the
     * notice does not go through the probe's inbox and no message is consumed.
     *
     * <p><b>Interruption and timeout.</b> The {@link ActorRef#whenTerminated() termination notice}
     * is handed into a one-slot Vela channel and taken with a timed receive (the runtime's clock). On
     * timeout an {@link AssertionError} names the actor; interruption: as in
     * {@link #receiveMessage(Duration)}. Either way the actor is left as it is.
     *
     * @param actor the actor expected to stop
     * @param max   how long to wait at most, not negative
     * @return its {@link Terminated} notice ({@link Terminated#cause()} is null for a normal stop)
     * @throws AssertionError           if it does not terminate in time, or if interrupted
     * @throws IllegalArgumentException if {@code max} is negative
     */
    public Terminated expectTerminated(ActorRef<?> actor, Duration max) {
        Objects.requireNonNull(actor, "actor");
        Waits.checkTimeout(max);
        Terminated t = awaitTermination(actor, max, () -> this + ": expectTerminated(" + actor.path() + ")");
        if (t == null) {
            throw new AssertionError(this + ": timeout (" + Waits.format(max) + ") during expectTerminated: "
                    + actor.path() + " did not terminate");
        }
        return t;
    }

    /** The termination notice of {@code actor} within {@code max}, or null; shared with {@link ActorTestKit#stop}. */
    static Terminated awaitTermination(ActorRef<?> actor, Duration max, java.util.function.Supplier<String> during) {
        Channel<Terminated> notice = Channel.bounded(1);
        Sender<Terminated> tx = notice.sender();
        actor.whenTerminated().whenComplete((t, e) -> {
            if (t != null) tx.trySend(t);
        });
        return Waits.receive(notice.receiver(), max, during);
    }

    /**
     * Every message the probe has received so far, in order, including those expectations have
     * already taken (a history, not the queue of untaken ones).
     *
     * @return a snapshot
     */
    public List<M> receivedMessages() {
        synchronized (history) {
            return List.copyOf(history);
        }
    }

    /**
     * Stops the probe's actor: later messages to {@link #ref()} become dead letters. Messages already
     * received can still be taken. Idempotent; returns at once.
     */
    public void stop() {
        ref.stop();
    }

    private M next(Duration max, String expectation, String whatWasAwaited) {
        Waits.checkTimeout(max);
        M m = Waits.receive(taken, max, () -> this + ": " + expectation);
        if (m == null) {
            throw new AssertionError(this + ": timeout (" + Waits.format(max) + ") during " + expectation + ": " + whatWasAwaited);
        }
        return m;
    }

    @Override
    public String toString() {
        return "TestProbe[" + ref.path() + "]";
    }
}
