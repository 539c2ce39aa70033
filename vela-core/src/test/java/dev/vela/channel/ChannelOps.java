package dev.vela.channel;

/**
 * The adapter the Lincheck checks drive: the real channels and {@link PlantedBugChannel} both sit
 * behind it, so each check runs unchanged against a planted bug (its negative control). Values are
 * ints; closed-channel outcomes surface as {@link ChannelClosedException}, as in the real API.
 */
interface ChannelOps {

    boolean trySend(int v);

    /** @return the value, or null when nothing is ready */
    Integer tryReceive();

    void send(int v) throws InterruptedException;

    int receive() throws InterruptedException;

    void close();

    void fail(Throwable cause);

    boolean isEmpty();

    /** The real channel behind the adapter. */
    static ChannelOps of(Channel<Integer> ch) {
        return new ChannelOps() {
            @Override public boolean trySend(int v) { return ch.sender().trySend(v); }
            @Override public Integer tryReceive() { return ch.receiver().tryReceive(); }
            @Override public void send(int v) throws InterruptedException { ch.sender().send(v); }
            @Override public int receive() throws InterruptedException { return ch.receiver().receive(); }
            @Override public void close() { ch.close(); }
            @Override public void fail(Throwable cause) { ch.sender().fail(cause); }
            @Override public boolean isEmpty() { return ch.receiver().isEmpty(); }
            @Override public String toString() { return ch.toString(); }
        };
    }
}
