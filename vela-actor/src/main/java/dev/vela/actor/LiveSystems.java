package dev.vela.actor;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;

/**
 * The actor systems of this class loader that may still have live actors, for monitoring
 * ({@link ActorConsoleSection}): every {@link ActorSystem} registers itself when it is created.
 *
 * <p>Implementation overview. A list of weak references in creation order, under this class's lock:
 * the registry never keeps a system alive (an unreachable system that was never closed has no runner
 * and no live actor anyone can reach, and is collected as usual). Systems that have terminated and
 * references the collector has cleared are dropped by {@link #live()} and, so that a program which
 * creates and closes many systems without a console keeps the list small, by {@link #add} whenever the
 * list has doubled since its last pruning (amortised O(1) per creation). Creating a system is not a
 * hot path; nothing else touches this class unless a console samples.
 */
final class LiveSystems {
    private LiveSystems() {}

    /** Creation order; may hold cleared references and terminated systems until the next pruning. Guarded by LiveSystems.class. */
    private static final ArrayList<WeakReference<ActorSystem>> SYSTEMS = new ArrayList<>();
    /** The list's size after the last pruning (at least 16): {@link #add} prunes when the list reaches twice this. */
    private static int prunedSize = 16;

    /** Registers a new system (its constructor calls this). */
    static synchronized void add(ActorSystem system) {
        if (SYSTEMS.size() >= 2 * prunedSize) {
            prune();
            prunedSize = Math.max(16, SYSTEMS.size());
        }
        SYSTEMS.add(new WeakReference<>(system));
    }

    /**
     * The systems not yet terminated, in creation order (pruning the rest).
     *
     * @return a new list
     */
    static synchronized List<ActorSystem> live() {
        prune();
        List<ActorSystem> out = new ArrayList<>(SYSTEMS.size());
        for (WeakReference<ActorSystem> r : SYSTEMS) {
            ActorSystem s = r.get();
            if (s != null) out.add(s);
        }
        return out;
    }

    /** Drops cleared references and terminated systems. Caller holds the lock. */
    private static void prune() {
        SYSTEMS.removeIf(r -> {
            ActorSystem s = r.get();
            return s == null || s.isTerminated();
        });
    }
}
