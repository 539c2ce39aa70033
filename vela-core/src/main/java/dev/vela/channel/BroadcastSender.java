package dev.vela.channel;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;

/**
 * The sending side of a {@link Broadcast}: a counted handle, like {@link Sender} (the broadcast closes
 * when the last handle is closed). A send delivers to every current subscriber, or to none.
 *
 * @param <T> the element type; {@code null} is never a valid element
 */
public final class BroadcastSender<T> implements AutoCloseable {
    private static final VarHandle RELEASED;

    static {
        try {
            RELEASED = MethodHandles.lookup().findVarHandle(BroadcastSender.class, "released", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Broadcast<T> broadcast;
    /** false until this handle's first close; set once by CAS (volatile). */
    private volatile boolean released;

    BroadcastSender(Broadcast<T> broadcast) {
        this.broadcast = broadcast;
    }

    private T check(T value, String op) {
        if (value == null) throw new NullPointerException("null element sent to " + broadcast + ": null is never a valid element");
        if (released) throw new ChannelClosedException(op + " through a closed sender handle of " + broadcast, null);
        return value;
    }

    /**
     * Sends {@code value} to every subscriber. In {@link Broadcast.Mode#BACKPRESSURE} mode, blocks
     * until every subscriber has room; in {@link Broadcast.Mode#LAG} mode never waits for room.
     * With no subscriber, the value goes nowhere (and the send succeeds).
     *
     * <p><b>Interruption and timeout.</b> If interrupted while waiting, no subscriber received the
     * value, the interrupt status is cleared and {@link InterruptedException} is thrown. No timeout.
     *
     * @param value the element, not null
     * @throws NullPointerException   if {@code value} is null
     * @throws ChannelClosedException if the broadcast is closed
     * @throws InterruptedException   if interrupted while waiting (no subscriber got the value)
     */
    public void send(T value) throws InterruptedException {
        broadcast.send(check(value, "send"), ChannelCore.FOREVER_NANOS);
    }

    /**
     * Sends {@code value} to every subscriber if that takes no more than {@code timeout}.
     *
     * <p><b>Interruption and timeout.</b> Returns {@code false} on timeout; then no subscriber received
     * the value. Interruption as in {@link #send(Object)}.
     *
     * @param value   the element, not null
     * @param timeout how long to wait at most, not negative
     * @return {@code true} if every subscriber got it
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if {@code timeout} is negative
     * @throws ChannelClosedException   if the broadcast is closed
     * @throws InterruptedException     if interrupted while waiting (no subscriber got the value)
     */
    public boolean send(T value, Duration timeout) throws InterruptedException {
        long nanos = ChannelCore.toNanos(timeout);
        return broadcast.send(check(value, "send"), nanos);
    }

    /**
     * Sends {@code value} to every subscriber only if none has to wait (always, in LAG mode).
     *
     * @param value the element, not null
     * @return {@code true} if sent, {@code false} if some subscriber is full (then nobody got it)
     * @throws NullPointerException   if {@code value} is null
     * @throws ChannelClosedException if the broadcast is closed
     */
    public boolean trySend(T value) {
        try {
            return broadcast.send(check(value, "trySend"), 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();          // only a LAG send waiting for the lock can get here
            return false;
        }
    }

    /**
     * Another counted handle on the same broadcast.
     *
     * @return a new open handle
     * @throws IllegalStateException if this handle is closed
     */
    @Override
    @SuppressWarnings("MethodDoesntCallSuperMethod")
    public BroadcastSender<T> clone() {
        if (released || broadcast.isClosed()) throw new IllegalStateException("cannot clone a closed sender handle of " + broadcast);
        broadcast.retainSender();
        return new BroadcastSender<>(broadcast);
    }

    /** Releases this handle; the last one closes the broadcast. Idempotent. */
    @Override
    public void close() {
        if (RELEASED.compareAndSet(this, false, true)) broadcast.releaseSender();
    }

    /**
     * Closes the broadcast with a failure: every subscriber drains what it buffered and then gets a
     * {@link ChannelClosedException} with {@code cause}. Also releases this handle.
     *
     * @param cause why the stream failed, not null
     * @throws NullPointerException if {@code cause} is null
     */
    public void fail(Throwable cause) {
        if (cause == null) throw new NullPointerException("cause must not be null");
        broadcast.closeWith(cause);
        close();
    }

    /**
     * Whether this handle is released or the broadcast closed.
     *
     * @return {@code true} if sends through this handle can no longer succeed
     */
    public boolean isClosed() {
        return released || broadcast.isClosed();
    }

    @Override
    public String toString() {
        return "BroadcastSender[" + broadcast + (released ? ", released" : "") + "]";
    }
}
