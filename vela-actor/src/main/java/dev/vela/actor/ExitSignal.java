package dev.vela.actor;

/**
 * An exit signal from a {@linkplain ActorContext#link linked} actor, as an actor that
 * {@linkplain ActorContext#trapExits traps exits} receives it in {@link Actor#onExit(ExitSignal)}
 * (Erlang's {@code {'EXIT', From, Reason}} message).
 *
 * <p>A link breaks, and the partner gets this signal, when the linked actor fails (its
 * {@code receive} or a hook threw: whatever its supervisor then decides, the instance that was
 * linked is gone) or terminates (stopped: {@code cause} is null, or stopped with a cause).
 *
 * @param actor the linked actor that failed or terminated
 * @param cause what it failed with, or its termination cause; {@code null} for a normal stop
 */
public record ExitSignal(ActorRef<?> actor, Throwable cause) {

    /**
     * Tells whether the linked actor failed (or was stopped with a cause), as opposed to a normal stop.
     * A non-trapping partner fails on such a signal and ignores the others.
     *
     * @return {@code true} if {@link #cause()} is not null
     */
    public boolean failed() {
        return cause != null;
    }
}
