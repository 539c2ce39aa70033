package dev.vela.actor;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * The actor registry of an {@link ActorSystem} ({@link ActorSystem#registry()}): actors registered
 * under a typed {@link ActorKey}, so that others can find them by name, as with Erlang's
 * {@code register}/{@code whereis}.
 *
 * <pre>{@code
 * static final ActorKey<Order> ORDERS = ActorKey.of("orders", Order.class);
 *
 * system.registry().register(ORDERS, system.spawn("orders", Orders::new));
 * // elsewhere, possibly before the actor exists:
 * system.registry().whenRegistered(ORDERS)
 *       .orTimeout(5, TimeUnit.SECONDS)
 *       .thenAccept(orders -> orders.tell(new Order(42)));
 * system.registry().lookup(ORDERS).ifPresent(orders -> orders.tell(new Order(43)));
 * }</pre>
 *
 * <h2>Rules</h2>
 * <ul>
 *   <li><b>One actor per name</b> (Erlang): registering a name that a live actor holds fails with
 *       {@link IllegalStateException}; registering the same actor under the same key again does
 *       nothing. An actor may hold several names.</li>
 *   <li><b>One message type per name</b>: a key whose name is registered with another message type is
 *       refused by every operation with {@link IllegalArgumentException}
 *       ({@code 'orders' is registered for Order, asked for Invoice}).</li>
 *   <li><b>Termination unregisters</b>: once an actor's {@link ActorRef#whenTerminated()} has
 *       completed, none of its names is found any more and each may be registered by another actor. A
 *       restart keeps the registration (the reference stays the same).</li>
 *   <li>Only actors of this system can be registered: not an ask's reply reference, not an actor of
 *       another system, not one that has terminated.</li>
 * </ul>
 *
 * <p>Every method is thread-safe and may be called from any thread, actors' included; only
 * {@link #whenRegistered} waits (through its future), the others return at once.
 *
 * <h2>Implementation overview</h2>
 * One {@link ConcurrentHashMap} from name to {@code Slot}: a {@code Held} registration, or the
 * {@code Waiting} futures of {@code whenRegistered} calls (never both, never an empty list). Every change
 * of a name is one atomic {@code compute} on that name, so two registrations of one name are ordered
 * by the map's per-bin lock and exactly one of them wins; names do not contend with each other, and
 * {@link #lookup} is a plain lock-free {@code get}. (A single lock would be as correct and simpler to
 * read, but would serialise lookups, which may sit on a hot path.) Nothing else runs under a bin lock:
 * futures are completed after the {@code compute} returns, since their callbacks are user code and a
 * callback that used the registry inside {@code compute} would fail with a recursive update.
 *
 * <p>Termination: each registration adds one callback to the actor's termination future that removes
 * the mapping only if it is still <em>that</em> registration ({@code remove(name, held)}), so a stop
 * followed at once by a new registration under the freed name is never undone by the old actor's
 * callback. Because the future's other dependents (such as the one a caller of {@code whenTerminated()}
 * waits on) may run before that callback, a registration whose actor's termination future is done is
 * treated as absent everywhere ({@code Held.live()}). When the system terminates (its guardian's
 * termination future; hooked on the first {@code whenRegistered}), the registry is closed: pending
 * {@code whenRegistered} futures fail and new ones fail at once.
 */
public final class Registry {

    /** What the map holds for one name. */
    private sealed interface Slot permits Held, Waiting {}

    /**
     * One registration. Identity matters: the termination callback removes exactly this object.
     * Immutable; {@code termination} is the actor's termination future, done once it has terminated.
     */
    private static final class Held implements Slot {
        final ActorKey<?> key;
        final ActorRef<?> ref;
        final CompletableFuture<?> termination;

        Held(ActorKey<?> key, ActorRef<?> ref, CompletableFuture<?> termination) {
            this.key = key;
            this.ref = ref;
            this.termination = termination;
        }

        /** False once the actor has terminated, even before the termination callback has removed this. */
        boolean live() {
            return !termination.isDone();
        }
    }

    /** The futures waiting for a name; immutable, never empty (the slot is removed instead). */
    private record Waiting(List<Waiter> waiters) implements Slot {}

    /** One {@code whenRegistered} call: completed with the ref if the types match, else with an IAE. */
    private record Waiter(ActorKey<?> key, CompletableFuture<ActorRef<?>> future) {}

    private final ActorSystem system;
    /** Gives the system's termination future; called once, after the system is constructed. */
    private final Function<ActorSystem, ? extends CompletableFuture<?>> systemTermination;
    /** Name -> registration or waiters. Changed only by compute-style operations on one name. */
    private final ConcurrentHashMap<String, Slot> names = new ConcurrentHashMap<>();
    /** Set once, when the system has terminated, before the waiters are drained; read inside computes. */
    private volatile boolean closed;
    /** Whether the callback on the system's termination has been added (at most once). */
    private final AtomicBoolean terminationHooked = new AtomicBoolean();

    /**
     * Creates the registry of {@code system}.
     *
     * @param system            the owning system
     * @param systemTermination gives the future that completes when the system has terminated; it is
     *                          called lazily, so it may read state the system's constructor sets later
     */
    Registry(ActorSystem system, Function<ActorSystem, ? extends CompletableFuture<?>> systemTermination) {
        this.system = system;
        this.systemTermination = systemTermination;
    }

    /**
     * Registers {@code ref} under {@code key}. It stays registered until {@link #unregister} or until
     * the actor terminates; a restart keeps it. Futures of {@link #whenRegistered} waiting for the
     * name are completed on this thread, after the registration is visible.
     *
     * @param key the key, whose name must be free or held by {@code ref} with the same message type
     * @param ref an actor of this system that has not terminated
     * @param <M> the message type
     * @throws NullPointerException     if {@code key} or {@code ref} is null
     * @throws IllegalArgumentException if {@code ref} is an ask's reply reference or belongs to another
     *                                  system, or the name is registered with another message type
     * @throws IllegalStateException    if the name is held by another live actor (the message names
     *                                  it), or {@code ref} has terminated (nothing is registered)
     */
    public <M> void register(ActorKey<M> key, ActorRef<M> ref) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(ref, "ref");
        checkOwnActor(key, ref);
        CompletableFuture<?> termination = terminationOf(ref);
        if (termination.isDone()) {
            throw new IllegalStateException("cannot register " + ref.path() + " as " + key + ": it has terminated");
        }
        Held mine = new Held(key, ref, termination);
        var woken = new Object() {
            List<Waiter> waiters;    // non-null: mine was put in the map, wake these
        };
        names.compute(key.name(), (name, slot) -> {
            if (slot instanceof Held h && h.live()) {
                checkType(h, key);
                if (h.ref.equals(ref)) return h;                       // already registered: no-op
                throw new IllegalStateException("cannot register " + ref.path() + " as " + key
                        + ": '" + name + "' is already registered by " + h.ref.path());
            }
            woken.waiters = slot instanceof Waiting w ? w.waiters() : List.of();   // a dead Held is replaced
            return mine;
        });
        if (woken.waiters == null) return;
        // Added after the put: if the actor terminated meanwhile, this runs at once and removes it.
        termination.whenComplete((t, e) -> names.remove(key.name(), mine));
        for (Waiter w : woken.waiters) {
            if (w.key().messageType().equals(key.messageType())) {
                w.future().complete(ref);
            } else {
                w.future().completeExceptionally(mismatch(key.name(), key.messageType(), w.key().messageType()));
            }
        }
    }

    /**
     * The actor registered under {@code key}, if any.
     *
     * @param key the key
     * @param <M> the message type
     * @return the actor, or empty if nothing (or an actor that has terminated) is registered under the name
     * @throws NullPointerException     if {@code key} is null
     * @throws IllegalArgumentException if the name is registered with another message type
     */
    @SuppressWarnings("unchecked")   // the message type was checked (Class equality)
    public <M> Optional<ActorRef<M>> lookup(ActorKey<M> key) {
        Objects.requireNonNull(key, "key");
        if (names.get(key.name()) instanceof Held h && h.live()) {
            checkType(h, key);
            return Optional.of((ActorRef<M>) h.ref);
        }
        return Optional.empty();
    }

    /**
     * A future of the actor registered under {@code key}: completed at once if one is, else when one is
     * (on the registering thread: attach long callbacks with the {@code ...Async} methods). Useful
     * against start-up races, where the user of a name may come before its holder.
     *
     * <p>The future fails with {@link IllegalArgumentException} if the name gets registered with another
     * message type, and with {@link IllegalStateException} (naming the system) if the system terminates
     * first, or has already terminated.
     *
     * <p><b>Interruption and timeout.</b> The call itself does not wait. The future has no timeout of its
     * own: bound the wait with {@code orTimeout}/{@code get(timeout, unit)}, and {@code cancel} the future
     * when giving up; cancelling (or otherwise completing) it withdraws the interest, so an abandoned
     * wait leaves nothing behind in the registry. Interrupting a thread blocked in {@code get} is
     * handled by {@code CompletableFuture} and does not affect the registry.
     *
     * @param key the key
     * @param <M> the message type
     * @return the future actor
     * @throws NullPointerException     if {@code key} is null
     * @throws IllegalArgumentException if the name is registered now with another message type
     */
    @SuppressWarnings("unchecked")   // the future is completed only with a ref registered for M
    public <M> CompletableFuture<ActorRef<M>> whenRegistered(ActorKey<M> key) {
        Objects.requireNonNull(key, "key");
        hookSystemTermination();
        CompletableFuture<ActorRef<M>> future = new CompletableFuture<>();
        Waiter me = new Waiter(key, (CompletableFuture<ActorRef<?>>) (CompletableFuture<?>) future);
        var outcome = new Object() {
            ActorRef<?> found;        // registered now
            boolean refused;          // the system has terminated
        };
        names.compute(key.name(), (name, slot) -> {
            if (slot instanceof Held h && h.live()) {
                checkType(h, key);
                outcome.found = h.ref;
                return h;
            }
            if (closed) {
                outcome.refused = true;
                return slot;
            }
            if (slot instanceof Waiting w) {
                List<Waiter> more = new ArrayList<>(w.waiters().size() + 1);
                more.addAll(w.waiters());
                more.add(me);
                return new Waiting(List.copyOf(more));
            }
            return new Waiting(List.of(me));                        // nothing, or a dead Held: replaced
        });
        if (outcome.found != null) {
            future.complete((ActorRef<M>) outcome.found);
        } else if (outcome.refused) {
            future.completeExceptionally(systemTerminated(key));
        } else {
            future.whenComplete((r, e) -> withdraw(key.name(), future));
            // The drain may have passed this name before the waiter was added: fail it here then.
            if (closed) future.completeExceptionally(systemTerminated(key));
        }
        return future;
    }

    /**
     * Removes {@code ref}'s registration under {@code key}.
     *
     * @param key the key
     * @param ref the actor that registered it
     * @param <M> the message type
     * @return {@code true} if {@code ref} was registered under the key (and no longer is); {@code false}
     *         if the name is free, held by another actor, or held by {@code ref} after it terminated
     *         (which unregistered it already)
     * @throws NullPointerException     if {@code key} or {@code ref} is null
     * @throws IllegalArgumentException if the name is registered with another message type
     */
    public <M> boolean unregister(ActorKey<M> key, ActorRef<M> ref) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(ref, "ref");
        var outcome = new Object() {
            boolean removed;
        };
        names.computeIfPresent(key.name(), (name, slot) -> {
            if (!(slot instanceof Held h)) return slot;
            if (!h.live()) return null;                              // its termination callback is late: same result
            checkType(h, key);
            if (!h.ref.equals(ref)) return slot;
            outcome.removed = true;
            return null;
        });
        return outcome.removed;
    }

    /**
     * The keys registered now, with live actors.
     *
     * @return an unmodifiable snapshot, not updated afterwards
     */
    public Set<ActorKey<?>> keys() {
        Set<ActorKey<?>> keys = new HashSet<>();
        for (Slot slot : names.values()) {
            if (slot instanceof Held h && h.live()) keys.add(h.key);
        }
        return Set.copyOf(keys);
    }

    /**
     * The system's name and how many names are registered now.
     *
     * @return the text
     */
    @Override
    public String toString() {
        return "Registry[" + system.name() + ", " + keys().size() + " registered]";
    }

    /** For tests: how many {@code whenRegistered} futures are waiting, over every name. */
    int pendingWaiters() {
        int n = 0;
        for (Slot slot : names.values()) {
            if (slot instanceof Waiting w) n += w.waiters().size();
        }
        return n;
    }

    // ---- helpers

    /** Refuses an ask's reply reference and an actor of another system. */
    private void checkOwnActor(ActorKey<?> key, ActorRef<?> ref) {
        if (ref instanceof PromiseRef<?>) {
            throw new IllegalArgumentException("cannot register " + ref.path() + " as " + key
                    + ": it is an ask's reply reference, not an actor");
        }
        ActorCell<?> cell = switch (ref) {
            case ActorCell<?> c -> c;
            case Router<?> r -> r.head();            // a pool: its head actor's system
            case PromiseRef<?> p -> throw new AssertionError("refused above");
        };
        if (cell.system != system) {
            throw new IllegalArgumentException("cannot register " + ref.path() + " as " + key
                    + ": it belongs to actor system '" + cell.system.name() + "', not to '" + system.name() + "'");
        }
    }

    /** The actor's own termination future where there is one (no new dependent per call), else {@code whenTerminated()}. */
    private static CompletableFuture<?> terminationOf(ActorRef<?> ref) {
        return switch (ref) {
            case ActorCell<?> cell -> cell.terminationFuture();
            case Router<?> r -> r.head().terminationFuture();
            case PromiseRef<?> p -> p.whenTerminated();
        };
    }

    private static void checkType(Held held, ActorKey<?> asked) {
        if (!held.key.messageType().equals(asked.messageType())) {
            throw mismatch(asked.name(), held.key.messageType(), asked.messageType());
        }
    }

    /** "'orders' is registered for Order, asked for Invoice" (full names where the simple ones are equal). */
    private static IllegalArgumentException mismatch(String name, Class<?> registered, Class<?> asked) {
        String r = ActorKey.typeName(registered), a = ActorKey.typeName(asked);
        if (r.equals(a)) {
            r = registered.getName();
            a = asked.getName();
        }
        return new IllegalArgumentException("'" + name + "' is registered for " + r + ", asked for " + a);
    }

    private IllegalStateException systemTerminated(ActorKey<?> key) {
        return new IllegalStateException("actor system '" + system.name() + "' has terminated: nothing was registered as " + key);
    }

    /** Removes a waiter whose future completed without the registry (cancelled, or completed by its user). */
    private void withdraw(String name, CompletableFuture<?> future) {
        names.computeIfPresent(name, (n, slot) -> {
            if (!(slot instanceof Waiting w)) return slot;
            List<Waiter> rest = new ArrayList<>(w.waiters().size());
            for (Waiter x : w.waiters()) {
                if (x.future() != future) rest.add(x);
            }
            if (rest.size() == w.waiters().size()) return slot;
            return rest.isEmpty() ? null : new Waiting(List.copyOf(rest));
        });
    }

    /** Adds, once, the callback that closes the registry when the system has terminated. */
    private void hookSystemTermination() {
        if (terminationHooked.get() || !terminationHooked.compareAndSet(false, true)) return;
        systemTermination.apply(system).whenComplete((t, e) -> close());   // at once if already terminated
    }

    /** The system has terminated: refuse new waiters, then fail every pending one. */
    private void close() {
        closed = true;
        for (String name : names.keySet()) {
            var drained = new Object() {
                List<Waiter> waiters = List.of();
            };
            names.computeIfPresent(name, (n, slot) -> {
                if (!(slot instanceof Waiting w)) return slot;
                drained.waiters = w.waiters();
                return null;
            });
            for (Waiter w : drained.waiters) w.future().completeExceptionally(systemTerminated(w.key()));
        }
    }
}
