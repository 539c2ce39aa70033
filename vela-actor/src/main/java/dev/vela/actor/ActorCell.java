package dev.vela.actor;

import dev.vela.channel.Receiver;
import dev.vela.channel.Select;
import dev.vela.channel.SelectClause;
import dev.vela.channel.Timers;
import dev.vela.time.internal.Clock;
import dev.vela.worker.WorkContext;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One actor: its reference, its context, and the loop that runs it on demand.
 *
 * <p>Implementation overview. An idle actor holds no thread (Akka/Pekko's dispatcher model on
 * virtual threads). Whoever gives it work (a tell into its mailbox, a {@link SysMsg}) then calls
 * {@link #signal()}: if the actor is {@link #IDLE} the caller moves it to {@link #RUNNING} by CAS and
 * starts a new virtual thread running {@link #run()}; if a runner is already active, the caller at
 * most marks it {@link #NOTIFIED}. The runner processes messages one at a time until it finds
 * nothing to do, spins briefly ({@link #IDLE_SPINS}), then tries {@code RUNNING → IDLE} by CAS and
 * ends. If a caller marked it {@code NOTIFIED} since it last looked, that CAS fails: the runner clears
 * the mark and looks again. No wake-up is lost: work added before a caller saw {@code NOTIFIED} is
 * found by the look that follows the runner's clearing of it, and work added after the runner went
 * {@code IDLE} makes its caller start a new runner. At most one runner exists: only the
 * {@code IDLE → RUNNING} CAS starts one, and only a runner leaves {@code RUNNING}/{@code NOTIFIED}.
 * Unlike Akka's "set idle, then re-check the mailbox", this needs no emptiness test on the channel.
 *
 * <p>The mailbox is a Vela channel ({@link MailboxQueue}); the runner only {@code poll}s it. Lifecycle
 * and supervision travel as {@link SysMsg}s on a separate Treiber stack ({@link #sysHead}), drained
 * before every message, so a stop or a directive overtakes ordinary messages and no mailbox policy can
 * drop one. A runner keeps its thread while it must wait (suspended for a directive or a restart
 * backoff, or selecting over channels it {@linkplain #listen listens} to); a system message wakes such
 * a waiting runner by interrupting it, only while it is inside {@link #blocking} (the wake protocol on
 * {@link #waitState}; channel operations promise that an interrupted receive took nothing).
 *
 * <p>Context (docs/adr/0036): {@link #deliver} puts a message in the mailbox inside an {@link Envelope}
 * with the sender's {@link WorkContext} snapshot, only when that snapshot is not empty (with nothing
 * registered, the tell path allocates nothing more); {@link #process} runs the handler inside it. The
 * factory and the start hooks run with the spawner's snapshot ({@code spawnContext}).
 *
 * <p>Timers and stash (docs/adr/0042): {@link ActorTimersImpl} schedules each timer on the runtime's
 * clock; its task only puts an {@link ActorTimersImpl.Fired} item in the mailbox ({@link #deliverTimer}),
 * and {@link #process} drops the item before {@code receive} if its timer was replaced or cancelled
 * since (a key and a generation). {@link StashBuffer#unstashAll} moves stashed items to the front of
 * {@link Extra#unstashed}, which the loop drains before it polls the mailbox (Akka's prepend). A restart
 * cancels every timer and unstashes the stash for the new instance; a stop cancels every timer and turns
 * the unstashed items, the mailbox and the stash into dead letters, in that order.
 *
 * <p>Supervision follows Akka classic and Erlang: a failing actor suspends itself and sends
 * {@code Failed} to its parent; the parent's runner asks its strategy for a directive and sends
 * {@code Resume}/{@code Restart}/{@code Stop} to the affected children (see {@link Supervision}).
 * A restart waits out its backoff in the suspended state, still answering system messages.
 *
 * <p>Actor states (runner-confined unless said otherwise): running ⇄ suspended (awaiting a directive,
 * or a pending restart until {@link Extra#restartAt}) → terminated. {@link #stopRequested} (volatile) is set
 * by {@link #stop()} before anything else, and from then on no message's processing begins.
 * "Runner-confined" fields are touched by one runner at a time, and each runner's writes
 * happen-before the next runner's reads: the old runner's release CAS to {@code IDLE}, the starter's
 * CAS from {@code IDLE}, and {@code Thread.start}.
 *
 * @param <M> the message type
 */
final class ActorCell<M> implements ActorRef<M>, ActorContext<M> {
    private static final System.Logger LOG = System.getLogger("dev.vela.actor");
    private static final VarHandle SYS;
    private static final VarHandle WAIT;
    private static final VarHandle STATE;
    private static final VarHandle TERMINATION;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            SYS = l.findVarHandle(ActorCell.class, "sysHead", SysMsg.class);
            WAIT = l.findVarHandle(ActorCell.class, "waitState", int.class);
            STATE = l.findVarHandle(ActorCell.class, "state", int.class);
            TERMINATION = l.findVarHandle(ActorCell.class, "termination", CompletableFuture.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Starts runners: unnamed virtual threads (a name would cost a string per run). */
    private static final ThreadFactory RUNNERS = Thread.ofVirtual().factory();

    /**
     * How many times a runner that found nothing to do yields ({@link Thread#yield()}) and looks for
     * new work before it goes idle: a message that comes within that window is processed without
     * starting a thread. {@code -Dvela.actor.idleSpins=N} overrides it (docs/adr/0026-actors-run-on-demand.md).
     */
    static final int IDLE_SPINS = Integer.getInteger("vela.actor.idleSpins", 4);

    /**
     * A runner that has processed this many messages in a row yields its carrier once, so that a
     * flooded actor cannot keep other actors (virtual threads are not time-sliced) from running.
     */
    private static final int FAIR_BATCH = 1024;

    // Scheduling states (field state). Who moves them:
    //   IDLE -> RUNNING     a signaller, by CAS; it then starts a runner (the only way one starts)
    //   RUNNING -> NOTIFIED a signaller, by CAS: work arrived since the runner last looked
    //   NOTIFIED -> RUNNING the runner, before it looks again
    //   RUNNING -> IDLE     the runner, by CAS, as its very last action
    //   any -> TERMINATED   the runner that terminated the actor; final
    private static final int IDLE = 0, RUNNING = 1, NOTIFIED = 2, TERMINATED = 3;

    /** Marks a closed system stack: set once, by the actor's runner, when it has terminated. */
    private static final SysMsg CLOSED = new SysMsg.Closed();
    /** Select result meaning "nothing to process, go round the loop again". */
    private static final Object WAKE = new Object();

    // Wake protocol states. Only the runner sets WAITING (before it blocks) and RUNNING (after);
    // only a pusher moves WAITING -> WAKING (CAS), interrupts, and then sets WOKEN. The runner, leaving
    // its wait, CASes WAITING -> RUNNING; if that fails it spins while WAKING, then clears the
    // interrupt. So an interrupt is only ever delivered while the runner is inside blocking().
    private static final int W_RUNNING = 0, WAITING = 1, WAKING = 2, WOKEN = 3;

    // ---- fixed at construction (memory: an idle actor is this cell, its mailbox and its Actor instance;
    //      everything rarely needed is created on first use, see Extra)
    final ActorSystem system;
    final ActorCell<?> parent;                 // null only for the guardian
    private final String name;                 // null for a generated name: then it is "$" + id
    private final int id;                      // the generated name's number (unsigned); 0 if named
    private final Supplier<? extends Actor<M>> factory;
    final MailboxQueue<M> mailbox;
    /**
     * The spawner's context ({@link WorkContext}), captured on its thread at spawn: the factory and the
     * start hooks of every instance ({@code preStart}, {@code postRestart}) run with it. The shared empty
     * snapshot when nothing is registered; otherwise kept (with what it references) for the actor's life.
     */
    private final WorkContext.Snapshot spawnContext;

    // ---- shared between threads
    private volatile int state = RUNNING;      // IDLE/RUNNING/NOTIFIED/TERMINATED; CAS via STATE. Starts RUNNING: spawn starts the first runner
    private volatile SysMsg sysHead;           // newest first; CAS via SYS; CLOSED once terminated
    private volatile int waitState;            // W_RUNNING/WAITING/WAKING/WOKEN; CAS via WAIT
    private volatile boolean stopRequested;    // set once; no message processing begins afterwards
    /** Created on first use by CAS (TERMINATION); completed once, by the runner, when the actor has terminated. */
    private volatile CompletableFuture<Terminated> termination;
    /**
     * Live children in spawn order; null until the first spawn. The reference and the children set are
     * guarded by {@code synchronized (this)} (the guardian spawns from any thread, children remove
     * themselves); its restart counts are runner-confined (see {@link Supervision}).
     */
    private Supervision supervision;
    /**
     * The current runner's thread while it runs (for checkOwnThread and the wake interrupt), null while
     * idle so that an idle actor keeps no dead thread reachable. Plain: written only by the runner; a
     * pusher reads it only after seeing WAITING, which the runner wrote after it.
     */
    private Thread runner;

    // ---- runner-confined (see the class comment)
    private boolean started;                   // the first runner has created the instance (or skipped it: stopped first)
    private Actor<M> actor;                    // the current instance; null before start and after a failed creation
    private boolean suspended;                 // failed and awaiting a directive, or waiting to restart
    private boolean terminated;                // set at the start of terminate(); the loop then ends
    /** The rarely used state, created on first use; runner-confined except {@link Extra#terminatedNotice}. */
    private Extra<M> x;

    /** What most actors never need: restart bookkeeping, death watch, listened channels, the final notice. */
    private static final class Extra<M> {
        Throwable pendingRestart;              // non-null: restart at restartAt with this cause
        long restartAt;                        // Timers.nanoTime() deadline of the pending restart
        HashSet<ActorCell<?>> watchers;        // who watches this actor (lazily created)
        HashSet<ActorCell<?>> watching;        // whom this actor watches (lazily created)
        ArrayList<Terminated> deferredNotices; // death notices that came while suspended
        ArrayList<Listened<?, M>> listened;    // extra channels the loop selects over (null: none)
        ActorTimersImpl<M> timers;             // context().timers(), created on first use; kept across restarts
        StashBuffer<M> stash;                  // context().stash(n), created on first use; kept across restarts
        /** Unstashed items, processed before the mailbox (Akka's prepend); null or empty: none. */
        ArrayDeque<Object> unstashed;
        /** Written before {@link #sysHead} becomes CLOSED; read by whoever finds it CLOSED. */
        Terminated terminatedNotice;
    }

    private Extra<M> x() {
        Extra<M> e = x;
        return e != null ? e : (x = new Extra<>());
    }

    private ActorCell(ActorSystem system, ActorCell<?> parent, String name, int id, Supplier<? extends Actor<M>> factory,
                      MailboxQueue<M> mailbox) {
        this.system = system;
        this.parent = parent;
        this.name = name;
        this.id = id;
        this.factory = factory;
        this.mailbox = mailbox;
        this.spawnContext = WorkContext.capture();   // on the spawning thread
    }

    static ActorCell<Void> guardian(ActorSystem system, Supplier<? extends Actor<Void>> factory) {
        ActorCell<Void> g = new ActorCell<>(system, null, "user", 0, factory, Mailbox.<Void>unbounded().create());
        g.startRunner();
        return g;
    }

    // =====================================================================================
    // ActorRef
    // =====================================================================================

    @Override
    public String name() {
        return name != null ? name : "$" + Integer.toUnsignedString(id);
    }

    /** The key of this actor among its siblings: its name, or itself if the name is generated ('$' names are reserved). */
    Object siblingKey() {
        return name != null ? name : this;
    }

    @Override
    public String path() {
        return parent == null ? system.rootPath() + "/" + name() : parent.path() + "/" + name();
    }

    @Override
    public void tell(M message) {
        Objects.requireNonNull(message, "message");
        deliver(message);
    }

    @Override
    public <R> CompletableFuture<R> ask(Function<? super ActorRef<R>, ? extends M> request, Duration timeout) {
        return PromiseRef.ask(system, this, request, timeout, this::deliver);
    }

    /** Puts a message in the mailbox and makes sure a runner will see it; false if it became a dead letter. */
    private boolean deliver(M message) {
        if (stopRequested) {
            deadLetter(message, DeadLetter.Reason.RECIPIENT_STOPPED);
            return false;
        }
        if (!mailbox.offer(Envelope.wrap(message), this)) return false;   // with the sender's context, if any
        signal();
        return true;
    }

    @Override
    public void stop() {
        stop(null);
    }

    /** Stops with a cause (a supervisor's STOP); the first stop's cause wins. */
    void stop(Throwable cause) {
        stopRequested = true;
        mailbox.close();
        pushSys(new SysMsg.Stop(cause));
    }

    @Override
    public CompletableFuture<Terminated> whenTerminated() {
        return terminationFuture().thenApply(t -> t);
    }

    CompletableFuture<Terminated> terminationFuture() {
        CompletableFuture<Terminated> f = termination;
        if (f == null) {
            f = new CompletableFuture<>();
            if (!TERMINATION.compareAndSet(this, null, f)) f = termination;
        }
        return f;
    }

    /** Publishes a dead letter; {@code message} may be a mailbox item (an {@link Envelope} is unwrapped). */
    void deadLetter(Object message, DeadLetter.Reason reason) {
        system.deadLetters().publish(Envelope.message(message), this, reason);
    }

    @Override
    public String toString() {
        return "Actor[" + path() + "]";
    }

    // =====================================================================================
    // ActorContext
    // =====================================================================================

    @Override
    public ActorRef<M> self() {
        return this;
    }

    @Override
    public ActorSystem system() {
        return system;
    }

    @Override
    public <C> ActorRef<C> spawn(String childName, Supplier<? extends Actor<C>> childFactory) {
        return spawn(childName, childFactory, Mailbox.unbounded());
    }

    @Override
    public <C> ActorRef<C> spawn(String childName, Supplier<? extends Actor<C>> childFactory, Mailbox<C> childMailbox) {
        Objects.requireNonNull(childFactory, "factory");
        Objects.requireNonNull(childMailbox, "mailbox");
        if (parent != null) checkOwnThread("spawn");
        if (childName != null && (childName.isEmpty() || childName.indexOf('/') >= 0 || childName.charAt(0) == '$')) {
            throw new IllegalArgumentException("actor name must be non-empty, contain no '/' and not start with '$' "
                    + "(reserved for generated names), got '" + childName + "'");
        }
        ActorCell<C> child = new ActorCell<>(system, this, childName, childName == null ? system.generateId() : 0,
                childFactory, childMailbox.create());
        synchronized (this) {
            if (stopRequested) {
                throw new IllegalStateException("cannot spawn '" + child.name() + "' under " + path() + ": it is stopping");
            }
            if (supervision == null) supervision = new Supervision(this);
            supervision.add(child); // throws IllegalArgumentException if the name is taken
        }
        child.startRunner();
        return child;
    }

    /** The supervision state, read under the monitor that guards the reference; null if no child was ever spawned. */
    private Supervision supervision() {
        synchronized (this) {
            return supervision;
        }
    }

    @Override
    public List<ActorRef<?>> children() {
        synchronized (this) {
            return supervision == null ? List.of() : supervision.liveChildren();
        }
    }

    @Override
    public void watch(ActorRef<?> target) {
        checkOwnThread("watch");
        ActorCell<?> t = cellOf(target, "watch");
        Extra<M> e = x();
        if (e.watching == null) e.watching = new HashSet<>();
        if (!e.watching.add(t)) return;
        if (!t.pushSys(new SysMsg.Watch(this))) {
            pushSys(new SysMsg.DeathNotice(t.x.terminatedNotice)); // already terminated: notice at once
        }
    }

    @Override
    public void unwatch(ActorRef<?> target) {
        checkOwnThread("unwatch");
        ActorCell<?> t = cellOf(target, "unwatch");
        if (x != null && x.watching != null && x.watching.remove(t)) t.pushSys(new SysMsg.Unwatch(this));
    }

    @Override
    public <T> void listen(Receiver<T> source, Function<? super T, ? extends M> adapter) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(adapter, "adapter");
        checkOwnThread("listen");
        Extra<M> e = x();
        if (e.listened == null) e.listened = new ArrayList<>();
        e.listened.add(new Listened<>(source, adapter));
    }

    @Override
    public <R> SelectClause<R> onMessage(Function<? super M, ? extends R> fn) {
        Objects.requireNonNull(fn, "fn");
        return mailbox.userClause(fn);
    }

    @Override
    public ActorTimers<M> timers() {
        checkOwnThread("timers");
        Extra<M> e = x();
        if (e.timers == null) e.timers = new ActorTimersImpl<>(this);
        return e.timers;
    }

    @Override
    public Stash<M> stash(int capacity) {
        checkOwnThread("stash");
        if (capacity < 1) throw new IllegalArgumentException("stash capacity must be at least 1, got " + capacity);
        Extra<M> e = x();
        if (e.stash == null) {
            e.stash = new StashBuffer<>(this, capacity);
        } else if (e.stash.capacity() != capacity) {
            throw new IllegalStateException("the stash of " + path() + " was created with capacity " + e.stash.capacity()
                    + "; asked again with " + capacity);
        }
        return e.stash;
    }

    /** On the runner: puts {@code items} (oldest first) in front of everything still to be processed. */
    void prepend(ArrayDeque<Object> items) {
        Extra<M> e = x();
        if (e.unstashed == null) e.unstashed = new ArrayDeque<>(items.size());
        for (var it = items.descendingIterator(); it.hasNext(); ) e.unstashed.addFirst(it.next());
    }

    /** A timer's task (any thread): puts its item in the mailbox; never blocks, never throws. */
    void deliverTimer(ActorTimersImpl.Fired fired) {
        if (stopRequested) return;                     // stopping: its timers are being cancelled
        try {
            if (!mailbox.offer(fired, this)) return;   // refused by the overflow policy: counted there
        } catch (MailboxFullException counted) {
            return;
        }
        signal();
    }

    private static ActorCell<?> cellOf(ActorRef<?> ref, String op) {
        Objects.requireNonNull(ref, "target");
        if (ref instanceof ActorCell<?> c) return c;
        throw new IllegalArgumentException("cannot " + op + " " + ref + ": only actors can be watched, not ask replies");
    }

    void checkOwnThread(String op) {
        if (Thread.currentThread() != runner) {
            throw new IllegalStateException(op + " must be called from the thread running the actor (" + path()
                    + "), not from " + Thread.currentThread());
        }
    }

    // =====================================================================================
    // Scheduling: signal, start, go idle
    // =====================================================================================

    /**
     * New work (a message or a system message) has been made visible: make sure a runner will see it.
     * Cheap while a runner is active and already notified: one volatile read.
     */
    private void signal() {
        int s = state;
        while (true) {
            if (s == NOTIFIED || s == TERMINATED) return;
            if (s == IDLE) {
                if (STATE.compareAndSet(this, IDLE, RUNNING)) {
                    startRunner();
                    return;
                }
            } else if (STATE.compareAndSet(this, RUNNING, NOTIFIED)) {
                return;
            }
            s = state;
        }
    }

    /** Called only by whoever moved the state to RUNNING from IDLE (or by spawn, for the first run). */
    private void startRunner() {
        Clock.start(RUNNERS.newThread(this::run));      // start(), watched by a test's virtual clock if one is installed
    }

    /**
     * The runner found nothing to do: yield a few times watching for new work, then go idle.
     *
     * @return {@code true} if the actor is now idle (the caller must end at once and touch nothing);
     *         {@code false} if new work was signalled (the notification is cleared; look again)
     */
    private boolean goIdle() {
        for (int i = IDLE_SPINS; i > 0 && state == RUNNING; i--) Thread.yield();
        if (state == RUNNING) {
            runner = null;
            if (STATE.compareAndSet(this, RUNNING, IDLE)) return true;
            runner = Thread.currentThread();
        }
        state = RUNNING; // was NOTIFIED; only signallers move RUNNING -> NOTIFIED again, after this write
        return false;
    }

    // =====================================================================================
    // System messages and the wake protocol
    // =====================================================================================

    /**
     * Pushes a system message and wakes the actor if it is waiting.
     *
     * @return {@code false} if the actor has terminated (the message was not queued)
     */
    boolean pushSys(SysMsg s) {
        while (true) {
            SysMsg h = sysHead;
            if (h == CLOSED) return false;
            s.next = h;
            if (SYS.compareAndSet(this, h, s)) break;
        }
        signal();
        if (waitState == WAITING && WAIT.compareAndSet(this, WAITING, WAKING)) {
            runner.interrupt();
            waitState = WOKEN;
        }
        return true;
    }

    /** What the loop blocks on; may throw InterruptedException (a wake-up). */
    @FunctionalInterface
    private interface Blocker<T> {
        T block() throws InterruptedException;
    }

    /** Runs {@code b} in the WAITING state, unless a system message is already pending. */
    private <T> T blocking(Blocker<T> b) {
        waitState = WAITING;
        T result = null;
        try {
            if (sysHead == null) result = b.block();
        } catch (InterruptedException wokenUp) {
            // a system message arrived (or a stray interrupt): go round the loop
        } finally {
            if (!WAIT.compareAndSet(this, WAITING, W_RUNNING)) {
                while (waitState == WAKING) Thread.onSpinWait(); // the pusher is between its CAS and interrupt()
                waitState = W_RUNNING;
            }
            Thread.interrupted(); // never let a wake-up interrupt reach user code
        }
        return result;
    }

    // =====================================================================================
    // The loop
    // =====================================================================================

    /** One runner: from a start by {@link #signal()} (or spawn) until the actor goes idle or terminates. */
    private void run() {
        runner = Thread.currentThread();
        try {
            if (!started) {
                started = true;
                if (!stopRequested) {
                    try {
                        spawnContext.call(() -> {   // the factory and preStart run with the spawner's context
                            actor = newInstance();
                            actor.preStart();
                            return null;
                        });
                    } catch (Throwable t) {
                        fail(t);
                    }
                }
            }
            if (loop()) return; // idle: another runner may already be running; touch nothing
        } catch (Throwable bug) {
            LOG.log(System.Logger.Level.ERROR, "actor " + path() + " crashed in its loop", bug);
            if (!terminated) terminate(bug);
        }
        runner = null;
        state = TERMINATED; // no runner ever starts again
    }

    private Actor<M> newInstance() {
        Actor<M> a = Objects.requireNonNull(factory.get(), "the actor factory of " + path() + " returned null");
        if (a.cell != null) {
            throw new IllegalStateException("the actor factory of " + path()
                    + " returned an instance already in use; it must create a new instance on each call");
        }
        a.cell = this;
        return a;
    }

    /**
     * Processes until there is nothing to do.
     *
     * @return {@code true} when the actor went idle, {@code false} when it terminated
     */
    private boolean loop() {
        int inARow = 0;
        while (!terminated) {
            if (sysHead != null) {
                processSystemMessages();
            } else if (suspended) {
                waitWhileSuspended();
            } else if (x != null && x.deferredNotices != null && !x.deferredNotices.isEmpty()) {
                deliverNotice(x.deferredNotices.removeFirst());
            } else if (x != null && x.unstashed != null && !x.unstashed.isEmpty()) {
                process(x.unstashed.removeFirst());   // unstashed messages go before the mailbox
            } else if (x != null && x.listened != null) {
                Object m = nextFromSelect(); // keeps the thread while listening: it blocks in select
                if (m != null) process(m);
            } else {
                Object m = mailbox.poll();
                if (m != null) {
                    process(m);
                    if (++inARow == FAIR_BATCH) {
                        inARow = 0;
                        Thread.yield();
                    }
                } else if (goIdle()) {
                    return true;
                }
            }
        }
        return false;
    }

    /** A mailbox item or an adapted value of a listened channel, or null for "nothing to process". */
    private Object nextFromSelect() {
        ArrayList<Listened<?, M>> listened = x.listened;
        List<SelectClause<?>> clauses = new ArrayList<>(listened.size() + 1);
        clauses.add(mailbox.loopClause(m -> m, () -> WAKE));
        for (Listened<?, M> l : listened) clauses.add(l.clause());
        Object r;
        try {
            r = blocking(() -> Select.select(clauses));
        } catch (RuntimeException adapterFailed) {
            if (!stopRequested) fail(adapterFailed);
            return null;
        }
        if (r == null || r == WAKE) return null;
        if (r instanceof Listened<?, ?> closedSource) {
            listened.remove(closedSource);
            if (listened.isEmpty()) x.listened = null;
            return null;
        }
        return r;
    }

    /** Processes one mailbox item (or listened value): an {@link Envelope} runs with its sender's context. */
    @SuppressWarnings("unchecked")
    private void process(Object item) {
        if (item instanceof ActorTimersImpl.Fired f) {
            if (stopRequested || !f.accept()) return;  // its timer was cancelled or replaced: dropped, by design
            item = f.message;
        }
        if (stopRequested) {
            deadLetter(item, DeadLetter.Reason.UNPROCESSED_AT_STOP);
            return;
        }
        try {
            if (item instanceof Envelope e) {
                e.context().call(() -> {
                    actor.receive((M) e.message());
                    return null;
                });
            } else {
                actor.receive((M) item);
            }
        } catch (Throwable t) {
            fail(t);
        }
    }

    private void deliverNotice(Terminated t) {
        try {
            actor.onTerminated(t);
        } catch (Throwable e) {
            fail(e);
        }
    }

    private void waitWhileSuspended() {
        Extra<M> e = x();
        if (e.pendingRestart == null) {
            blocking(() -> {
                LockSupport.park(this);
                return null;
            });
            return;
        }
        long left = e.restartAt - Timers.nanoTime();
        if (left <= 0) {
            restart();
        } else {
            blocking(() -> {
                Timers.sleep(Duration.ofNanos(left));     // the runtime's clock: a test's virtual clock too
                return null;
            });
        }
    }

    /** Suspends this actor and reports the failure to its parent. */
    void fail(Throwable t) {
        suspended = true;
        if (parent == null || !parent.pushSys(new SysMsg.Failed(this, t))) terminate(t);
    }

    private void processSystemMessages() {
        SysMsg s = (SysMsg) SYS.getAndSet(this, (SysMsg) null);
        SysMsg fifo = null; // reverse: the stack is newest first
        while (s != null) {
            SysMsg next = s.next;
            s.next = fifo;
            fifo = s;
            s = next;
        }
        for (SysMsg m = fifo; m != null; m = m.next) {
            if (terminated) {
                if (m instanceof SysMsg.Watch w) w.watcher.pushSys(new SysMsg.DeathNotice(x.terminatedNotice));
                continue;
            }
            switch (m) {
                case SysMsg.Stop st -> terminate(st.cause);
                case SysMsg.Failed f -> supervision().childFailed(f.child, f.cause, strategy());
                case SysMsg.Watch w -> {
                    Extra<M> e = x();
                    if (e.watchers == null) e.watchers = new HashSet<>();
                    e.watchers.add(w.watcher);
                }
                case SysMsg.Unwatch u -> {
                    if (x != null && x.watchers != null) x.watchers.remove(u.watcher);
                }
                case SysMsg.DeathNotice d -> {
                    if (x != null && x.watching != null && x.watching.remove((ActorCell<?>) d.terminated.actor())) {
                        if (x.deferredNotices == null) x.deferredNotices = new ArrayList<>(2);
                        x.deferredNotices.add(d.terminated);
                    }
                }
                case SysMsg.Resume r -> {
                    if (suspended && (x == null || x.pendingRestart == null)) {
                        if (actor == null) { // its creation failed: there is no instance to resume
                            Extra<M> e = x();
                            e.pendingRestart = new IllegalStateException("resumed " + path() + " after its creation failed");
                            e.restartAt = Timers.nanoTime();
                        } else {
                            suspended = false;
                            Supervision sv = supervision();
                            if (sv != null) sv.resumeEscalatedChildren();
                        }
                    }
                }
                case SysMsg.Restart r -> {
                    suspended = true;
                    Extra<M> e = x();
                    e.pendingRestart = r.cause;
                    e.restartAt = Timers.nanoTime() + r.delayNanos;
                }
                case SysMsg.Closed c -> throw new AssertionError("CLOSED is never pushed");
            }
        }
    }

    private SupervisorStrategy strategy() {
        try {
            return Objects.requireNonNull(actor == null ? null : actor.supervisorStrategy());
        } catch (RuntimeException e) {
            return SupervisorStrategy.oneForOne();
        }
    }

    /** Called by {@link Supervision} when a failure is escalated past this actor. */
    void escalate(Throwable cause, ActorCell<?> child) {
        if (parent == null) {
            child.stop(cause); // the guardian never fails: the escalating top-level actor stops
        } else {
            fail(cause);
        }
    }

    private void restart() {
        Throwable cause = x.pendingRestart;
        x.pendingRestart = null;
        Actor<M> old = actor;
        actor = null;
        if (old != null) {
            try {
                old.preRestart(cause);
            } catch (Throwable ignored) {
                LOG.log(System.Logger.Level.WARNING, "preRestart of " + path() + " threw; ignored", ignored);
            }
        }
        stopChildrenAndWait();
        if (x.timers != null) x.timers.cancelAllTimers();   // the new instance starts its own
        if (x.stash != null) x.stash.unstashToCell();        // a restart never loses a stashed message
        try {
            spawnContext.call(() -> {   // as at the first start: the spawner's context
                actor = newInstance();
                suspended = false;
                actor.postRestart(cause);
                return null;
            });
        } catch (Throwable t) {
            fail(t);
        }
    }

    private void stopChildrenAndWait() {
        List<ActorCell<?>> kids;
        synchronized (this) {
            if (supervision == null) return;
            kids = supervision.liveCells();
        }
        for (ActorCell<?> k : kids) k.stop();
        for (ActorCell<?> k : kids) k.terminationFuture().join();
        synchronized (this) {
            for (ActorCell<?> k : kids) supervision.remove(k);
        }
    }

    private void terminate(Throwable cause) {
        terminated = true;
        stopRequested = true;
        mailbox.close();
        if (x != null && x.timers != null) x.timers.cancelAllTimers();
        if (x != null && x.unstashed != null) {
            for (Object m; (m = x.unstashed.pollFirst()) != null; ) deadLetter(m, DeadLetter.Reason.UNPROCESSED_AT_STOP);
        }
        for (Object m; (m = mailbox.poll()) != null; ) {
            if (!(m instanceof ActorTimersImpl.Fired)) deadLetter(m, DeadLetter.Reason.UNPROCESSED_AT_STOP); // timers: cancelled
        }
        if (x != null && x.stash != null) x.stash.drainToDeadLetters();
        stopChildrenAndWait();
        if (actor != null) {
            try {
                actor.postStop();
            } catch (Throwable e) {
                LOG.log(System.Logger.Level.WARNING, "postStop of " + path() + " threw; ignored", e);
            }
        }
        Terminated notice = new Terminated(this, cause);
        Extra<M> e = x();
        e.terminatedNotice = notice;
        SysMsg late = (SysMsg) SYS.getAndSet(this, CLOSED);
        for (SysMsg m = late; m != null; m = m.next) {
            if (m instanceof SysMsg.Watch w) w.watcher.pushSys(new SysMsg.DeathNotice(notice));
        }
        if (e.watchers != null) {
            for (ActorCell<?> w : e.watchers) w.pushSys(new SysMsg.DeathNotice(notice));
        }
        if (e.watching != null) {
            for (ActorCell<?> w : e.watching) w.pushSys(new SysMsg.Unwatch(this));
        }
        if (parent != null) {
            synchronized (parent) {
                parent.supervision.remove(this); // the name is free again from here on
            }
        }
        terminationFuture().complete(notice);
    }

    /** A channel the loop selects over, with its adapter; the record itself marks "source closed". */
    private record Listened<T, M>(Receiver<T> source, Function<? super T, ? extends M> adapter) {
        SelectClause<Object> clause() {
            return source.onReceiveOrClosed(v -> Objects.requireNonNull(adapter.apply(v), "listen adapter returned null"),
                    () -> this);
        }
    }
}
