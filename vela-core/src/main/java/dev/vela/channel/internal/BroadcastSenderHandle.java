package dev.vela.channel.internal;

import dev.vela.channel.BroadcastSender;
import dev.vela.channel.ChannelClosedException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;

/**
 * The {@link BroadcastSender} implementation (internal): a counted handle on a {@link BroadcastChannel};
 * {@link #released} is set once by CAS, so a handle releases its count at most once.
 *
 * @param <T> the element type
 */
public final class BroadcastSenderHandle<T> implements BroadcastSender<T> {
    private static final VarHandle RELEASED;

    static {
        try {
            RELEASED = MethodHandles.lookup().findVarHandle(BroadcastSenderHandle.class, "released", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final BroadcastChannel<T> broadcast;
    /** false until this handle's first close; set once by CAS (volatile). */
    private volatile boolean released;

    BroadcastSenderHandle(BroadcastChannel<T> broadcast) {
        this.broadcast = broadcast;
    }

    private T check(T value, String op) {
        if (value == null) throw new NullPointerException("null element sent to " + broadcast + ": null is never a valid element");
        if (released) throw new ChannelClosedException(op + " through a closed sender handle of " + broadcast, null);
        return value;
    }

    @Override
    public void send(T value) throws InterruptedException {
        broadcast.send(check(value, "send"), ChannelCore.FOREVER_NANOS);
    }

    @Override
    public boolean send(T value, Duration timeout) throws InterruptedException {
        long nanos = ChannelCore.toNanos(timeout);
        return broadcast.send(check(value, "send"), nanos);
    }

    @Override
    public boolean trySend(T value) {
        try {
            return broadcast.send(check(value, "trySend"), 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();          // only a LAG send waiting for the lock can get here
            return false;
        }
    }

    @Override
    @SuppressWarnings("MethodDoesntCallSuperMethod")
    public BroadcastSender<T> clone() {
        if (released || broadcast.isClosed()) throw new IllegalStateException("cannot clone a closed sender handle of " + broadcast);
        broadcast.retainSender();
        return new BroadcastSenderHandle<>(broadcast);
    }

    @Override
    public void close() {
        if (RELEASED.compareAndSet(this, false, true)) broadcast.releaseSender();
    }

    @Override
    public void fail(Throwable cause) {
        if (cause == null) throw new NullPointerException("cause must not be null");
        broadcast.closeWith(cause);
        close();
    }

    @Override
    public boolean isClosed() {
        return released || broadcast.isClosed();
    }

    @Override
    public String toString() {
        return "BroadcastSender[" + broadcast + (released ? ", released" : "") + "]";
    }
}
