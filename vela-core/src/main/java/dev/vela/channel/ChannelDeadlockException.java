package dev.vela.channel;

/**
 * Thrown by a blocking channel operation that the {@link dev.vela.diagnostics.DeadlockWatchdog} failed because every
 * watched worker was parked on a Vela channel with no timer pending: nobody could ever have completed
 * it. The operation had no effect (the value was not sent, nothing was received). The message is the
 * watchdog's report: each worker, the channel and the operation it waits on.
 */
public final class ChannelDeadlockException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception with the watchdog's report as its message.
     *
     * @param report the watchdog's report
     */
    public ChannelDeadlockException(String report) {
        super(report);
    }
}
