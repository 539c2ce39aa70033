package dev.vela.actor;

import dev.vela.diagnostics.ConsoleSection;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * <b>Service provider, not user API:</b> the live console's {@code actors} table. The console
 * ({@code vela-console}) finds it through {@link java.util.ServiceLoader} ({@code provides
 * dev.vela.diagnostics.ConsoleSection} in this module's descriptor, and
 * {@code META-INF/services/dev.vela.diagnostics.ConsoleSection} on the class path) and calls it from its
 * sampling thread; it is public only because {@code ServiceLoader} requires a public class with a public
 * no-argument constructor. Applications never need to create or call it.
 *
 * <p>One row per live actor of every live {@link ActorSystem} (guardians excluded), with the columns
 * {@code path} ({@link ActorRef#path()}), {@code mailbox} (items queued now), {@code capacity} (a
 * bounded mailbox's bound, null when unbounded or priority), {@code processed} (messages handled: the
 * handler returned or threw), {@code restarts}, {@code lastFailure} ({@code class: message} of the
 * latest failure, or null) and {@code state} ({@code idle}, {@code running}, {@code waiting},
 * {@code suspended}, {@code restarting}, {@code stopping}). Warnings: a <em>restart storm</em> (at
 * least 3 restarts seen within 10 s) and a
 * <em>growing mailbox</em> (grew in at least 3 samples since it last shrank,
 * and holds more than 100 items or more than 80 % of its capacity).
 *
 * <p>Implementation overview. Sampling, not events: {@link #rows(int)} walks each system's tree from
 * its guardian (depth first, children in spawn order, one child list copied under each cell's
 * monitor at a time), reading what the actors keep anyway: the mailbox's size (a channel's
 * {@code stats()}, free on the send and receive paths; a priority mailbox's heap under its lock), and
 * three fields of the cell read racily: a plain {@code processed} counter that only the actor's runner
 * increments, and the restart count and latest failure, written on the failure path only. Nothing is
 * added to the tell or processing paths beyond that one plain increment, console or not. The systems
 * come from {@code LiveSystems}, which holds them weakly. The {@code limit} most interesting rows are
 * kept in a bounded heap (O(n log limit)), and only they get a path string: flagged actors first, then
 * the fullest mailboxes, the most restarts, the most processed, then tree order.
 *
 * <p>Between samples this keeps only what the two warnings need, for actors that are live now:
 * {@code growth} for those whose mailbox was not empty at the last sample and {@code restartHistory}
 * for those that had restarted; both are rebuilt from the actors seen at each sample (so an actor
 * that terminated is forgotten at the next one) and cleared by {@link #close()}. The first sample after
 * {@link #open()} (or ever) is a baseline: restarts and queued items already there are not counted as
 * new, since when they happened is unknown.
 *
 * <p>Thread safety: {@link #open()}, {@link #close()} and {@link #rows(int)} are synchronized; the
 * numbers are approximate (read while the actors run) and for display only.
 */
public final class ActorConsoleSection implements ConsoleSection {
    /** A restart storm: at least this many restarts of one actor within {@link #STORM_WINDOW_SECONDS}. */
    static final int STORM_RESTARTS = 3;
    /** The restart storm's window, in seconds. */
    static final int STORM_WINDOW_SECONDS = 10;
    /** A growing mailbox: grew in at least this many samples since it last shrank, and is over a threshold. */
    static final int GROWTH_SAMPLES = 3;
    /** A growing mailbox's threshold: more than this many items, or more than {@link #GROWTH_FILL} of its capacity. */
    static final int GROWTH_MIN_ITEMS = 100;
    /** A growing bounded mailbox's threshold as a fraction of its capacity. */
    static final double GROWTH_FILL = 0.8;
    /** The most warnings per sample; beyond it the last one summarises the rest. */
    static final int MAX_WARNINGS = 5;
    /** A {@code lastFailure} text is cut to this many characters. */
    static final int MAX_FAILURE_CHARS = 300;

    private static final long STORM_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(STORM_WINDOW_SECONDS);
    private static final List<String> COLUMNS =
            List.of("path", "mailbox", "capacity", "processed", "restarts", "lastFailure", "state");

    /** Most interesting first: flagged, fullest mailbox, most restarts, most processed, then tree order. */
    private static final Comparator<Sample> INTERESTING = Comparator.comparing((Sample s) -> !s.flagged)
            .thenComparing(Comparator.comparingLong((Sample s) -> s.mailbox).reversed())
            .thenComparing(Comparator.comparingInt((Sample s) -> s.restarts).reversed())
            .thenComparing(Comparator.comparingLong((Sample s) -> s.processed).reversed())
            .thenComparingInt(s -> s.order);

    private final LongSupplier nanoClock;
    private final Supplier<List<ActorSystem>> systems;

    // ---- sampler state, guarded by this. Invariant: only actors seen live at the last sample are keys.
    /** Actors whose mailbox was not empty at the last sample: its size then, and its rises since it last shrank. */
    private HashMap<ActorCell<?>, Growth> growth = new HashMap<>();
    /** Actors that had restarted by the last sample: the count then, and the restarts seen within the window. */
    private HashMap<ActorCell<?>, RestartHistory> restartHistory = new HashMap<>();
    /** False until the first sample after construction, {@link #open()} or {@link #close()}: that one is a baseline. */
    private boolean baselined;

    /** For {@link java.util.ServiceLoader} only: applications never create a section. */
    public ActorConsoleSection() {
        this(System::nanoTime, LiveSystems::live);
    }

    /** With the clock the restart window is measured on and the systems to sample (tests). */
    ActorConsoleSection(LongSupplier nanoClock, Supplier<List<ActorSystem>> systems) {
        this.nanoClock = nanoClock;
        this.systems = systems;
    }

    /** What the growing-mailbox warning remembers of one actor between samples. */
    private static final class Growth {
        long last;   // mailbox size at the last sample, > 0
        int rises;   // samples in which it grew since it last shrank (or was first seen after the baseline)
    }

    /** What the restart-storm warning remembers of one actor between samples. */
    private static final class RestartHistory {
        int count;                                              // restartCount() at the last sample
        final ArrayDeque<long[]> recent = new ArrayDeque<>();   // {nanoTime, restarts} per sample that saw some, oldest first, within the window
        int inWindow;                                           // the sum of recent's restarts
    }

    /** One actor at this sample. */
    private record Sample(ActorCell<?> cell, int order, long mailbox, int capacity, long processed, int restarts,
                          boolean flagged) {}

    /**
     * The section's key in the snapshot.
     *
     * @return {@code actors}
     */
    @Override
    public String name() {
        return "actors";
    }

    /**
     * The columns, in display order.
     *
     * @return path, mailbox, capacity, processed, restarts, lastFailure, state
     */
    @Override
    public List<String> columns() {
        return COLUMNS;
    }

    /** A console starts: the next sample is a baseline. */
    @Override
    public synchronized void open() {
        forget();
    }

    /** The console stopped: forgets every actor it remembered for the warnings. */
    @Override
    public synchronized void close() {
        forget();
    }

    private void forget() {
        growth = new HashMap<>();
        restartHistory = new HashMap<>();
        baselined = false;
    }

    /**
     * One sample of every live actor.
     *
     * @param limit the most rows to return
     * @return the {@code limit} most interesting rows, the number of live actors, and the warnings
     */
    @Override
    public synchronized Rows rows(int limit) {
        long now = nanoClock.getAsLong();
        HashMap<ActorCell<?>, Growth> nextGrowth = new HashMap<>();
        HashMap<ActorCell<?>, RestartHistory> nextRestarts = new HashMap<>();
        int keep = Math.max(0, limit);
        PriorityQueue<Sample> top = new PriorityQueue<>(Math.max(1, Math.min(keep, 1024)) + 1, INTERESTING.reversed());
        List<Sample> storms = new ArrayList<>();
        List<Sample> growing = new ArrayList<>();
        int total = 0;

        ArrayDeque<ActorCell<?>> stack = new ArrayDeque<>();
        ArrayList<ActorCell<?>> kids = new ArrayList<>();
        for (ActorSystem system : systems.get()) {
            pushChildren(system.guardian(), stack, kids);
            while (!stack.isEmpty()) {
                ActorCell<?> cell = stack.pop();
                pushChildren(cell, stack, kids);
                int order = total++;
                long mailbox = cell.mailbox.size();
                int capacity = cell.mailbox.capacity();
                int restarts = cell.restartCount();
                boolean storm = trackRestarts(cell, restarts, now, nextRestarts);
                boolean grows = trackGrowth(cell, mailbox, capacity, nextGrowth);
                Sample s = new Sample(cell, order, mailbox, capacity, cell.processedCount(), restarts, storm || grows);
                if (storm) storms.add(s);
                if (grows) growing.add(s);
                if (keep > 0) {
                    top.add(s);
                    if (top.size() > keep) top.poll();   // drops the least interesting
                }
            }
        }
        growth = nextGrowth;
        restartHistory = nextRestarts;
        baselined = true;

        List<Sample> shown = new ArrayList<>(top);
        shown.sort(INTERESTING);
        List<Map<String, Object>> items = new ArrayList<>(shown.size());
        for (Sample s : shown) items.add(row(s));
        return new Rows(total, items, warnings(storms, growing));
    }

    /** How many actors the warnings remember between samples (tests: none after {@link #close()}). */
    synchronized int remembered() {
        return growth.size() + restartHistory.size();
    }

    /** Pushes {@code cell}'s live children so that they pop in spawn order. */
    private static void pushChildren(ActorCell<?> cell, ArrayDeque<ActorCell<?>> stack, ArrayList<ActorCell<?>> kids) {
        kids.clear();
        cell.addLiveChildrenTo(kids);
        for (int i = kids.size() - 1; i >= 0; i--) stack.push(kids.get(i));
        kids.clear();   // hold no cell beyond the walk
    }

    /** Records the restarts seen since the last sample; tells whether the actor is in a restart storm now. */
    private boolean trackRestarts(ActorCell<?> cell, int restarts, long now, HashMap<ActorCell<?>, RestartHistory> next) {
        if (restarts <= 0) return false;
        RestartHistory h = restartHistory.get(cell);
        if (h == null) {
            h = new RestartHistory();
            h.count = baselined ? 0 : restarts;   // seen for the first time: new since the last sample, unless this is the baseline
        }
        int fresh = restarts - h.count;
        if (fresh > 0) {
            h.recent.addLast(new long[] {now, fresh});
            h.inWindow += fresh;
        }
        h.count = restarts;
        while (!h.recent.isEmpty() && now - h.recent.peekFirst()[0] > STORM_WINDOW_NANOS) {
            h.inWindow -= (int) h.recent.removeFirst()[1];
        }
        next.put(cell, h);
        return h.inWindow >= STORM_RESTARTS;
    }

    /** Records the mailbox's size; tells whether it is a growing mailbox now. */
    private boolean trackGrowth(ActorCell<?> cell, long mailbox, int capacity, HashMap<ActorCell<?>, Growth> next) {
        if (mailbox <= 0) return false;   // empty: no run of growth goes on
        Growth g = growth.get(cell);
        if (g == null) {
            g = new Growth();
            g.rises = baselined ? 1 : 0;   // grew from empty (or from before the actor existed), unless this is the baseline
        } else if (mailbox > g.last) {
            g.rises++;
        } else if (mailbox < g.last) {
            g.rises = 0;                   // it drains: the run ends
        }
        g.last = mailbox;
        next.put(cell, g);
        return g.rises >= GROWTH_SAMPLES
                && (mailbox > GROWTH_MIN_ITEMS || (capacity > 0 && mailbox > GROWTH_FILL * capacity));
    }

    private static Map<String, Object> row(Sample s) {
        Map<String, Object> r = new LinkedHashMap<>();   // column order; values may be null
        r.put("path", s.cell.path());
        r.put("mailbox", s.mailbox);
        r.put("capacity", s.capacity < 0 ? null : (Integer) s.capacity);
        r.put("processed", s.processed);
        r.put("restarts", s.restarts);
        r.put("lastFailure", describe(s.cell.lastFailure()));
        r.put("state", s.cell.monitoringState());
        return r;
    }

    /** Restart storms first (most restarts in the window first), then growing mailboxes (fullest first), at most {@link #MAX_WARNINGS}. */
    private List<String> warnings(List<Sample> storms, List<Sample> growing) {
        storms.sort(Comparator.comparingInt((Sample s) -> restartHistory.get(s.cell).inWindow).reversed()
                .thenComparingInt(s -> s.order));
        growing.sort(Comparator.comparingLong((Sample s) -> s.mailbox).reversed().thenComparingInt(s -> s.order));
        int all = storms.size() + growing.size();
        List<String> out = new ArrayList<>(Math.min(all, MAX_WARNINGS));
        for (Sample s : storms) {
            if (out.size() == MAX_WARNINGS - 1 && all > MAX_WARNINGS) break;
            Throwable last = s.cell.lastFailure();
            out.add("restart storm: " + s.cell.path() + " restarted " + restartHistory.get(s.cell).inWindow
                    + " times in the last " + STORM_WINDOW_SECONDS + " s"
                    + (last == null ? "" : " (last failure: " + describe(last) + ")"));
        }
        for (Sample s : growing) {
            if (out.size() == MAX_WARNINGS - 1 && all > MAX_WARNINGS) break;
            out.add("growing mailbox: " + s.cell.path() + " holds " + s.mailbox + " messages"
                    + (s.capacity > 0 ? " (capacity " + s.capacity + ")" : "")
                    + ", grown in " + growth.get(s.cell).rises + " samples without draining");
        }
        if (all > out.size()) {
            out.add((all - out.size()) + " more actors with a restart storm or a growing mailbox");
        }
        return out;
    }

    /** {@code class: message} (or the class alone), cut to {@link #MAX_FAILURE_CHARS}; null for null. */
    static String describe(Throwable t) {
        if (t == null) return null;
        String message;
        try {
            message = t.getMessage();   // may be user code
        } catch (RuntimeException broken) {
            message = "(getMessage() threw " + broken.getClass().getName() + ")";
        }
        String s = message == null ? t.getClass().getName() : t.getClass().getName() + ": " + message;
        return s.length() <= MAX_FAILURE_CHARS ? s : s.substring(0, MAX_FAILURE_CHARS - 1) + "…";
    }
}
