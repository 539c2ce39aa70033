package dev.vela.diagnostics.internal;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The channels created while a live console runs, for its channel table (internal; not exported
 * except to the console). Channels report here at construction only, through {@link Registered}, so
 * neither side imports the other and nothing is written on a send or receive path.
 *
 * <p>Off until a reader retains it ({@link #retain()}); {@link #tracking} is volatile and read once
 * per channel construction. Entries hold the channel weakly: a channel nobody references any more
 * leaves the table at the next {@link #entries()}. Where the channel was created (the first frame
 * outside the runtime) is captured at registration, as its default name ({@code -Dvela.console.sites=false}
 * skips that stack walk: the channels are then named by their id).
 */
public final class ChannelRegistry {
    private ChannelRegistry() {}

    /** What a channel answers the console (a method, not a field: the channel's memory layout stays as it was). */
    public interface Registered {
        /** @return {@code open}, {@code closed} or {@code failed} */
        String registryState();
    }

    /**
     * One registered channel.
     *
     * @param id      its id, from 1, in creation order
     * @param kind    {@code bounded}, {@code unbounded}, {@code rendezvous}, {@code priority}, …
     * @param site    where it was created ({@code Class.method:line}), or null if unknown
     * @param channel the channel, weakly
     */
    public record Entry(int id, String kind, String site, WeakReference<Object> channel) {}

    /** Whether channels register themselves (volatile; true while readers &gt; 0). */
    public static volatile boolean tracking;
    /** Guarded by the class lock. */
    private static int readers;
    private static final AtomicInteger IDS = new AtomicInteger();
    private static final Map<Integer, Entry> CHANNELS = new ConcurrentHashMap<>();
    private static final StackWalker WALKER = StackWalker.getInstance();

    /** Whether to capture creation sites (a stack walk per channel); {@code -Dvela.console.sites=false} turns it off. */
    private static volatile boolean sites = true;

    /** A reader starts needing the records; pair with {@link #release()}. */
    public static synchronized void retain() {
        readers++;
        sites = !"false".equals(System.getProperty("vela.console.sites"));
        tracking = true;
    }

    /** A reader is done; tracking stops (and the records are forgotten) with the last one. */
    public static synchronized void release() {
        if (readers > 0 && --readers == 0) {
            tracking = false;
            CHANNELS.clear();
        }
    }

    /**
     * Registers a channel being constructed (only when {@link #tracking}).
     *
     * @param channel the channel
     * @param kind    its kind
     * @return its id
     */
    public static int register(Object channel, String kind) {
        int id = IDS.incrementAndGet();
        CHANNELS.put(id, new Entry(id, kind, sites ? creationSite() : null, new WeakReference<>(channel)));
        return id;
    }

    /** @return the registered channels still referenced, in creation order */
    public static List<Entry> entries() {
        List<Entry> out = new ArrayList<>(CHANNELS.size());
        for (Entry e : CHANNELS.values()) {
            if (e.channel().refersTo(null)) CHANNELS.remove(e.id());
            else out.add(e);
        }
        out.sort((a, b) -> Integer.compare(a.id(), b.id()));
        return out;
    }

    /** The first frame outside the runtime's own packages and the JDK: where user code created the channel. */
    private static String creationSite() {
        return WALKER.walk(frames -> frames
                .filter(f -> !isRuntime(f.getClassName()))
                .findFirst()
                .map(f -> simpleName(f.getClassName()) + "." + f.getMethodName() + ":" + f.getLineNumber())
                .orElse(null));
    }

    private static boolean isRuntime(String cls) {
        return cls.startsWith("dev.vela.channel.") || cls.startsWith("dev.vela.diagnostics.") || cls.startsWith("java.");
    }

    private static String simpleName(String cls) {
        return cls.substring(cls.lastIndexOf('.') + 1);
    }
}
