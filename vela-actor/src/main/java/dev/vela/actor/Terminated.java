package dev.vela.actor;

/**
 * The death-watch notice: {@code actor} has terminated. Delivered to
 * {@link Actor#onTerminated(Terminated)} of every actor that {@linkplain ActorContext#watch watched} it,
 * and the value of {@link ActorRef#whenTerminated()}.
 *
 * @param actor the actor that terminated
 * @param cause why: {@code null} for a normal stop, otherwise the failure that made its supervisor
 *              stop it (for example a {@link RestartLimitExceededException} or the child's own exception)
 */
public record Terminated(ActorRef<?> actor, Throwable cause) {

    /**
     * Tells whether the actor stopped because of a failure.
     *
     * @return {@code true} if {@link #cause()} is not null
     */
    public boolean failed() {
        return cause != null;
    }
}
