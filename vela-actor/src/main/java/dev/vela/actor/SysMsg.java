package dev.vela.actor;

/**
 * System messages: what actors tell each other about lifecycle and supervision. They travel on a
 * separate lock-free stack per actor ({@link ActorCell}), never through the mailbox, so that no
 * overflow policy can drop them and a full mailbox cannot delay a stop. Each instance is pushed once
 * ({@link #next} links the stack).
 */
abstract sealed class SysMsg {
    /** The next older message on the stack; written by the pusher before its CAS publishes it. */
    SysMsg next;

    /** Terminate the actor (drain the mailbox to dead letters, stop children, postStop, notify watchers). */
    static final class Stop extends SysMsg {
        final Throwable cause; // null: a normal stop

        Stop(Throwable cause) {
            this.cause = cause;
        }
    }

    /** To a parent: its child failed and is suspended until the parent sends a directive. */
    static final class Failed extends SysMsg {
        final ActorCell<?> child;
        final Throwable cause;

        Failed(ActorCell<?> child, Throwable cause) {
            this.child = child;
            this.cause = cause;
        }
    }

    /** To a watched actor: add a watcher. */
    static final class Watch extends SysMsg {
        final ActorCell<?> watcher;

        Watch(ActorCell<?> watcher) {
            this.watcher = watcher;
        }
    }

    /** To a watched actor: remove a watcher. */
    static final class Unwatch extends SysMsg {
        final ActorCell<?> watcher;

        Unwatch(ActorCell<?> watcher) {
            this.watcher = watcher;
        }
    }

    /** To a watcher: an actor it watches has terminated. */
    static final class DeathNotice extends SysMsg {
        final Terminated terminated;

        DeathNotice(Terminated terminated) {
            this.terminated = terminated;
        }
    }

    /** To a partner: link with {@code partner} (both sides then hold the link). */
    static final class Link extends SysMsg {
        final ActorCell<?> partner;

        Link(ActorCell<?> partner) {
            this.partner = partner;
        }
    }

    /** To a partner: {@code partner} removed the link. */
    static final class Unlink extends SysMsg {
        final ActorCell<?> partner;

        Unlink(ActorCell<?> partner) {
            this.partner = partner;
        }
    }

    /** To a partner: the linked actor {@code from} failed or terminated ({@code cause} null: a normal stop). */
    static final class LinkExit extends SysMsg {
        final ActorCell<?> from;
        final Throwable cause;

        LinkExit(ActorCell<?> from, Throwable cause) {
            this.from = from;
            this.cause = cause;
        }
    }

    /** Directive RESUME: leave the suspended state, keep the instance. */
    static final class Resume extends SysMsg {}

    /** Directive RESTART: after {@code delayNanos}, replace the instance (the mailbox is kept). */
    static final class Restart extends SysMsg {
        final Throwable cause;
        final long delayNanos;

        Restart(Throwable cause, long delayNanos) {
            this.cause = cause;
            this.delayNanos = delayNanos;
        }
    }

    /** Marks a closed stack (the actor has terminated): pushes fail. Never processed. */
    static final class Closed extends SysMsg {}
}
