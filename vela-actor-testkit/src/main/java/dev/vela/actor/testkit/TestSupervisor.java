package dev.vela.actor.testkit;

import dev.vela.actor.Actor;
import dev.vela.actor.ActorRef;
import dev.vela.actor.Directive;
import dev.vela.actor.Mailbox;
import dev.vela.actor.SupervisorStrategy;
import dev.vela.actor.Terminated;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The parent of one actor spawned by an {@link ActorTestKit}: it spawns the actor in its
 * {@link #preStart()}, supervises it with the test's strategy, records every failure, and stops
 * itself once the actor has terminated.
 *
 * <p>Implementation overview. A supervisor's decider sees the failure but not the failing child, so
 * one supervisor per tested actor is what lets a recorded failure name its actor without any change
 * to {@code dev.vela.actor}. The decider is the test's own, wrapped: it asks the test's strategy,
 * records {@code (child, cause, directive)}, and returns the same directive; the strategy's restart
 * limit and backoff apply unchanged (its kind does not matter: there is only one child). The
 * supervisor is a top-level actor with the tested actor's name (so the system's guardian rejects a
 * taken name, as {@code ActorSystem.spawn} does) or a generated one; the tested actor's path is
 * therefore {@code vela://<kit>/user/<name>/<name>}. An escalation (the strategy's
 * {@link Directive#ESCALATE}, or the restart limit reached) reaches the kit's guardian, which stops
 * this supervisor and with it the tested actor.
 *
 * <p>Lifecycle: spawned → {@code preStart} spawns and watches the child, completes {@link #spawned}
 * → idle (no thread) → the child terminates → {@code onTerminated} stops this supervisor. It never
 * receives a message and never restarts (the kit's guardian stops what fails).
 *
 * @param <M> the tested actor's message type
 */
final class TestSupervisor<M> extends Actor<Void> {
    private final String childName;                        // null: a generated name
    private final Supplier<? extends Actor<M>> factory;
    private final Mailbox<M> mailbox;
    private final SupervisorStrategy strategy;             // the test's strategy with the recording decider
    private final CompletableFuture<ActorRef<M>> spawned;  // completed once, by preStart (or by the kit if this stops first)
    /** The tested actor; written once in {@link #preStart()}, read by the decider; both on this actor's thread. */
    private ActorRef<M> child;

    TestSupervisor(String childName, Supplier<? extends Actor<M>> factory, Mailbox<M> mailbox, SupervisorStrategy testStrategy,
                   Consumer<ActorFailure> failures, CompletableFuture<ActorRef<M>> spawned) {
        this.childName = childName;
        this.factory = factory;
        this.mailbox = mailbox;
        this.spawned = spawned;
        this.strategy = testStrategy.withDecider(cause -> {
            Directive d = testStrategy.decide(cause); // never null, never throws
            failures.accept(new ActorFailure(child, cause, d));
            return d;
        });
    }

    @Override
    protected void preStart() {
        try {
            child = context().spawn(childName, factory, mailbox);
        } catch (RuntimeException e) {
            spawned.completeExceptionally(e);
            context().self().stop();
            return;
        }
        context().watch(child);
        spawned.complete(child);
    }

    @Override
    protected void receive(Void message) {
        // never called: this actor's reference is not handed out
    }

    @Override
    protected void onTerminated(Terminated terminated) {
        context().self().stop(); // the tested actor is gone, and so is its supervisor (freeing the name)
    }

    @Override
    protected void postRestart(Throwable cause) {
        context().self().stop(); // not reached: the kit's guardian stops, never restarts, a failed supervisor
    }

    @Override
    protected SupervisorStrategy supervisorStrategy() {
        return strategy;
    }
}
