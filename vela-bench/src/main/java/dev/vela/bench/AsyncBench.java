package dev.vela.bench;

import dev.vela.channel.Channel;
import dev.vela.channel.Receiver;
import dev.vela.channel.Sender;
import org.openjdk.jmh.annotations.*;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.IntFunction;

/**
 * Async round trips (issue 4, "Performance"): a ping-pong of {@value #ROUND_TRIPS} messages in which
 * no thread ever blocks. Two one-way pipes, ping (A → B) and pong (B → A), each of capacity 1:
 * <ul>
 *   <li>side A, per message i: {@code ping.send(i).thenCompose(v -> pong.receive())} — the reply;</li>
 *   <li>side B, per message: {@code ping.receive().thenCompose(x -> pong.send(x).thenApply(v -> x))} — the echo.</li>
 * </ul>
 * Each side runs its steps one after another through {@link AsyncLoop}, a small trampoline
 * (next step at once if the last one's future is already done, else from its completion), so
 * neither stack nor chain of futures grows with the number of messages. The score is round trips
 * per second, end to end: the invocation ends when both sides are done, and both checksums (A's
 * replies, B's echoes) must equal what A sent. The JMH thread only starts the two loops and waits.
 *
 * <p>Implementations ({@code impl}):
 * <ul>
 *   <li>{@code vela}: {@code Channel.bounded(1)} each way, {@link Sender#sendAsync} /
 *       {@link Receiver#receiveAsync}. A Vela async operation that has to wait is resumed, when a peer
 *       completes it, on a fresh short-lived virtual thread (never in the peer's thread);</li>
 *   <li>{@code cf}: the baseline, a CompletableFuture hand-off with nothing else: each message is
 *       passed by completing a fresh CompletableFuture ({@link CfHandoff}, a one-slot mailbox, valid
 *       for one sender, one receiver and one message in flight, which is exactly this ping-pong).
 *       Dependent stages run inline in the completing thread, with no thread hand-off at all, so
 *       this is the floor of what an async hand-off can cost, not a channel.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput) @OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1) @Warmup(iterations = 2, time = 1) @Measurement(iterations = 3, time = 1)
public class AsyncBench {
    static final int ROUND_TRIPS = 20_000;

    @Param({"vela", "cf"}) String impl;

    @Benchmark @OperationsPerInvocation(ROUND_TRIPS)
    public long pingPong() throws Exception {
        return pingPong(AsyncPipe.create(impl), AsyncPipe.create(impl), ROUND_TRIPS);
    }

    /** The flow: B echoes every value A sends; returns A's checksum after checking both sides'. */
    static long pingPong(AsyncPipe ping, AsyncPipe pong, int n) throws InterruptedException {
        AsyncLoop echo = new AsyncLoop(n, i -> ping.receive().thenCompose(x -> pong.send(x).thenApply(v -> x)));
        AsyncLoop caller = new AsyncLoop(n, i -> ping.send(Flows.value(i)).thenCompose(v -> pong.receive()));
        echo.run();
        caller.run();
        long replies = await(caller.done), echoes = await(echo.done);
        Flows.check(echoes, Flows.expectedSum(n));
        return Flows.check(replies, Flows.expectedSum(n));
    }

    private static long await(CompletableFuture<Long> f) throws InterruptedException {
        try {
            return f.get(Flows.DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("ping-pong did not finish within " + Flows.DEADLINE.toSeconds() + " s (hung?)");
        } catch (ExecutionException e) {
            throw new IllegalStateException("ping-pong failed: " + e.getCause(), e.getCause());
        }
    }

    /**
     * Runs {@code step(0)}, …, {@code step(n-1)} one after another (each starts when the previous
     * one's future completed) and completes {@link #done} with the sum of their values. Its state is
     * touched by one step at a time; the futures' completions order those accesses.
     */
    static final class AsyncLoop implements BiConsumer<Integer, Throwable> {
        final CompletableFuture<Long> done = new CompletableFuture<>();
        private final int n;
        private final IntFunction<CompletableFuture<Integer>> step;
        private int i;
        private long sum;

        AsyncLoop(int n, IntFunction<CompletableFuture<Integer>> step) {
            this.n = n;
            this.step = step;
        }

        void run() {
            try {
                while (i < n) {
                    CompletableFuture<Integer> f = step.apply(i);
                    Integer v = f.isDone() && !f.isCompletedExceptionally() ? f.getNow(null) : null;
                    if (v == null) {  // not done yet (or failed): continue from its completion
                        f.whenComplete(this);
                        return;
                    }
                    sum += v;
                    i++;
                }
                done.complete(sum);
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        }

        @Override
        public void accept(Integer v, Throwable e) {
            if (e != null) { done.completeExceptionally(e); return; }
            sum += v;
            i++;
            run();
        }
    }

    /** One direction of the ping-pong, seen as async send and receive. */
    interface AsyncPipe {
        CompletableFuture<Void> send(Integer v);

        CompletableFuture<Integer> receive();

        static AsyncPipe create(String impl) {
            return switch (impl) {
                case "vela" -> new VelaAsync(Channel.bounded(1));
                case "cf" -> new CfHandoff();
                default -> throw new IllegalArgumentException("unknown async implementation: " + impl);
            };
        }
    }

    record VelaAsync(Sender<Integer> tx, Receiver<Integer> rx) implements AsyncPipe {
        VelaAsync(Channel<Integer> ch) { this(ch.sender(), ch.receiver()); }
        public CompletableFuture<Void> send(Integer v) { return tx.sendAsync(v); }
        public CompletableFuture<Integer> receive() { return rx.receiveAsync(); }
    }

    /**
     * The baseline: a message is handed over by completing a fresh CompletableFuture. The slot holds
     * nothing, a receiver's pending future (the sender completes it with the value), or a sender's
     * completed future (the receiver takes it). One sender, one receiver, at most one message in
     * flight; anything else is reported, not tolerated.
     */
    static final class CfHandoff implements AsyncPipe {
        private static final CompletableFuture<Void> SENT = CompletableFuture.completedFuture(null);
        private final AtomicReference<CompletableFuture<Integer>> slot = new AtomicReference<>();

        public CompletableFuture<Void> send(Integer v) {
            if (slot.compareAndSet(null, CompletableFuture.completedFuture(v))) return SENT;
            CompletableFuture<Integer> waiting = slot.getAndSet(null);
            if (waiting == null || waiting.isDone()) throw new IllegalStateException("CF hand-off: two messages in flight");
            waiting.complete(v);
            return SENT;
        }

        public CompletableFuture<Integer> receive() {
            CompletableFuture<Integer> f = new CompletableFuture<>();
            if (slot.compareAndSet(null, f)) return f;
            CompletableFuture<Integer> full = slot.getAndSet(null);
            if (full == null || !full.isDone()) throw new IllegalStateException("CF hand-off: two receives pending");
            return full;
        }
    }
}
