package dev.vela.diagnostics.internal;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Threshold;

/**
 * Java Flight Recorder events of the channels (docs/adr/0024-observability-metrics-jfr-deadlocks.md).
 * They are created only on slow paths (an operation that is about to park, a close with a failure),
 * never on the send/receive fast path; when no recording enables them, {@code shouldCommit()} is a
 * cheap check and nothing is written.
 *
 * <ul>
 *   <li>{@code dev.vela.ChannelBlocked}: a blocking send, receive or reserve that waited at least
 *       the threshold (default 20 ms; set it in a JFR configuration or with
 *       {@code Recording.enable("dev.vela.ChannelBlocked").withThreshold(...)});</li>
 *   <li>{@code dev.vela.ChannelFailed}: a channel closed with a cause ({@code Sender.fail}).</li>
 * </ul>
 */
public final class ChannelEvents {
    private ChannelEvents() {}

    /** A blocking channel operation that waited (duration = how long it waited). */
    @Name("dev.vela.ChannelBlocked")
    @Label("Channel Operation Blocked")
    @Category({"Vela", "Channels"})
    @Description("A blocking send, receive or reserve on a Vela channel waited at least the threshold")
    @Threshold("20 ms")
    @StackTrace(true)
    public static final class Blocked extends Event {
        @Label("Channel")
        String channel;
        @Label("Operation")
        String operation;
    }

    /** A channel closed with a failure cause. */
    @Name("dev.vela.ChannelFailed")
    @Label("Channel Failed")
    @Category({"Vela", "Channels"})
    @Description("A Vela channel was closed with a failure cause (Sender.fail)")
    @StackTrace(true)
    static final class Failed extends Event {
        @Label("Channel")
        String channel;
        @Label("Cause Class")
        String causeClass;
        @Label("Cause Message")
        String causeMessage;
    }

    /** Starts timing a wait (slow path only). */
    public static Blocked begin() {
        Blocked e = new Blocked();
        e.begin();
        return e;
    }

    /** Ends a wait: commits the event if a recording wants it and it lasted at least the threshold. */
    public static void end(Blocked e, Object channel, String operation) {
        e.end();
        if (e.shouldCommit()) {
            e.channel = channel.toString();
            e.operation = operation;
            e.commit();
        }
    }

    /** A channel was closed with {@code cause}. */
    public static void failed(Object channel, Throwable cause) {
        Failed e = new Failed();
        if (e.shouldCommit()) {
            e.channel = channel.toString();
            e.causeClass = cause.getClass().getName();
            e.causeMessage = cause.getMessage();
            e.commit();
        }
    }
}
