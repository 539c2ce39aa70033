/**
 * Typed actors on virtual threads with Erlang-style supervision.
 *
 * <p>An {@link dev.vela.actor.Actor} processes one message at a time on a virtual thread that runs
 * only while it has work (an idle actor holds no thread); its
 * mailbox is a Vela channel ({@link dev.vela.actor.Mailbox}). Everyone else holds an
 * {@link dev.vela.actor.ActorRef}: {@code tell}, {@code ask} (with a mandatory timeout), {@code stop}.
 * Actors form trees under an {@link dev.vela.actor.ActorSystem}; a parent supervises its children
 * with a {@link dev.vela.actor.SupervisorStrategy} (one-for-one, one-for-all, rest-for-one;
 * {@link dev.vela.actor.Directive resume, restart, stop, escalate}; restart intensity; backoff).
 * Messages that are not processed are counted as {@link dev.vela.actor.DeadLetters dead letters}.
 * See {@code docs/actors.md}.
 */
package dev.vela.actor;
