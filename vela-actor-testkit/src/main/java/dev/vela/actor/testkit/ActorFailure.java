package dev.vela.actor.testkit;

import dev.vela.actor.ActorRef;
import dev.vela.actor.Directive;
import java.util.Objects;

/**
 * One failure of an actor spawned by an {@link ActorTestKit}: which actor threw what, and what its
 * test supervisor decided. Recorded when the supervisor handles it, in the order handled.
 *
 * @param actor     the actor that failed (its reference as {@link ActorTestKit#spawn} returned it)
 * @param cause     what its handler or lifecycle hook threw
 * @param directive what the test supervisor's strategy decided for it. When the strategy says
 *                  {@link Directive#RESTART} but the restart limit is already reached, the actor is
 *                  stopped instead; its {@link dev.vela.actor.Terminated#cause()} is then a
 *                  {@link dev.vela.actor.RestartLimitExceededException}
 */
public record ActorFailure(ActorRef<?> actor, Throwable cause, Directive directive) {

    /**
     * Checks that no component is null.
     *
     * @param actor     the actor that failed
     * @param cause     what it threw
     * @param directive what was decided
     */
    public ActorFailure {
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(cause, "cause");
        Objects.requireNonNull(directive, "directive");
    }

    /**
     * The failed actor's name.
     *
     * @return {@code actor().name()}
     */
    public String actorName() {
        return actor.name();
    }

    @Override
    public String toString() {
        return actor.path() + " failed with " + cause + " (" + directive + ")";
    }
}
