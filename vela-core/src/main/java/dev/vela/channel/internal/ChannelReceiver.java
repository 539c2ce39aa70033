package dev.vela.channel.internal;

import dev.vela.channel.ChannelStats;
import dev.vela.channel.Receiver;
import dev.vela.channel.SelectClause;
import java.time.Duration;
import java.util.Collection;
import java.util.function.Function;
import java.util.function.Supplier;

/** The receiver of a channel: a thin, shareable view over the channel's receive operations. */
final class ChannelReceiver<T> implements Receiver<T> {
    private final ChannelCore<T> channel;
    /**
     * The first {@code onReceive} clause made through this receiver, handed out again while the
     * function is the same object (a non-capturing lambda or a constant is: a select in a loop then
     * allocates no clause, as Kotlin's {@code onReceive} property does not). Written once, by a plain
     * store: a {@link Clause} has only final fields, so any thread that reads the reference sees it whole.
     */
    private Clause<?> firstReceiveClause;

    ChannelReceiver(ChannelCore<T> channel) {
        this.channel = channel;
    }

    @Override
    public T receive() throws InterruptedException {
        return channel.receive0(ChannelCore.FOREVER_NANOS);
    }

    @Override
    public T receive(Duration timeout) throws InterruptedException {
        return channel.receive0(ChannelCore.toNanos(timeout));
    }

    @Override
    public T tryReceive() {
        return channel.tryReceive0();
    }

    @Override
    public int tryReceiveMany(Collection<? super T> into, int max) {
        ChannelCore.checkMany(into, max);
        try {
            return channel.receiveMany0(into, max, 0);
        } catch (InterruptedException impossible) {            // nanos 0 never waits
            throw new AssertionError(impossible);
        }
    }

    @Override
    public int receiveMany(Collection<? super T> into, int max) throws InterruptedException {
        ChannelCore.checkMany(into, max);
        return channel.receiveMany0(into, max, ChannelCore.FOREVER_NANOS);
    }

    @Override
    public int receiveMany(Collection<? super T> into, int max, Duration timeout) throws InterruptedException {
        ChannelCore.checkMany(into, max);
        return channel.receiveMany0(into, max, ChannelCore.toNanos(timeout));
    }

    @Override
    public java.util.concurrent.CompletableFuture<T> receiveAsync() {
        return AsyncOp.receive(channel);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <R> SelectClause<R> onReceive(Function<? super T, ? extends R> fn) {
        Clause<?> first = firstReceiveClause;
        if (first != null && first.onValue == fn) return (SelectClause<R>) first;
        Clause<R> made = Clause.receive(channel, fn);
        if (first == null) firstReceiveClause = made;
        return made;
    }

    @Override
    public <R> SelectClause<R> onReceiveOrClosed(Function<? super T, ? extends R> fn, Supplier<? extends R> onClosed) {
        return Clause.receiveOrClosed(channel, fn, onClosed);
    }

    @Override
    public void close() {
        channel.close();
    }

    @Override
    public boolean isClosed() {
        return channel.isClosed();
    }

    @Override
    public boolean isEmpty() {
        return channel.isEmpty0();
    }

    @Override
    public ChannelStats stats() {
        return channel.stats();
    }

    @Override
    public String toString() {
        return "Receiver[" + channel + "]";
    }
}
