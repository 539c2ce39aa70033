package dev.vela.worker;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;

/**
 * Context that follows the work: the {@link ScopedValue} bindings (and {@link ContextCarrier}
 * contexts) of the code that spawns a worker, forks a scope child, submits a pool task, races tasks,
 * tells an actor or starts a pipeline are in place on the thread that runs that work — as
 * {@code StructuredTaskScope} gives its forks their owner's bindings, Kotlin gives a coroutine its
 * parent's {@code CoroutineContext}, and Reactor gives an operator its subscriber's {@code Context}.
 *
 * <pre>{@code
 * static final ScopedValue<String> REQUEST_ID = ScopedValue.newInstance();
 * static final WorkContext.Registration CARRY_ID = WorkContext.propagate(REQUEST_ID); // once, at startup
 *
 * ScopedValue.where(REQUEST_ID, "r-42").run(() -> {
 *     Worker<String> w = Worker.spawn(() -> REQUEST_ID.get()); // "r-42", on the worker's own thread
 *     pool.execute(() -> log(REQUEST_ID.get()));               // "r-42", whenever the task runs
 *     executor.execute(WorkContext.capture().wrap(task));      // your own executors: carry it yourself
 * });
 * }</pre>
 *
 * <p><b>Only what is registered is carried.</b> The JDK offers no way to take a snapshot of every
 * scoped value bound on a thread (only the preview {@code StructuredTaskScope} can, internally), so Vela
 * carries the keys it is told about: {@link #propagate(ScopedValue)} one key, {@link #register(ContextCarrier)}
 * one thread-local context such as a logging MDC or a tracing span. A registration lasts until it is
 * closed and applies to work started from any thread afterwards. Registering the same key or carrier
 * twice carries it once, until both registrations are closed.
 *
 * <p><b>Rules.</b> The context is captured on the calling thread, inside the call that hands the work
 * over ({@code spawn}, {@code submit}, {@code tell}, …), and applied on the thread that runs the work,
 * around exactly that work; afterwards that thread has what it had before. A key that was bound at
 * capture is bound to the same value (also {@code null}) in the work; a key that was unbound stays
 * unbound (the work never sees a stale binding of a thread it happens to run on). A snapshot keeps what
 * it captured: closing a registration stops later captures from carrying that key, not work already
 * handed over. What is carried and what cannot be (channel values, async callbacks, timers, plain
 * threads) is listed in {@code docs/workers.md}, "Context that follows the work".
 *
 * <h2>Implementation overview</h2>
 * The registered keys and carriers are one immutable {@code Registry} in a volatile static field,
 * replaced as a whole (copy-on-write, under a private lock) by every registration and close, so
 * {@link #capture()} reads one volatile field and then works on arrays nobody changes. When nothing is
 * registered that field holds {@code Registry.EMPTY} and {@code capture()} returns the shared
 * {@code Snapshot.EMPTY} without allocating: spawning a worker or telling an actor then costs one
 * volatile read more and nothing else. With keys registered, capture builds one
 * {@link ScopedValue.Carrier} of the keys that are bound (a JDK carrier is immutable and may be used by
 * any thread, any number of times); if none is bound and no carrier is registered, it still returns
 * {@code Snapshot.EMPTY}. Applying a snapshot attaches the carriers in registration order, runs the
 * work inside {@code carrier.call(...)}, and closes the carriers' restorers in reverse order.
 *
 * <p>Invariants: {@code registry.keys} and {@code registry.carriers} hold each registered key or
 * carrier once (by identity), in order of first registration, and exactly those of the open
 * registrations in {@code registry.open}; {@code registry == Registry.EMPTY} exactly when no
 * registration is open; arrays reachable from a registry or a snapshot are never written after they
 * were published.
 */
public final class WorkContext {
    private WorkContext() {}

    /** Guards registration and unregistration (rare); never held while user code runs. */
    private static final Object LOCK = new Object();

    /**
     * Volatile; written only under {@link #LOCK}, read anywhere (one read per capture). Immutable;
     * {@link Registry#EMPTY} exactly when nothing is registered.
     */
    private static volatile Registry registry = Registry.EMPTY;

    /** What {@code orElse} returns for an unbound key: a scoped value may be bound to null, never to this. */
    private static final Object UNBOUND = new Object();

    /**
     * One registration of a scoped value or a carrier; {@link #close()} undoes it.
     *
     * <pre>{@code
     * try (var reg = WorkContext.propagate(TENANT)) {
     *     ...                               // workers spawned here get the spawner's TENANT binding
     * }                                     // later spawns carry TENANT no more (unless registered elsewhere)
     * }</pre>
     */
    public interface Registration extends AutoCloseable {
        /**
         * Unregisters: work handed over after this returns does not carry this key or carrier, unless
         * another open registration carries it. Idempotent; throws nothing. Work already handed over
         * keeps the context it captured.
         */
        @Override
        void close();
    }

    // ------------------------------------------------------------------ registering

    /**
     * Carries {@code key}'s binding from the code that hands work over to the thread that runs it,
     * until the returned registration is closed. Usually called once, next to the key's declaration.
     *
     * @param key the scoped value to carry
     * @return the registration; close it to stop carrying {@code key}
     * @throws NullPointerException if {@code key} is null
     */
    public static Registration propagate(ScopedValue<?> key) {
        return add(new Reg(Objects.requireNonNull(key, "key must not be null"), null));
    }

    /**
     * Carries a thread-local context (see {@link ContextCarrier}) from the code that hands work over to
     * the thread that runs it, until the returned registration is closed.
     *
     * @param carrier captures the context on the calling thread and attaches it on the working thread
     * @return the registration; close it to stop carrying this carrier's context
     * @throws NullPointerException if {@code carrier} is null
     */
    public static Registration register(ContextCarrier carrier) {
        return add(new Reg(null, Objects.requireNonNull(carrier, "carrier must not be null")));
    }

    // ------------------------------------------------------------------ capturing

    /**
     * Captures the calling thread's context: the current binding of every registered key that is bound,
     * and what every registered carrier {@linkplain ContextCarrier#capture() captures}. With nothing
     * registered, or nothing bound and no carrier, returns one shared empty snapshot without allocating.
     *
     * @return the snapshot, to {@linkplain Snapshot#run run} work with later on any thread
     * @throws RuntimeException what a carrier's {@code capture} threw
     */
    public static Snapshot capture() {
        Registry r = registry;
        return r == Registry.EMPTY ? Snapshot.EMPTY : r.capture();
    }

    /**
     * Returns an executor that runs each task on {@code executor} with the context of the code that
     * called {@code execute}: {@code capture().wrap(task)} for every task. Use it for your own thread
     * pools and for the {@code ...Async} stages of a {@code CompletableFuture}.
     *
     * <pre>{@code
     * tx.sendAsync(v).thenRunAsync(() -> log("sent"), WorkContext.propagating(ForkJoinPool.commonPool()));
     * }</pre>
     *
     * @param executor where the tasks run
     * @return an executor that captures at {@code execute} and applies around the task
     * @throws NullPointerException if {@code executor} is null (or, at {@code execute}, the task)
     */
    public static Executor propagating(Executor executor) {
        Objects.requireNonNull(executor, "executor must not be null");
        return task -> executor.execute(capture().wrap(Objects.requireNonNull(task, "task must not be null")));
    }

    // ------------------------------------------------------------------ the snapshot

    /**
     * A context captured by {@link WorkContext#capture()}, to be applied around work on any thread, any
     * number of times, also concurrently. Immutable.
     *
     * <pre>{@code
     * WorkContext.Snapshot ctx = WorkContext.capture();          // on the thread whose context it is
     * legacyExecutor.submit(ctx.wrap(() -> handle(request)));     // runs with that context
     * }</pre>
     */
    public static final class Snapshot {
        /** The shared snapshot that carries nothing: what {@link WorkContext#capture()} returns when nothing is registered. */
        static final Snapshot EMPTY = new Snapshot(null, new ContextCarrier[0], new Object[0], 0);

        /** Final; binds every registered key that was bound at capture to its value then; null when none was. */
        private final ScopedValue.Carrier bindings;
        /** Final, never written; the carriers registered at capture, in registration order (shared with the registry). */
        private final ContextCarrier[] carriers;
        /** Final, never written after construction; {@code captured[i]} is what {@code carriers[i].capture()} returned. */
        private final Object[] captured;
        /** Final; how many keys {@code bindings} binds (for {@link #toString()}). */
        private final int boundKeys;

        private Snapshot(ScopedValue.Carrier bindings, ContextCarrier[] carriers, Object[] captured, int boundKeys) {
            this.bindings = bindings;
            this.carriers = carriers;
            this.captured = captured;
            this.boundKeys = boundKeys;
        }

        /**
         * Tells whether this snapshot carries nothing (no key was bound and no carrier registered at capture).
         *
         * @return true if applying it changes nothing
         */
        public boolean isEmpty() {
            return bindings == null && carriers.length == 0;
        }

        /**
         * Runs {@code task} on the calling thread with this context: carriers attached, captured keys
         * bound; afterwards the thread has its own context again.
         *
         * <p><b>Interruption and timeout.</b> Runs {@code task} to its end on the calling thread; what
         * interruption does is up to the task.
         *
         * @param task the work
         * @throws NullPointerException if {@code task} is null
         * @throws RuntimeException what {@code task}, a carrier's {@code attach} or a restorer threw
         *         (restorers' exceptions are suppressed on the task's own)
         */
        public void run(Runnable task) {
            Objects.requireNonNull(task, "task must not be null");
            if (isEmpty()) {
                task.run();
                return;
            }
            apply(() -> {
                task.run();
                return null;
            });
        }

        /**
         * Calls {@code task} on the calling thread with this context and returns its value.
         *
         * <p><b>Interruption and timeout.</b> As {@link #run(Runnable)}.
         *
         * @param task the work
         * @param <V> the result type
         * @return what {@code task} returned
         * @throws Exception what {@code task} threw, type intact; or what a carrier's {@code attach} or
         *         a restorer threw
         * @throws NullPointerException if {@code task} is null
         */
        public <V> V call(Callable<V> task) throws Exception {
            Objects.requireNonNull(task, "task must not be null");
            return isEmpty() ? task.call() : apply(task::call);
        }

        /**
         * Returns a task that {@linkplain #run(Runnable) runs} {@code task} with this context, on
         * whatever thread runs it. An empty snapshot returns {@code task} itself.
         *
         * @param task the work
         * @return the wrapped task
         * @throws NullPointerException if {@code task} is null
         */
        public Runnable wrap(Runnable task) {
            Objects.requireNonNull(task, "task must not be null");
            return isEmpty() ? task : () -> run(task);
        }

        /**
         * Returns a task that {@linkplain #call(Callable) calls} {@code task} with this context, on
         * whatever thread calls it. An empty snapshot returns {@code task} itself.
         *
         * @param task the work
         * @param <V> the result type
         * @return the wrapped task
         * @throws NullPointerException if {@code task} is null
         */
        public <V> Callable<V> wrap(Callable<V> task) {
            Objects.requireNonNull(task, "task must not be null");
            return isEmpty() ? task : () -> call(task);
        }

        /** Returns e.g. {@code WorkContext.Snapshot[2 keys bound, 1 carrier]}. */
        @Override
        public String toString() {
            return "WorkContext.Snapshot[" + boundKeys + (boundKeys == 1 ? " key" : " keys") + " bound, "
                    + carriers.length + (carriers.length == 1 ? " carrier]" : " carriers]");
        }

        /**
         * Attaches the carriers, runs {@code op} inside the bindings, restores the carriers in reverse
         * order. Exceptions follow try-with-resources: the first one wins, later ones are suppressed on it.
         */
        private <V, X extends Throwable> V apply(ScopedValue.CallableOp<? extends V, X> op) throws X {
            if (carriers.length == 0) {
                return bindings.call(op);
            }
            ContextCarrier.Restorer[] undo = new ContextCarrier.Restorer[carriers.length];
            int attached = 0;
            Throwable failure = null;
            try {
                for (; attached < carriers.length; attached++) {
                    undo[attached] = carriers[attached].attach(captured[attached]);
                }
                return bindings == null ? op.call() : bindings.call(op);
            } catch (Throwable t) {
                failure = t;
                throw t;
            } finally {
                restore(undo, attached, failure);
            }
        }

        /** Closes {@code undo[attached-1..0]}; throws the first exception unless {@code failure} is already on its way. */
        private static void restore(ContextCarrier.Restorer[] undo, int attached, Throwable failure) {
            Throwable first = null;
            for (int i = attached - 1; i >= 0; i--) {
                if (undo[i] == null) {
                    continue;
                }
                try {
                    undo[i].close();
                } catch (Throwable t) {
                    if (failure != null) {
                        failure.addSuppressed(t);
                    } else if (first == null) {
                        first = t;
                    } else {
                        first.addSuppressed(t);
                    }
                }
            }
            if (first instanceof RuntimeException e) {
                throw e;
            }
            if (first instanceof Error e) {
                throw e;
            }
            if (first != null) {     // a restorer that threw a checked exception in spite of its signature
                throw new IllegalStateException("a context restorer threw " + first, first);
            }
        }
    }

    // ------------------------------------------------------------------ the registry

    /** One registration: exactly one of {@code key} and {@code carrier} is non-null. */
    private static final class Reg implements Registration {
        /** Final. */
        private final ScopedValue<?> key;
        /** Final. */
        private final ContextCarrier carrier;

        Reg(ScopedValue<?> key, ContextCarrier carrier) {
            this.key = key;
            this.carrier = carrier;
        }

        @Override
        public void close() {
            remove(this);
        }

        @Override
        public String toString() {
            return "WorkContext.Registration[" + (key != null ? "key " + key : "carrier " + carrier) + "]";
        }
    }

    /** The open registrations and what they carry. Immutable; replaced as a whole under {@link #LOCK}. */
    private static final class Registry {
        static final Registry EMPTY = new Registry(new Reg[0]);

        /** The open registrations, oldest first. */
        final Reg[] open;
        /** The distinct keys of {@code open}, in order of first registration. */
        final ScopedValue<?>[] keys;
        /** The distinct carriers of {@code open}, in order of first registration. */
        final ContextCarrier[] carriers;

        Registry(Reg[] open) {
            this.open = open;
            ArrayList<ScopedValue<?>> ks = new ArrayList<>();
            ArrayList<ContextCarrier> cs = new ArrayList<>();
            for (Reg r : open) {
                if (r.key != null && !containsIdentical(ks, r.key)) {
                    ks.add(r.key);
                }
                if (r.carrier != null && !containsIdentical(cs, r.carrier)) {
                    cs.add(r.carrier);
                }
            }
            this.keys = ks.toArray(new ScopedValue<?>[0]);
            this.carriers = cs.toArray(new ContextCarrier[0]);
        }

        private static boolean containsIdentical(List<?> list, Object o) {
            for (Object x : list) {
                if (x == o) {
                    return true;
                }
            }
            return false;
        }

        @SuppressWarnings("unchecked")
        Snapshot capture() {
            ScopedValue.Carrier b = null;
            int bound = 0;
            for (ScopedValue<?> k : keys) {
                ScopedValue<Object> key = (ScopedValue<Object>) k;
                Object v = key.orElse(UNBOUND);
                if (v != UNBOUND) {
                    b = b == null ? ScopedValue.where(key, v) : b.where(key, v);
                    bound++;
                }
            }
            if (carriers.length == 0) {
                return b == null ? Snapshot.EMPTY : new Snapshot(b, carriers, Snapshot.EMPTY.captured, bound);
            }
            Object[] cap = new Object[carriers.length];
            for (int i = 0; i < carriers.length; i++) {
                cap[i] = carriers[i].capture();
            }
            return new Snapshot(b, carriers, cap, bound);
        }
    }

    private static Registration add(Reg reg) {
        synchronized (LOCK) {
            Reg[] old = registry.open;
            Reg[] now = Arrays.copyOf(old, old.length + 1);
            now[old.length] = reg;
            registry = new Registry(now);
        }
        return reg;
    }

    private static void remove(Reg reg) {
        synchronized (LOCK) {
            Reg[] old = registry.open;
            int at = -1;
            for (int i = 0; i < old.length; i++) {
                if (old[i] == reg) {
                    at = i;
                    break;
                }
            }
            if (at < 0) {
                return;   // closed before
            }
            if (old.length == 1) {
                registry = Registry.EMPTY;
                return;
            }
            Reg[] now = new Reg[old.length - 1];
            System.arraycopy(old, 0, now, 0, at);
            System.arraycopy(old, at + 1, now, at, old.length - at - 1);
            registry = new Registry(now);
        }
    }
}
