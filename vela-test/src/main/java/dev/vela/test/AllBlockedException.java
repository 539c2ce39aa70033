package dev.vela.test;

/**
 * Thrown by {@link VirtualClock#run} when the body and every worker it started waited with nothing
 * pending on the virtual clock: no timer, no sleep, no timeout could ever wake them (Go's "all
 * goroutines are asleep - deadlock!"). The message is the deadlock watchdog's report: each waiting
 * thread's name, what it waited on and its stack.
 */
public final class AllBlockedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String report;

    /**
     * Creates the exception.
     *
     * @param report the report of the waiting threads
     * @param cause  what the body threw once its waits were failed, or null
     */
    AllBlockedException(String report, Throwable cause) {
        super(report, cause);
        this.report = report;
    }

    /**
     * The report: one paragraph per waiting thread.
     *
     * @return the report text
     */
    public String report() {
        return report;
    }
}
