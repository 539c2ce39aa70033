package dev.vela.actor;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;

/**
 * An actor's ties to other actors: death watch (both directions) and links, with the notices they
 * produced that wait for delivery (docs/adr/0045).
 *
 * <p>Implementation overview. Every change travels as a {@link SysMsg} to the other actor and is
 * applied there by its runner, so each side changes only its own sets and no lock is needed:
 * <ul>
 *   <li>Watch: the watcher adds the target to {@link #watching} and sends {@code Watch}; the target
 *       adds the watcher to {@link #watchers}. When the target terminates it sends {@code DeathNotice}
 *       to each watcher, which queues a {@link Terminated} if it still watches it (an unwatch in between
 *       drops the notice).</li>
 *   <li>Link (Erlang): the linker adds the partner to {@link #links} and sends {@code Link}; the
 *       partner adds the linker to its own {@link #links}. When either side fails or terminates,
 *       {@link #breakLinks} sends {@code LinkExit} to every partner and forgets them; a partner queues
 *       an {@link ExitSignal} if it is still linked (an unlink in between drops it). At delivery a
 *       trapping actor gets {@link Actor#onExit}; a non-trapping one fails with
 *       {@link LinkedActorFailedException} if the signal carries a cause, and ignores a normal stop.</li>
 *   <li>A {@code Watch} or {@code Link} that reaches an actor that has terminated (its system-message
 *       stack is closed) is answered at once with the termination's notice, so a watch or link never
 *       waits for a notice that will not come. A {@code Link} that reaches an actor suspended after a
 *       failure is answered with that failure ({@link #failure}): the linked instance is already gone.</li>
 * </ul>
 *
 * <p>Runner-confined: every method runs on the owner's runner (from the context methods or while the
 * owner processes its system messages), like the cell's other runner-confined state.
 */
final class Relations {
    private final ActorCell<?> owner;
    private HashSet<ActorCell<?>> watchers;   // who watches the owner; null: none yet
    /** Whom the owner watches, each with the reference the owner gave (a {@link Router} for a pool's head); null: none yet. */
    private HashMap<ActorCell<?>, ActorRef<?>> watching;
    /**
     * Linked partners, each with the reference notices name it by (as given to {@code link}, else the
     * cell); each partner holds the owner in its own map, except while a Link/LinkExit/Unlink is in flight.
     */
    private HashMap<ActorCell<?>, ActorRef<?>> links;
    /** Set by {@link #breakLinks} at a failure, cleared by {@link #recovered}: the answer to a late {@code Link}. */
    private Throwable failure;
    /** Exit signals come to {@link Actor#onExit} instead of failing the owner; reset at each restart (a new instance). */
    boolean trapExits;
    /** {@link Terminated} and {@link ExitSignal} notices in arrival order, delivered between messages, never while suspended. */
    private final ArrayDeque<Object> notices = new ArrayDeque<>(2);

    Relations(ActorCell<?> owner) {
        this.owner = owner;
    }

    // ---- death watch

    /** The owner starts watching {@code target} (named {@code as} in its notice); false if it already did. */
    boolean watch(ActorCell<?> target, ActorRef<?> as) {
        if (watching == null) watching = new HashMap<>();
        return watching.putIfAbsent(target, as) == null;
    }

    /** The owner stops watching {@code target}; false if it did not. */
    boolean unwatch(ActorCell<?> target) {
        return watching != null && watching.remove(target) != null;
    }

    void addWatcher(ActorCell<?> watcher) {
        if (watchers == null) watchers = new HashSet<>();
        watchers.add(watcher);
    }

    void removeWatcher(ActorCell<?> watcher) {
        if (watchers != null) watchers.remove(watcher);
    }

    /** A watched actor terminated: queue the notice if the owner still watches it. */
    void deathNotice(Terminated t) {
        ActorRef<?> as = watching == null ? null : watching.remove((ActorCell<?>) t.actor());
        if (as != null) notices.addLast(as == t.actor() ? t : new Terminated(as, t.cause()));
    }

    // ---- links

    /** The owner links to {@code partner} (named {@code as} in its exit signal); false if already linked. */
    boolean link(ActorCell<?> partner, ActorRef<?> as) {
        if (links == null) links = new HashMap<>();
        return links.putIfAbsent(partner, as) == null;
    }

    /** The owner unlinks from {@code partner}; false if it was not linked. */
    boolean unlink(ActorCell<?> partner) {
        return links != null && links.remove(partner) != null;
    }

    /** The failure that a {@code Link} arriving now is answered with; null when the owner is not failed. */
    Throwable failure() {
        return failure;
    }

    /** A linked partner failed or terminated: queue its exit signal if the owner is still linked to it. */
    void linkExit(ActorCell<?> from, Throwable cause) {
        ActorRef<?> as = links == null ? null : links.remove(from);
        if (as != null) notices.addLast(new ExitSignal(as, cause));
    }

    /**
     * The owner failed ({@code failed}) or terminated: every partner gets an exit signal and the links
     * are gone (Erlang: a restarted process has no links).
     */
    void breakLinks(Throwable cause, boolean failed) {
        if (failed) failure = cause;
        if (links == null || links.isEmpty()) return;
        for (ActorCell<?> p : links.keySet()) p.pushSys(new SysMsg.LinkExit(owner, cause));
        links = null;
    }

    /** The owner was resumed or restarted: a new link no longer meets a failed instance; a new instance traps nothing yet. */
    void recovered(boolean newInstance) {
        failure = null;
        if (newInstance) trapExits = false;
    }

    // ---- notices

    /** The next notice to deliver ({@link Terminated} or {@link ExitSignal}), or null. */
    Object nextNotice() {
        return notices.pollFirst();
    }

    boolean hasNotices() {
        return !notices.isEmpty();
    }

    /** At termination: every watcher is told, every watched actor forgets the owner, every link breaks. */
    void terminated(Terminated notice) {
        breakLinks(notice.cause(), false);
        if (watchers != null) {
            for (ActorCell<?> w : watchers) w.pushSys(new SysMsg.DeathNotice(notice));
        }
        if (watching != null) {
            for (ActorCell<?> w : watching.keySet()) w.pushSys(new SysMsg.Unwatch(owner));
        }
        notices.clear();
    }

    /** A system message that reached the owner after it terminated: answer a watch or a link at once. */
    static void answerLate(SysMsg m, Terminated notice) {
        if (m instanceof SysMsg.Watch w) {
            w.watcher.pushSys(new SysMsg.DeathNotice(notice));
        } else if (m instanceof SysMsg.Link l) {
            l.partner.pushSys(new SysMsg.LinkExit((ActorCell<?>) notice.actor(), notice.cause()));
        }
    }
}
