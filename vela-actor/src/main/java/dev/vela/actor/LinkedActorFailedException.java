package dev.vela.actor;

import java.io.Serial;

/**
 * What an actor fails with when an actor {@linkplain ActorContext#link linked} to it failed and it
 * does not {@linkplain ActorContext#trapExits trap exits} (Erlang: the exit signal kills the process).
 * Its supervisor handles it like any other failure; the linked actor's failure is the
 * {@linkplain #getCause() cause}.
 */
public final class LinkedActorFailedException extends RuntimeException {
    @Serial private static final long serialVersionUID = 1L;
    private final transient ActorRef<?> linkedActor;

    LinkedActorFailedException(ActorRef<?> self, ActorRef<?> linkedActor, Throwable cause) {
        super(self.path() + " fails because the actor linked to it, " + linkedActor.path() + ", failed: " + cause, cause);
        this.linkedActor = linkedActor;
    }

    /**
     * The linked actor whose failure this is.
     *
     * @return its reference
     */
    public ActorRef<?> linkedActor() {
        return linkedActor;
    }
}
