package dev.vela.actor;

/**
 * What a supervisor does with a child that failed (its handler or a lifecycle hook threw).
 * Chosen by the decider of the parent's {@link SupervisorStrategy}.
 */
public enum Directive {
    /** Keep the child's instance and state; it goes on with the next message. Only the failing child resumes. */
    RESUME,
    /**
     * Replace the child's instance by a new one from its factory, after the strategy's backoff and
     * within its restart intensity; the mailbox is kept. Applies to the children the strategy's kind
     * selects (one, all, or the rest).
     */
    RESTART,
    /** Stop the children the strategy's kind selects; their watchers see the failure as the cause. */
    STOP,
    /**
     * Fail the supervisor itself with the same cause, so that its own parent decides. The failing
     * child stays suspended until then. At the top (the system's guardian) escalation stops the child.
     */
    ESCALATE
}
