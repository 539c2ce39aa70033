package dev.vela.actor;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * How one pool picks a routee for a message, and the routee set it picks from: shared by the pool's
 * {@link Router} (which reads it on every tell, from any thread) and its {@link PoolHead} (which
 * republishes it when the routee set changes, from the head's thread).
 *
 * <p>Implementation overview. The routee set is an immutable {@link Table} behind one volatile field
 * ({@link #table}): a tell reads it once and picks from that snapshot, so a tell never locks and never
 * sees a half-built table. The head builds a new table whenever a routee is added or removed and
 * publishes it with one volatile write; routees are few and change rarely, so rebuilding (for
 * consistent hashing: re-sorting the ring) is cheaper than any incremental structure that readers
 * would have to synchronise with.
 * <ul>
 *   <li><b>Round robin</b>: one {@link AtomicInteger} per pool; a tell takes {@code getAndIncrement}
 *       and uses {@code floorMod(n, routees)} (the wrap past {@code Integer.MAX_VALUE} only shifts
 *       the sequence once). Messages told one after another by one thread go to routees
 *       {@code 0, 1, ..., n-1, 0, ...}; under contention each tell still takes a distinct number.</li>
 *   <li><b>Consistent hashing</b> (Pekko's {@code ConsistentHash}): each routee owns
 *       {@code virtualNodes} points on a 32-bit ring, {@code fmix32} (murmur3's finaliser) of its
 *       <em>spawn index</em> and the node number. The points are a sorted {@code int[]} with a parallel
 *       routee array; a message goes to the owner of the first point at or after
 *       {@code fmix32(key.hashCode())}, wrapping past the largest. A point depends on the routee's
 *       spawn index only (not on its position in the live set), so removing a routee removes its
 *       points and moves only the keys it owned; the others' keys stay where they were. Equal points
 *       (a 32-bit collision) keep the one of the lowest spawn index, so lookup is deterministic.</li>
 * </ul>
 *
 * @param <M> the message type
 */
final class RoutingLogic<M> {
    /** Pekko's default number of virtual nodes per routee. */
    static final int DEFAULT_VIRTUAL_NODES = 10;

    /** Null for round robin; otherwise the consistent-hash key function. */
    private final Function<? super M, ?> hashKey;
    /** At least 1; used only with {@link #hashKey}. */
    private final int virtualNodes;
    /** Round robin's sequence; only ever incremented. */
    private final AtomicInteger next = new AtomicInteger();
    /**
     * The live routee set; never null (empty before the head's first publication and after the pool
     * stopped). Replaced whole, under {@code synchronized (this)}; read without a lock.
     */
    private volatile Table<M> table = Table.empty();
    /** Set once by {@link #close()}; afterwards the table stays empty. Guarded by {@code synchronized (this)}. */
    private boolean closed;

    RoutingLogic(Function<? super M, ?> hashKey, int virtualNodes) {
        this.hashKey = hashKey;
        this.virtualNodes = virtualNodes;
    }

    boolean consistentHashing() {
        return hashKey != null;
    }

    int virtualNodes() {
        return virtualNodes;
    }

    /**
     * The routee for {@code message}, or {@code null} if there is none (not started, all gone, stopped).
     *
     * @throws NullPointerException if the consistent-hash key of {@code message} is null
     */
    ActorRef<M> select(M message) {
        Table<M> t = table;
        ActorRef<M>[] routees = t.routees;
        if (routees.length == 0) return null;
        if (hashKey == null) return routees[Math.floorMod(next.getAndIncrement(), routees.length)];
        Object key = hashKey.apply(message);
        if (key == null) throw new NullPointerException("consistent-hash key of " + message + " is null");
        return t.owner(mix(key.hashCode()));
    }

    /** The live routees, in spawn order. */
    List<ActorRef<M>> routees() {
        return List.of(table.routees);
    }

    /**
     * Publishes a new routee set ({@code ids[i]} is the spawn index of {@code routees[i]}). Ignored
     * once closed. Called by the pool's head.
     */
    synchronized void publish(ActorRef<M>[] routees, int[] ids) {
        if (closed) return;
        table = routees.length == 0 ? Table.empty() : new Table<>(routees.clone(), hashKey == null ? null : ring(ids));
    }

    /** The pool has stopped (or is stopping): from now on no routee is selected. Idempotent. */
    synchronized void close() {
        closed = true;
        table = Table.empty();
    }

    /** For each ring point, sorted by point value: {@code (long) point << 32 | position in the routee array}. */
    private long[] ring(int[] ids) {
        long[] points = new long[ids.length * virtualNodes];
        int k = 0;
        for (int i = 0; i < ids.length; i++) {
            for (int v = 0; v < virtualNodes; v++) points[k++] = ((long) point(ids[i], v) << 32) | i;
        }
        Arrays.sort(points);   // by point (signed), then by position (= spawn order: the routee array is in spawn order)
        return points;
    }

    /** The ring point of virtual node {@code v} of the routee spawned {@code id}-th. */
    static int point(int id, int v) {
        return mix(mix(id) * 31 + v);
    }

    /** Murmur3's 32-bit finaliser: every input bit affects every output bit. */
    static int mix(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }

    /**
     * One immutable routee set. Invariants: {@code routees} is in spawn order and never changes; for
     * consistent hashing {@code points} is strictly increasing and {@code owners[i]} owns
     * {@code points[i]}; both are null for round robin.
     */
    static final class Table<M> {
        private static final Table<?> EMPTY = new Table<>(new ActorRef<?>[0], null);

        final ActorRef<M>[] routees;
        private final int[] points;
        private final ActorRef<M>[] owners;

        @SuppressWarnings("unchecked")
        static <M> Table<M> empty() {
            return (Table<M>) EMPTY;
        }

        @SuppressWarnings("unchecked")
        private Table(ActorRef<?>[] routees, long[] ring) {
            this.routees = (ActorRef<M>[]) routees;
            if (ring == null) {
                points = null;
                owners = null;
                return;
            }
            int[] pts = new int[ring.length];
            ActorRef<M>[] own = (ActorRef<M>[]) new ActorRef<?>[ring.length];
            int n = 0;
            for (long p : ring) {
                int point = (int) (p >> 32);
                if (n > 0 && pts[n - 1] == point) continue;   // a collision: the first (lowest spawn index) wins
                pts[n] = point;
                own[n++] = this.routees[(int) p];
            }
            points = n == pts.length ? pts : Arrays.copyOf(pts, n);
            owners = n == own.length ? own : Arrays.copyOf(own, n);
        }

        /** The owner of the first point at or after {@code h}, wrapping past the last. */
        ActorRef<M> owner(int h) {
            int i = Arrays.binarySearch(points, h);
            if (i < 0) {
                i = -i - 1;
                if (i == points.length) i = 0;
            }
            return owners[i];
        }
    }

    static <M> RoutingLogic<M> roundRobin() {
        return new RoutingLogic<>(null, 0);
    }

    static <M> RoutingLogic<M> consistentHash(Function<? super M, ?> key, int virtualNodes) {
        return new RoutingLogic<>(Objects.requireNonNull(key, "key"), virtualNodes);
    }
}
