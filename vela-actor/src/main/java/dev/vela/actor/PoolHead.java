package dev.vela.actor;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/**
 * The head actor of a pool router: the parent, supervisor and watcher of the routees, and the only
 * writer of the pool's {@link RoutingLogic}. It never receives a message (the {@link Router} tells
 * routees directly); it acts only in its lifecycle hooks and death watch, on its own thread.
 *
 * <ul>
 *   <li>{@code preStart} (also after a restart of the head, whose old routees the cell has stopped):
 *       spawns routees {@code r0 .. r(n-1)} with the spec's factory and mailbox, watches them,
 *       publishes them, then completes {@code started} (what {@link PoolSpec#spawn} waits for).</li>
 *   <li>{@code onTerminated}: a routee that stopped (by itself, by the strategy's {@code STOP}, or over
 *       its restart limit) is removed and the rest republished; when none is left the head stops
 *       itself. A notice about a routee of an earlier incarnation is ignored. A <em>restarted</em>
 *       routee keeps its cell, hence its reference: nothing to do.</li>
 *   <li>{@code postStop} (after the cell stopped every routee): closes the routing, so later tells
 *       become dead letters at once.</li>
 * </ul>
 *
 * @param <M> the routees' message type
 */
final class PoolHead<M> extends Actor<Void> {
    private final PoolSpec<M> spec;
    private final RoutingLogic<M> logic;
    private final CompletableFuture<Void> started;

    // Confined to the head's thread. Invariant: routees[i] is live (as far as death watch has told)
    // and was spawned ids[i]-th; both arrays in spawn order, same length; republished on every change.
    private ActorRef<M>[] routees;
    private int[] ids;

    PoolHead(PoolSpec<M> spec, RoutingLogic<M> logic, CompletableFuture<Void> started) {
        this.spec = spec;
        this.logic = logic;
        this.started = started;
    }

    @Override
    @SuppressWarnings("unchecked")
    protected void preStart() {
        int n = spec.size();
        routees = (ActorRef<M>[]) new ActorRef<?>[n];
        ids = new int[n];
        for (int i = 0; i < n; i++) {
            ActorRef<M> r = context().spawn("r" + i, spec.factory(), spec.mailbox());
            context().watch(r);
            routees[i] = r;
            ids[i] = i;
        }
        logic.publish(routees, ids);
        started.complete(null);
    }

    @Override
    protected void receive(Void message) {
        // nobody can tell the head anything: its reference is never handed out
    }

    @Override
    protected void onTerminated(Terminated terminated) {
        if (routees == null) return;
        int j = -1;
        for (int i = 0; i < routees.length; i++) {
            if (routees[i] == terminated.actor()) {
                j = i;
                break;
            }
        }
        if (j < 0) return;   // a routee of an earlier incarnation of the head
        int n = routees.length - 1;
        ActorRef<M>[] rs = Arrays.copyOf(routees, n);
        int[] is = Arrays.copyOf(ids, n);
        System.arraycopy(routees, j + 1, rs, j, n - j);
        System.arraycopy(ids, j + 1, is, j, n - j);
        routees = rs;
        ids = is;
        logic.publish(rs, is);
        if (n == 0) context().self().stop();   // the last routee is gone: so is the pool
    }

    @Override
    protected void postStop() {
        logic.close();
    }

    @Override
    protected SupervisorStrategy supervisorStrategy() {
        return spec.strategy();
    }
}
