package dev.vela.channel.internal;

import dev.vela.channel.ChannelClosedException;
import dev.vela.channel.Permit;
import dev.vela.channel.SelectClause;
import dev.vela.channel.Sender;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * One counted sender handle. Its own {@link #released} flag is flipped once by CAS, so closing the
 * same handle from several threads releases it exactly once (the prototype's W14 race).
 */
sealed class SenderHandle<T> implements Sender<T> permits PriorityBufferChannel.PrioritySenderHandle {
    private static final VarHandle RELEASED;

    static {
        try {
            RELEASED = MethodHandles.lookup().findVarHandle(SenderHandle.class, "released", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final ChannelCore<T> channel;
    /** false until this handle's first close; set once by CAS (volatile). */
    private volatile boolean released;
    /** Set by fail() before it closes the channel, so that clone() already refuses (volatile). */
    private volatile boolean failing;

    SenderHandle(ChannelCore<T> channel) {
        this.channel = channel;
    }

    final void checkOpen(String op) {
        if (released) {
            throw new ChannelClosedException(op + " through a closed sender handle of " + channel, null);
        }
    }

    @Override
    public void send(T value) throws InterruptedException {
        channel.checkElement(value);
        checkOpen("send");
        channel.send0(value, ChannelCore.FOREVER_NANOS);
    }

    @Override
    public boolean send(T value, Duration timeout) throws InterruptedException {
        channel.checkElement(value);
        long nanos = ChannelCore.toNanos(timeout);
        checkOpen("send");
        return channel.send0(value, nanos);
    }

    @Override
    public boolean trySend(T value) {
        channel.checkElement(value);
        checkOpen("trySend");
        return channel.trySend0(value);
    }

    @Override
    public java.util.concurrent.CompletableFuture<Void> sendAsync(T value) {
        channel.checkElement(value);
        checkOpen("sendAsync");
        return AsyncOp.send(channel, value);
    }

    @Override
    public Permit<T> reserve() throws InterruptedException {
        checkOpen("reserve");
        return channel.reserve0(ChannelCore.FOREVER_NANOS);
    }

    @Override
    public Permit<T> reserve(Duration timeout) throws InterruptedException {
        long nanos = ChannelCore.toNanos(timeout);
        checkOpen("reserve");
        return channel.reserve0(nanos);
    }

    @Override
    public Permit<T> tryReserve() {
        checkOpen("tryReserve");
        try {
            return channel.reserve0(0);
        } catch (InterruptedException impossible) {            // reserve0(0) never waits
            throw new AssertionError(impossible);
        }
    }

    @Override
    public <R> SelectClause<R> onSend(T value, Supplier<? extends R> fn) {
        channel.checkElement(value);
        return Clause.send(channel, this, value, fn);
    }

    @Override
    public Sender<T> clone() {
        if (released || failing) {
            throw new IllegalStateException("cannot clone a closed sender handle of " + channel);
        }
        channel.retainSender();
        return channel.createSender();
    }

    @Override
    public void close() {
        if (RELEASED.compareAndSet(this, false, true)) {
            channel.releaseSender();
        }
    }

    @Override
    public void fail(Throwable cause) {
        if (cause == null) throw new NullPointerException("cause must not be null");
        failing = true;                       // clone() refuses from now on, before anyone can see the close
        channel.closeWith(cause);             // the cause first: a concurrent last-handle close must not win
        close();
    }

    @Override
    public boolean isClosed() {
        return released || channel.isClosed();
    }

    @Override
    public String toString() {
        return "Sender[" + channel + (released ? ", released" : "") + "]";
    }
}
