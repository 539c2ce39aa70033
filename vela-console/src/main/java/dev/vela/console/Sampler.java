package dev.vela.console;

import dev.vela.channel.Channel;
import dev.vela.channel.ChannelMetrics;
import dev.vela.channel.ChannelStats;
import dev.vela.diagnostics.ConsoleSection;
import dev.vela.diagnostics.internal.ChannelRegistry;
import dev.vela.diagnostics.internal.ParkedOperations;
import dev.vela.diagnostics.internal.WorkerRegistry;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds one snapshot of the runtime per interval, as JSON (schema in docs/console-api.md), from what
 * the runtime's registries hold: the live workers ({@link WorkerRegistry}), what each is parked on
 * ({@link ParkedOperations}), the channels created while the console runs ({@link ChannelRegistry}) and
 * the sections other modules contribute ({@link ConsoleSection}).
 *
 * <h2>Implementation overview</h2>
 * Sampling, not events: {@link #sample} runs on the console's sampling thread only, reads each source
 * once — what a worker is parked on comes from its park blocker ({@link ParkedOperations#blockedOn}),
 * which costs the parked thread nothing — and keeps between samples only what the page needs over time:
 * when each worker entered its state, as first seen by a sample (so to within one interval), the last {@value #HISTORY} buffered
 * counts per channel (the sparkline), and the deadlock the watchdog reported ({@link #deadlockReported},
 * set by the watchdog's thread). Every list is capped at {@code limit} items with the number left out
 * ({@code truncated}), the most interesting first (parked and failed before running; the longest
 * waiting first), so a snapshot stays bounded whatever the program holds: ~1 MiB at the 2,000-item cap.
 *
 * <p>Invariants: every map keyed by worker or channel id holds only ids seen in the last sample
 * (pruned each sample), so memory follows the live program, not its history.
 */
final class Sampler {
    /** Buffered counts kept per channel for the sparkline. */
    static final int HISTORY = 30;
    private static final int MAX_WARNINGS = 50;
    /** The deadlock report's text is cut here (a deadlock of 10,000 workers reports 10,000 lines). */
    private static final int MAX_REPORT = 8_000;
    /** The most workers the banner names (the rest are counted). */
    private static final int MAX_DEADLOCKED = 50;

    private final int limit;
    private final long intervalMillis;
    private final long longParkNanos;
    private final long startNanos = System.nanoTime();
    private final List<ConsoleSection> sections;
    private final PinnedThreads pinned;
    private long seq;
    /** Sampling thread only. Worker id → [state hash, since nanos] for states not timed by a registry. */
    private Map<Long, long[]> stateSince = new HashMap<>();
    /** Sampling thread only. Channel id → its last buffered counts, oldest first. */
    private Map<Integer, ArrayDeque<Long>> history = new HashMap<>();
    /** Written by the watchdog's thread, read by the sampler: the last deadlock report and its workers' thread ids. */
    private volatile Deadlock deadlockReported;

    /** A deadlock the watchdog reported: its text and the threads involved. */
    record Deadlock(String report, Set<Long> threadIds) {}

    Sampler(int limit, long intervalMillis, long longParkNanos, List<ConsoleSection> sections, PinnedThreads pinned) {
        this.limit = limit;
        this.intervalMillis = intervalMillis;
        this.longParkNanos = longParkNanos;
        this.sections = sections;
        this.pinned = pinned;
    }

    /** The watchdog's reporter (its thread): remembers which workers the report names, and its text cut to size. */
    void deadlock(String report) {
        Set<Long> ids = new HashSet<>();
        for (var e : WorkerRegistry.live().entrySet()) {
            if (ParkedOperations.blockedOn(e.getKey()) != null) ids.add(e.getKey().threadId());
        }
        String text = report.length() <= MAX_REPORT ? report
                : report.substring(0, MAX_REPORT) + "\n... (" + (report.length() - MAX_REPORT) + " more characters)";
        deadlockReported = new Deadlock(text, ids);
    }

    /** One parked or live worker's row, before sorting and capping. */
    private record WorkerRow(long id, String name, String group, String state, String op, int channel, boolean timed,
                             long sinceNanos, long deadlineNanos, String error, int rank) {}

    /** @return the snapshot now, as one line of JSON */
    String sample() {
        long now = System.nanoTime();
        seq++;
        List<ChannelRegistry.Entry> channels = ChannelRegistry.entries();
        Map<Integer, ChannelRegistry.Entry> channelsById = new HashMap<>();
        Map<Object, ChannelRegistry.Entry> byChannel = new IdentityHashMap<>();   // what a worker is parked on → its entry
        for (ChannelRegistry.Entry e : channels) {
            channelsById.put(e.id(), e);
            Object ch = e.channel().get();
            if (ch != null) byChannel.put(ch, e);
        }
        List<String> warnings = new ArrayList<>();

        List<WorkerRow> workers = workers(now, warnings, byChannel);
        var out = new StringBuilder(4096 + workers.size() * 160);
        var j = new Json(out);
        j.beginObject()
                .name("schema").value("vela-console").name("version").value(1).name("seq").value(seq)
                .name("time").value(Instant.now().toString())
                .name("uptimeMillis").value((now - startNanos) / 1_000_000).name("intervalMillis").value(intervalMillis);
        writeWorkers(j, workers, now, channelsById, warnings);
        writeChannels(j, channels, warnings);
        writeSections(j, warnings);
        writeDeadlock(j, workers, channelsById);
        pinned.warnings(warnings);
        j.name("warnings").beginArray();
        for (int i = 0; i < Math.min(warnings.size(), MAX_WARNINGS); i++) {
            String w = warnings.get(i);
            int colon = w.indexOf('|');
            j.beginObject().name("kind").value(w.substring(0, colon)).name("message").value(w.substring(colon + 1)).endObject();
        }
        j.endArray().endObject();
        return out.toString();
    }

    private List<WorkerRow> workers(long now, List<String> warnings, Map<Object, ChannelRegistry.Entry> channels) {
        List<WorkerRow> rows = new ArrayList<>();
        Map<Long, long[]> since = new HashMap<>();
        for (var e : WorkerRegistry.live().entrySet()) {
            Thread t = e.getKey();
            WorkerRegistry.Tracked w = e.getValue();
            ParkedOperations.Parked p = ParkedOperations.blockedOn(t);   // read from its park blocker: free for it
            long id = t.threadId();
            String state = p != null ? "parked" : switch (t.getState()) {
                case TIMED_WAITING -> "sleeping";
                case WAITING, BLOCKED -> "waiting";
                case TERMINATED -> null;
                default -> "running";
            };
            if (state == null) continue;
            // when it entered this state: as first seen by a sample (a new park is a new operation object)
            long key = p != null ? System.identityHashCode(p) : state.hashCode();
            long[] prev = stateSince.get(id);
            long entered = Math.max(prev != null && prev[0] == key ? prev[1] : now, w.startNanos());
            since.put(id, new long[] {key, entered});
            if (p == null) {
                rows.add(new WorkerRow(id, w.name(), w.group(), state, null, 0, false, entered, w.deadlineNanos(), null,
                        state.equals("running") ? 3 : 2));
                continue;
            }
            ChannelRegistry.Entry c = p.parkedOn() == null ? null : channels.get(p.parkedOn());
            int ch = c == null ? 0 : c.id();
            boolean timed = ParkedOperations.timedWait(t);
            rows.add(new WorkerRow(id, w.name(), w.group(), "parked", p.parkedOperation(), ch, timed, entered,
                    w.deadlineNanos(), null, timed ? 1 : 0));
            if (!timed && now - entered > longParkNanos) {
                warnings.add("long-park|" + w.name() + " parked (" + p.parkedOperation() + ")"
                        + (c != null ? " on " + channelName(c) : "") + " for " + (now - entered) / 1_000_000_000 + " s");
            }
        }
        stateSince = since;
        for (WorkerRegistry.Ended e : WorkerRegistry.recent()) {
            rows.add(new WorkerRow(e.id(), e.name(), e.group(), e.outcome(), null, 0, false, e.endNanos(), Long.MIN_VALUE,
                    e.error(), e.outcome().equals("done") ? 4 : 1));
        }
        // the most interesting first: parked untimed, failed, parked timed, waiting/sleeping, running, done; then the longest in it
        rows.sort(Comparator.comparingInt(WorkerRow::rank).thenComparingLong(WorkerRow::sinceNanos));
        return rows;
    }

    private void writeWorkers(Json j, List<WorkerRow> rows, long now, Map<Integer, ChannelRegistry.Entry> channels,
                              List<String> warnings) {
        int shown = Math.min(rows.size(), limit);
        j.name("workers").beginObject().name("total").value(rows.size()).name("truncated").value(rows.size() - shown)
                .name("items").beginArray();
        for (int i = 0; i < shown; i++) {
            WorkerRow w = rows.get(i);
            ChannelRegistry.Entry c = channels.get(w.channel());
            j.beginObject().name("id").value(w.id()).name("name").value(w.name()).name("group").value(w.group())
                    .name("state").value(w.state()).name("op").value(w.op())
                    .name("channel").value(c == null ? null : (Number) c.id())
                    .name("channelName").value(c == null ? null : channelName(c))
                    .name("timed").value(w.timed())
                    .name("sinceMillis").value(Math.max(0, now - w.sinceNanos()) / 1_000_000)
                    .name("deadlineMillis").value(w.deadlineNanos() == Long.MIN_VALUE ? null
                            : (Number) ((w.deadlineNanos() - now) / 1_000_000))
                    .name("error").value(w.error()).endObject();
        }
        j.endArray().endObject();
        if (shown < rows.size()) warnings.add("truncated|showing " + shown + " of " + rows.size() + " workers");
    }

    private void writeChannels(Json j, List<ChannelRegistry.Entry> entries, List<String> warnings) {
        record Row(ChannelRegistry.Entry entry, Channel<?> channel, ChannelStats stats, String state) {}
        List<Row> rows = new ArrayList<>(entries.size());
        for (ChannelRegistry.Entry e : entries) {
            if (!(e.channel().get() instanceof Channel<?> ch)) continue;
            String state = ch instanceof ChannelRegistry.Registered r ? r.registryState() : ch.isClosed() ? "closed" : "open";
            rows.add(new Row(e, ch, ch.stats(), state));
        }
        // the most interesting first: with waiters, then the fullest, then the oldest
        rows.sort(Comparator.comparingLong((Row r) -> -(r.stats().waitingSenders() + r.stats().waitingReceivers()))
                .thenComparingLong(r -> -r.stats().buffered()).thenComparingInt(r -> r.entry().id()));
        int shown = Math.min(rows.size(), limit);
        Map<Integer, ArrayDeque<Long>> kept = new HashMap<>();
        j.name("channels").beginObject().name("total").value(rows.size()).name("truncated").value(rows.size() - shown)
                .name("items").beginArray();
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            ArrayDeque<Long> h = history.getOrDefault(r.entry().id(), new ArrayDeque<>(HISTORY));
            if (h.size() == HISTORY) h.pollFirst();
            h.addLast(r.stats().buffered());
            kept.put(r.entry().id(), h);
            if (i >= shown) continue;
            ChannelStats s = r.stats();
            ChannelMetrics m = r.channel().hasMetrics() ? r.channel().metrics() : null;
            j.beginObject().name("id").value(r.entry().id()).name("name").value(channelName(r.entry()))
                    .name("kind").value(r.entry().kind())
                    .name("capacity").value(s.isUnbounded() ? null : (Number) s.capacity())
                    .name("buffered").value(s.buffered())
                    .name("sent").value(m == null ? null : (Number) m.sent())
                    .name("received").value(m == null ? null : (Number) m.received())
                    .name("dropped").value(m == null ? null : (Number) m.dropped())
                    .name("waitingSenders").value(s.waitingSenders()).name("waitingReceivers").value(s.waitingReceivers())
                    .name("state").value(r.state())
                    .name("history").any(h).endObject();
        }
        history = kept;
        j.endArray().endObject();
        if (shown < rows.size()) warnings.add("truncated|showing " + shown + " of " + rows.size() + " channels");
    }

    private void writeSections(Json j, List<String> warnings) {
        j.name("sections").beginObject();
        for (ConsoleSection s : sections) {
            ConsoleSection.Rows rows;
            try {
                rows = s.rows(limit);
            } catch (RuntimeException e) {   // a broken contributor must not stop the console
                warnings.add("section|" + s.name() + " failed: " + e);
                continue;
            }
            j.name(s.name()).beginObject().name("total").value(rows.total())
                    .name("truncated").value(Math.max(0, rows.total() - rows.items().size()))
                    .name("columns").any(s.columns()).name("items").any(rows.items()).endObject();
            for (String w : rows.warnings()) {   // "restart storm: ..." → kind restart-storm (ConsoleSection's convention)
                int colon = w.indexOf(": ");
                boolean kinded = colon > 0 && colon <= 30 && w.substring(0, colon).matches("[a-z][a-z -]*");
                warnings.add((kinded ? w.substring(0, colon).replace(' ', '-') : s.name()) + "|" + (kinded ? w.substring(colon + 2) : w));
            }
        }
        j.endObject();
    }

    /**
     * The banner: the watchdog's last report, as long as the workers it named are still all parked
     * (the watchdog reports once per deadlock, then again only after a change).
     */
    private void writeDeadlock(Json j, List<WorkerRow> workers, Map<Integer, ChannelRegistry.Entry> channels) {
        Deadlock d = deadlockReported;
        List<WorkerRow> involved = new ArrayList<>();
        if (d != null) {
            for (WorkerRow w : workers) if (d.threadIds().contains(w.id())) involved.add(w);
            boolean still = involved.size() == d.threadIds().size() && involved.stream().allMatch(w -> w.state().equals("parked"));
            if (!still) {
                deadlockReported = null;
                d = null;
            }
        }
        j.name("deadlock");
        if (d == null) {
            j.value((String) null);
            return;
        }
        String report = d.report();
        int shown = Math.min(involved.size(), MAX_DEADLOCKED);
        j.beginObject().name("report").value(report).name("total").value(involved.size())
                .name("truncated").value(involved.size() - shown).name("workers").beginArray();
        for (WorkerRow w : involved.subList(0, shown)) {
            ChannelRegistry.Entry c = channels.get(w.channel());
            j.beginObject().name("id").value(w.id()).name("name").value(w.name()).name("op").value(w.op())
                    .name("channel").value(c == null ? null : (Number) c.id())
                    .name("channelName").value(c == null ? null : channelName(c)).endObject();
        }
        j.endArray().endObject();
    }

    private static String channelName(ChannelRegistry.Entry e) {
        return e.site() != null ? e.site() : "#" + e.id();
    }
}
