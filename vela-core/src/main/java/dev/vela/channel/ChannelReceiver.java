package dev.vela.channel;

import java.time.Duration;

/** The receiver of a channel: a thin, shareable view over the channel's receive operations. */
final class ChannelReceiver<T> implements Receiver<T> {
    private final ChannelCore<T> channel;

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
    public String toString() {
        return "Receiver[" + channel + "]";
    }
}
