package dev.vela.actor;

import dev.vela.channel.Timers;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * A parent's side of supervision: its live children (in spawn order) and, per failing child, the
 * restart times that the restart intensity is counted on.
 *
 * <p>Implementation overview. {@link #childFailed} runs on the parent's thread when a child's
 * {@code Failed} message is processed. It asks the strategy's decider for a directive, selects the
 * affected children by the strategy's kind (the failing one; all; the failing one and those spawned
 * after it) and sends each of them {@code Resume}, {@code Restart(cause, backoff)} or {@code Stop}.
 * For a restart it first drops the restart times older than the window from the list that counts
 * (the failing child's, or the supervisor's own under {@code PER_SUPERVISOR}); if {@code maxRestarts}
 * remain, the limit is exceeded: the affected children (per child) or all children (per supervisor,
 * as Erlang's supervisor terminates them all) stop with a {@link RestartLimitExceededException} and
 * the parent escalates it (Erlang's intensity rule). Per child (Akka's rule), under one-for-all a
 * sibling restarted along with the failing child does not use up its own budget.
 *
 * <p>Thread safety: {@link #children} is guarded by the owner cell's monitor, because the guardian
 * spawns from any thread and a terminating child removes itself. {@link #restarts} and
 * {@link #escalated} are confined to the owner's thread.
 */
final class Supervision {
    private final ActorCell<?> owner;
    private LinkedHashMap<Object, ActorCell<?>> children;   // guarded by owner; siblingKey -> live child, spawn order
    private HashMap<ActorCell<?>, ArrayDeque<Long>> restarts; // owner thread; per child: Timers.nanoTime() of restarts in the window
    private ArrayDeque<Long> allRestarts;                     // owner thread; PER_SUPERVISOR: the same for every child
    private HashSet<ActorCell<?>> escalated;                  // owner thread; children suspended by an ESCALATE

    Supervision(ActorCell<?> owner) {
        this.owner = owner;
    }

    /** Caller holds the owner's monitor. */
    void add(ActorCell<?> child) {
        if (children == null) children = new LinkedHashMap<>();
        if (children.putIfAbsent(child.siblingKey(), child) != null) {
            throw new IllegalArgumentException("an actor named '" + child.name() + "' already lives under " + owner.path());
        }
    }

    /** Caller holds the owner's monitor. */
    void remove(ActorCell<?> child) {
        if (children != null) children.remove(child.siblingKey(), child);
    }

    /** Caller holds the owner's monitor. */
    List<ActorRef<?>> liveChildren() {
        return children == null ? List.of() : List.copyOf(children.values());
    }

    /** Caller holds the owner's monitor. */
    List<ActorCell<?>> liveCells() {
        return children == null ? List.of() : new ArrayList<>(children.values());
    }

    /** Caller holds the owner's monitor. For monitoring: the live children, in spawn order, without a copy. */
    void addLiveCellsTo(List<ActorCell<?>> out) {
        if (children != null) out.addAll(children.values());
    }

    /** On the owner's thread: apply the strategy to a failed child. */
    void childFailed(ActorCell<?> child, Throwable cause, SupervisorStrategy strategy) {
        List<ActorCell<?>> affected;
        synchronized (owner) {
            if (children == null || children.get(child.siblingKey()) != child) return; // already gone
            affected = affected(child, strategy.kind());
        }
        switch (strategy.decide(cause)) {
            case RESUME -> child.pushSys(new SysMsg.Resume());
            case RESTART -> restart(child, cause, strategy, affected);
            case STOP -> {
                forget(affected);
                for (ActorCell<?> c : affected) c.stop(cause);
            }
            case ESCALATE -> {
                if (escalated == null) escalated = new HashSet<>();
                escalated.add(child);
                owner.escalate(cause, child);
            }
        }
    }

    private void restart(ActorCell<?> child, Throwable cause, SupervisorStrategy strategy, List<ActorCell<?>> affected) {
        boolean perSupervisor = strategy.restartCounting() == SupervisorStrategy.RestartCounting.PER_SUPERVISOR;
        ArrayDeque<Long> times;
        if (perSupervisor) {
            if (allRestarts == null) allRestarts = new ArrayDeque<>();
            times = allRestarts;
        } else {
            if (restarts == null) restarts = new HashMap<>();
            times = restarts.computeIfAbsent(child, c -> new ArrayDeque<>());
        }
        long now = Timers.nanoTime();                // the runtime's clock: a test's virtual clock too
        long windowNanos = strategy.window().toNanos();
        while (!times.isEmpty() && now - times.peekFirst() > windowNanos) times.removeFirst();
        int before = times.size();
        if (before >= strategy.maxRestarts()) {
            RestartLimitExceededException limit = new RestartLimitExceededException(child.path() + " failed again after "
                    + before + " restart(s)" + (perSupervisor ? " of the children of " + owner.path() : "") + " within "
                    + strategy.window() + " (at most " + strategy.maxRestarts() + " allowed); stopping "
                    + (perSupervisor ? "all of them" : "it") + " and escalating", cause);
            if (perSupervisor) {
                synchronized (owner) {
                    affected = new ArrayList<>(children.values());
                }
                allRestarts = null;   // a fresh count for whatever children the supervisor has next
            }
            forget(affected);
            for (ActorCell<?> c : affected) c.stop(limit);
            owner.escalate(limit, child);
            return;
        }
        times.addLast(now);
        long delay = strategy.backoff().delay(before + 1).toNanos();   // attempt 1 = the first restart in the window
        for (ActorCell<?> c : affected) c.pushSys(new SysMsg.Restart(cause, delay));
    }

    private void forget(List<ActorCell<?>> stopped) {
        if (restarts != null) for (ActorCell<?> c : stopped) restarts.remove(c);
    }

    /** Caller holds the owner's monitor. */
    private List<ActorCell<?>> affected(ActorCell<?> child, SupervisorStrategy.Kind kind) {
        return switch (kind) {
            case ONE_FOR_ONE -> List.of(child);
            case ONE_FOR_ALL -> new ArrayList<>(children.values());
            case REST_FOR_ONE -> {
                List<ActorCell<?>> rest = new ArrayList<>();
                boolean from = false;
                for (ActorCell<?> c : children.values()) {
                    if (c == child) from = true;
                    if (from) rest.add(c);
                }
                yield rest;
            }
        };
    }

    /** On the owner's thread, when the owner is resumed: children it had escalated for resume too. */
    void resumeEscalatedChildren() {
        if (escalated == null) return;
        for (ActorCell<?> c : escalated) c.pushSys(new SysMsg.Resume());
        escalated = null;
    }
}
