package dev.vela.actor;

import dev.vela.channel.Receiver;
import dev.vela.channel.Select;
import dev.vela.channel.SelectClause;
import dev.vela.channel.Timers;
import dev.vela.worker.WorkContext;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One actor: its reference, its context, and the loop that runs it on demand.
 *
 * <p>Implementation overview. The runner thread, started on demand, the system-message stack and the
 * wake protocol are {@link OnDemandRunner}'s; this class is what a runner does ({@link #run()}): create
 * the instance, then {@link #loop()} — system messages first, then death-watch and link notices
 * ({@link Relations}), unstashed messages, then the mailbox (a Vela channel, {@link MailboxQueue}, that
 * the runner only {@code poll}s), or a select over the mailbox and the channels it
 * {@linkplain #listen listens} to — until nothing is left and the runner goes idle. Lifecycle and
 * supervision travel as {@link SysMsg}s, so a stop or a directive overtakes ordinary messages and no
 * mailbox policy can drop one. A runner keeps its thread while it must wait (suspended for a directive
 * or a restart backoff, or selecting over listened channels), inside {@code blocking}.
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
final class ActorCell<M> extends OnDemandRunner implements ActorRef<M>, ActorContext<M> {
    private static final System.Logger LOG = System.getLogger("dev.vela.actor");
    private static final VarHandle TERMINATION;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            TERMINATION = l.findVarHandle(ActorCell.class, "termination", CompletableFuture.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * A runner that has processed this many messages in a row yields its carrier once, so that a
     * flooded actor cannot keep other actors (virtual threads are not time-sliced) from running.
     */
    private static final int FAIR_BATCH = 1024;

    /** Select result meaning "nothing to process, go round the loop again". */
    private static final Object WAKE = new Object();

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
    private volatile boolean stopRequested;    // set once; no message processing begins afterwards
    /** Created on first use by CAS (TERMINATION); completed once, by the runner, when the actor has terminated. */
    private volatile CompletableFuture<Terminated> termination;
    /**
     * Live children in spawn order; null until the first spawn. The reference and the children set are
     * guarded by {@code synchronized (this)} (the guardian spawns from any thread, children remove
     * themselves); its restart counts are runner-confined (see {@link Supervision}).
     */
    private Supervision supervision;
    // ---- runner-confined (see the class comment)
    private boolean started;                   // the first runner has created the instance (or skipped it: stopped first)
    private Actor<M> actor;                    // the current instance; null before start and after a failed creation
    private boolean suspended;                 // failed and awaiting a directive, or waiting to restart
    private boolean terminated;                // set at the start of terminate(); the loop then ends
    /**
     * Messages whose handling ended (the handler returned or threw), for monitoring
     * ({@link ActorConsoleSection}). Single writer: a plain increment on the runner, no fence, no
     * atomic; a sampler reads it racily from another thread (stale by the messages in flight; a 64-bit
     * JVM writes a long in one go, JLS 17.7 lets a 32-bit one tear it). Never used for control flow.
     */
    private long processed;
    /** The rarely used state, created on first use; runner-confined except {@link Extra#terminatedNotice}. */
    private Extra<M> x;

    /** What most actors never need: restart bookkeeping, death watch and links, listened channels, the final notice. */
    private static final class Extra<M> {
        Throwable pendingRestart;              // non-null: restart at restartAt with this cause
        long restartAt;                        // Timers.nanoTime() deadline of the pending restart
        Relations relations;                   // death watch and links (lazily created)
        ArrayList<Listened<?, M>> listened;    // extra channels the loop selects over (null: none)
        ActorTimersImpl<M> timers;             // context().timers(), created on first use; kept across restarts
        StashBuffer<M> stash;                  // context().stash(n), created on first use; kept across restarts
        /** Unstashed items, processed before the mailbox (Akka's prepend); null or empty: none. */
        ArrayDeque<Object> unstashed;
        /** Written before the system-message stack is closed; read by whoever finds it closed. */
        Terminated terminatedNotice;
        /**
         * For monitoring ({@link ActorConsoleSection}), written by the runner on the failure path only
         * (never per message): the latest failure of any instance, and the restarts so far. Volatile so
         * that a sampler that finds this object sees whole values; it reads {@link ActorCell#x} racily.
         */
        volatile Throwable lastFailure;
        volatile int restarts;
    }

    private Extra<M> x() {
        Extra<M> e = x;
        return e != null ? e : (x = new Extra<>());
    }

    private Relations relations() {
        Extra<M> e = x();
        return e.relations != null ? e.relations : (e.relations = new Relations(this));
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
        if (!relations().watch(t, target)) return;
        if (!t.pushSys(new SysMsg.Watch(this))) {
            pushSys(new SysMsg.DeathNotice(t.x.terminatedNotice)); // already terminated: notice at once
        }
    }

    @Override
    public void unwatch(ActorRef<?> target) {
        checkOwnThread("unwatch");
        ActorCell<?> t = cellOf(target, "unwatch");
        if (x != null && x.relations != null && x.relations.unwatch(t)) t.pushSys(new SysMsg.Unwatch(this));
    }

    @Override
    public void link(ActorRef<?> target) {
        checkOwnThread("link");
        ActorCell<?> t = cellOf(target, "link");
        if (t == this) throw new IllegalArgumentException("an actor cannot link to itself (" + path() + ")");
        if (!relations().link(t, target)) return;
        if (!t.pushSys(new SysMsg.Link(this))) {   // already terminated: its exit signal at once
            pushSys(new SysMsg.LinkExit(t, t.x.terminatedNotice.cause()));
        }
    }

    @Override
    public void unlink(ActorRef<?> target) {
        checkOwnThread("unlink");
        ActorCell<?> t = cellOf(target, "unlink");
        if (x != null && x.relations != null && x.relations.unlink(t)) t.pushSys(new SysMsg.Unlink(this));
    }

    @Override
    public void trapExits(boolean trap) {
        checkOwnThread("trapExits");
        relations().trapExits = trap;
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

    /** The actor behind {@code ref}: itself, or a router's pool head (watching or linking a pool means its head). */
    private static ActorCell<?> cellOf(ActorRef<?> ref, String op) {
        Objects.requireNonNull(ref, "target");
        return switch (ref) {
            case ActorCell<?> c -> c;
            case Router<?> r -> r.head();
            case PromiseRef<?> p -> throw new IllegalArgumentException("cannot " + op + " " + ref
                    + ": it is an ask's reply reference, not an actor");
        };
    }

    void checkOwnThread(String op) {
        if (Thread.currentThread() != runner) {
            throw new IllegalStateException(op + " must be called from the thread running the actor (" + path()
                    + "), not from " + Thread.currentThread());
        }
    }

    // =====================================================================================
    // The loop
    // =====================================================================================

    @Override
    void run() {
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
        endForGood();
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
            if (hasSystemMessages()) {
                processSystemMessages();
            } else if (suspended) {
                waitWhileSuspended();
            } else if (x != null && x.relations != null && x.relations.hasNotices()) {
                deliverNotice(x.relations.nextNotice());
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
        processed++;   // runner-confined, single writer (see the field)
    }

    /** Delivers a death notice or an exit signal (see {@link Relations}). */
    private void deliverNotice(Object notice) {
        try {
            switch (notice) {
                case Terminated t -> actor.onTerminated(t);
                case ExitSignal s when x.relations.trapExits -> actor.onExit(s);
                case ExitSignal s -> {
                    if (s.failed()) fail(new LinkedActorFailedException(this, s.actor(), s.cause()));
                }
                default -> throw new AssertionError(notice);
            }
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

    /** Suspends this actor, breaks its links and reports the failure to its parent. */
    void fail(Throwable t) {
        suspended = true;
        x().lastFailure = t;               // for monitoring; the failure path only
        relations().breakLinks(t, true);   // also remembered: a link that arrives while suspended meets a failed instance
        if (parent == null || !parent.pushSys(new SysMsg.Failed(this, t))) terminate(t);
    }

    private void processSystemMessages() {
        for (SysMsg m = takeSystemMessages(); m != null; m = m.next) {
            if (terminated) {
                Relations.answerLate(m, x.terminatedNotice);
                continue;
            }
            switch (m) {
                case SysMsg.Stop st -> terminate(st.cause);
                case SysMsg.Failed f -> supervision().childFailed(f.child, f.cause, strategy());
                case SysMsg.Watch w -> relations().addWatcher(w.watcher);
                case SysMsg.Unwatch u -> relations().removeWatcher(u.watcher);
                case SysMsg.DeathNotice d -> relations().deathNotice(d.terminated);
                case SysMsg.Link l -> {
                    Relations r = relations();
                    if (r.failure() != null) {
                        l.partner.pushSys(new SysMsg.LinkExit(this, r.failure()));   // the linked instance is gone
                    } else {
                        r.link(l.partner, l.partner);
                    }
                }
                case SysMsg.Unlink u -> relations().unlink(u.partner);
                case SysMsg.LinkExit le -> relations().linkExit(le.from, le.cause);
                case SysMsg.Resume r -> {
                    if (suspended && (x == null || x.pendingRestart == null)) {
                        if (actor == null) { // its creation failed: there is no instance to resume
                            Extra<M> e = x();
                            e.pendingRestart = new IllegalStateException("resumed " + path() + " after its creation failed");
                            e.restartAt = Timers.nanoTime();
                        } else {
                            suspended = false;
                            if (x != null && x.relations != null) x.relations.recovered(false);
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
        x.restarts++;                      // single writer (this runner): the volatile ++ needs no CAS
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
        if (x.relations != null) x.relations.recovered(true);
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
        for (SysMsg m = closeSystemMessages(); m != null; m = m.next) Relations.answerLate(m, notice);
        if (e.relations != null) e.relations.terminated(notice);
        if (parent != null) {
            synchronized (parent) {
                parent.supervision.remove(this); // the name is free again from here on
            }
        }
        terminationFuture().complete(notice);
    }

    // =====================================================================================
    // Monitoring (ActorConsoleSection): racy reads from a sampler thread, never used for control flow
    // =====================================================================================

    /** Adds the live children to {@code out} (spawn order); takes this cell's monitor, as {@link #children()} does. */
    void addLiveChildrenTo(List<ActorCell<?>> out) {
        synchronized (this) {
            if (supervision != null) supervision.addLiveCellsTo(out);
        }
    }

    /** Messages handled so far (see {@link #processed}); racy. */
    long processedCount() {
        return processed;
    }

    /** Restarts so far; racy (0 if it never failed). */
    int restartCount() {
        Extra<M> e = x;   // racy read of a runner-confined reference: null, or an Extra whose volatile fields are whole
        return e == null ? 0 : e.restarts;
    }

    /** The latest failure of any instance, or null; racy. */
    Throwable lastFailure() {
        Extra<M> e = x;
        return e == null ? null : e.lastFailure;
    }

    /**
     * What the actor is doing, roughly: {@code stopping}, {@code restarting} (waiting out a restart),
     * {@code suspended} (failed, awaiting its parent's directive), or the runner's
     * {@link #schedulingState()} ({@code idle}, {@code running}, {@code waiting}, {@code terminated}).
     * Racy reads of volatile and runner-confined fields.
     */
    String monitoringState() {
        if (stopRequested) return "stopping";
        if (suspended) {
            Extra<M> e = x;
            return e != null && e.pendingRestart != null ? "restarting" : "suspended";
        }
        return schedulingState();
    }

    /** A channel the loop selects over, with its adapter; the record itself marks "source closed". */
    private record Listened<T, M>(Receiver<T> source, Function<? super T, ? extends M> adapter) {
        SelectClause<Object> clause() {
            return source.onReceiveOrClosed(v -> Objects.requireNonNull(adapter.apply(v), "listen adapter returned null"),
                    () -> this);
        }
    }
}
