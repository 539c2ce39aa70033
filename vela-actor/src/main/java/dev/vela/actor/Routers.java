package dev.vela.actor;

import java.util.function.Supplier;

/**
 * Pool routers (Akka/Pekko's {@code Routers.pool}): {@code n} actors of one kind behind one
 * {@link Router} reference that spreads messages over them.
 *
 * <pre>{@code
 * Router<Job> workers = Routers.pool(4, Worker::new).spawn(system, "workers");            // round robin
 * Router<Order> shards = Routers.pool(8, Shard::new)
 *         .consistentHash(Order::customerId)                                             // a customer: one shard
 *         .spawn(context(), "shards");                                                   // as a child, from an actor
 * }</pre>
 *
 * See {@link PoolSpec} for the options and {@link Router} for the guarantees.
 */
public final class Routers {
    private Routers() {}

    /**
     * A pool of {@code size} routees made by {@code factory}, round robin, unbounded mailboxes,
     * supervised one-for-one with the default limits; change any of it on the returned spec, then
     * {@linkplain PoolSpec#spawn(ActorSystem, String) spawn} it.
     *
     * @param size    how many routees, at least 1
     * @param factory makes a new routee instance on each call (at each routee's start and restart)
     * @param <M>     the message type
     * @return the spec
     * @throws IllegalArgumentException if {@code size < 1}
     * @throws NullPointerException     if {@code factory} is null
     */
    public static <M> PoolSpec<M> pool(int size, Supplier<? extends Actor<M>> factory) {
        return PoolSpec.of(size, factory);
    }
}
