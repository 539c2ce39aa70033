package dev.vela.pipeline;

import static dev.vela.pipeline.TestSupport.LONG;
import static dev.vela.pipeline.TestSupport.assertNoRunningWorker;
import static org.junit.jupiter.api.Assertions.*;

import dev.vela.channel.Channel;
import dev.vela.channel.Sender;
import dev.vela.channel.Timers;
import dev.vela.test.VirtualClock;
import dev.vela.worker.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Sources, linear stages and sinks, one behaviour each; the seed's pipeline scenarios. */
@Timeout(60)
class PipelineStagesTest {

    private static List<Integer> upTo(int n) {
        return IntStream.range(0, n).boxed().toList();
    }

    @Test
    void seedThreeStageSquareAndSumIs42925() throws Exception {
        PipelineRun<Long> run = Pipeline.range(1, 51).map(x -> (long) x * x).fold(0L, Long::sum);
        assertEquals(42925L, run.await(LONG));
        assertNoRunningWorker(run);
    }

    @Test
    void seedWorkerPipelineDoublesAndSumsTo30() throws Exception {
        assertEquals(30, Pipeline.range(1, 6).map(x -> x * 2).fold(0, Integer::sum).await(LONG));
    }

    @Test
    void aDescriptionCanRunTwiceWhenItsSourceCan() throws Exception {
        Pipeline<Integer> p = Pipeline.from(List.of(1, 2, 3)).map(x -> x + 1);
        assertEquals(List.of(2, 3, 4), p.toList().await(LONG));
        assertEquals(List.of(2, 3, 4), p.toList().await(LONG));
    }

    @Test
    void sourcesOfGenerateReceiverAndTick() throws Exception {
        AtomicInteger next = new AtomicInteger();
        assertEquals(List.of(0, 1, 2), Pipeline.generate(() -> next.get() < 3 ? next.getAndIncrement() : null)
                .toList().await(LONG));

        Channel<String> ch = Channel.bounded(2);
        Worker<Void> producer = Worker.run(() -> {
            try (Sender<String> tx = ch.sender()) {
                for (String s : List.of("a", "b", "c", "d")) tx.send(s);
            } catch (InterruptedException e) {
                throw new RuntimeException(e);
            }
        });
        assertEquals(List.of("a", "b", "c", "d"), Pipeline.from(ch.receiver()).toList().await(LONG));
        producer.join(LONG);

        long t0 = System.nanoTime();   // tick on the real clock: a smoke test (exact instants: tickEmitsOncePerPeriod...)
        List<Instant> ticks = Pipeline.tick(Duration.ofMillis(10)).take(3).toList().await(LONG);
        assertEquals(3, ticks.size());
        assertTrue(System.nanoTime() - t0 >= Duration.ofMillis(25).toNanos(), "three 10 ms ticks take ≥ 25 ms");
        assertEquals(List.of("x", "y"), Pipeline.of("x", "y").toList().await(LONG));
    }

    @Test
    void filterFlatMapTapTakeDropTakeWhile() throws Exception {
        List<Integer> tapped = Collections.synchronizedList(new ArrayList<>());
        List<Integer> out = Pipeline.from(upTo(20))
                .filter(x -> x % 2 == 0)                     // 0 2 4 ... 18
                .flatMap(x -> List.of(x, x + 1))             // 0 1 2 3 ... 19
                .tap(tapped::add)
                .drop(3)                                     // 3 4 ... 19
                .takeWhile(x -> x < 15)                      // 3 .. 14
                .take(5)                                     // 3 4 5 6 7
                .toList().await(LONG);
        assertEquals(List.of(3, 4, 5, 6, 7), out);
        assertEquals(upTo(tapped.size()), tapped, "tap sees every element in order before the cut");
        assertEquals(List.of(), Pipeline.from(upTo(5)).take(0).toList().await(LONG));
    }

    @Test
    void takeStopsAnEndlessSource() throws Exception {
        AtomicInteger produced = new AtomicInteger();
        PipelineRun<List<Integer>> run = Pipeline.generate(produced::getAndIncrement).map(x -> x * 10).take(4).toList();
        assertEquals(List.of(0, 10, 20, 30), run.await(LONG));
        assertNoRunningWorker(run);
        assertTrue(produced.get() <= 4 + 2 * Pipeline.DEFAULT_CAPACITY + 3, "the source stopped soon: " + produced);
    }

    @Test
    void sinksCountReduceForEachAndSender() throws Exception {
        assertEquals(100L, Pipeline.from(upTo(100)).count().await(LONG));
        assertEquals(Optional.of(4950), Pipeline.from(upTo(100)).reduce(Integer::sum).await(LONG));
        assertEquals(Optional.empty(), Pipeline.from(List.<Integer>of()).reduce(Integer::sum).await(LONG));
        List<Integer> seen = new ArrayList<>();
        assertNull(Pipeline.from(upTo(5)).forEach(seen::add).await(LONG));
        assertEquals(upTo(5), seen);

        Channel<Integer> ch = Channel.bounded(1);
        PipelineRun<Void> run = Pipeline.from(upTo(50)).to(ch.sender());
        List<Integer> got = new ArrayList<>();
        for (Integer v : ch.receiver()) got.add(v);  // ends when the pipeline closes the sender
        assertEquals(upTo(50), got);
        run.await(LONG);
    }

    @Test
    void batchGroupsBySizeAndFlushesTheRestAtTheEnd() throws Exception {
        assertEquals(List.of(List.of(0, 1, 2), List.of(3, 4, 5), List.of(6)),
                Pipeline.from(upTo(7)).batch(3, Duration.ofSeconds(30)).toList().await(LONG));
    }

    // ---- timed stages in virtual time: exact instants (a real-clock smoke test for each below)

    @Test
    void tickEmitsOncePerPeriodAtExactInstants() throws Exception {
        VirtualClock.run(clock -> {
            List<Duration> at = Collections.synchronizedList(new ArrayList<>());
            List<Instant> ticks = Pipeline.tick(Duration.ofSeconds(1)).tap(t -> at.add(clock.elapsed())).take(3).toList().await(LONG);
            Instant start = VirtualClock.DEFAULT_START;
            assertEquals(List.of(start.plusSeconds(1), start.plusSeconds(2), start.plusSeconds(3)), ticks);
            assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(3)), at);
            assertEquals(Duration.ofSeconds(3), clock.elapsed(), "the run ends with its third tick");
        });
    }

    @Test
    void batchEmitsAPartialGroupExactlyMaxWaitAfterItsFirstElement() throws Exception {
        VirtualClock.run(clock -> {
            Channel<Integer> ch = Channel.bounded(4);
            List<Duration> at = Collections.synchronizedList(new ArrayList<>());
            PipelineRun<List<List<Integer>>> run = Pipeline.from(ch.receiver()).batch(10, ms(50))
                    .tap(g -> at.add(clock.elapsed())).toList();
            Sender<Integer> tx = ch.sender();
            tx.send(1);                         // +0: a group starts, due at +50 ms
            Timers.sleep(ms(30));
            tx.send(2);                         // +30 ms: joins it
            Timers.sleep(ms(70));
            tx.send(3);                         // +100 ms: a new group, due at +150 ms
            Timers.sleep(ms(200));
            tx.send(4);                         // +300 ms: a group the end of the stream flushes at once
            tx.close();
            assertEquals(List.of(List.of(1, 2), List.of(3), List.of(4)), run.await(LONG));
            assertEquals(List.of(ms(50), ms(150), ms(300)), at);
            assertEquals(ms(300), clock.elapsed());
        });
    }

    @Test
    void throttleEmitsEvenlySpacedAtExactInstants() throws Exception {
        VirtualClock.run(clock -> {
            List<Duration> at = Collections.synchronizedList(new ArrayList<>());
            List<Integer> out = Pipeline.from(upTo(5)).throttle(2, Duration.ofSeconds(1))
                    .tap(x -> at.add(clock.elapsed())).toList().await(LONG);
            assertEquals(upTo(5), out);
            assertEquals(List.of(ms(0), ms(500), ms(1000), ms(1500), ms(2000)), at);   // 2 per second: 500 ms apart
        });
    }

    @Test
    void throttleLetsNoBurstThroughAfterAPause() throws Exception {
        VirtualClock.run(clock -> {
            Channel<Integer> ch = Channel.bounded(4);
            List<Duration> at = Collections.synchronizedList(new ArrayList<>());
            PipelineRun<List<Integer>> run = Pipeline.from(ch.receiver()).throttle(1, Duration.ofSeconds(1))
                    .tap(x -> at.add(clock.elapsed())).toList();
            Sender<Integer> tx = ch.sender();
            tx.send(0);                         // +0
            Timers.sleep(Duration.ofSeconds(5));
            tx.send(1);                         // +5 s, after a pause: passes at once
            tx.send(2);                         // +5 s too: must wait a whole period, to +6 s
            tx.close();
            assertEquals(List.of(0, 1, 2), run.await(LONG));
            assertEquals(List.of(ms(0), ms(5000), ms(6000)), at, "at most 1 element per second");
        });
    }

    @Test
    void batchEmitsAPartialGroupAfterMaxWaitOnTheRealClock() throws Exception {   // smoke test, generous bounds
        Channel<Integer> ch = Channel.bounded(4);
        Channel<List<Integer>> out = Channel.bounded(4);
        PipelineRun<Void> run = Pipeline.from(ch.receiver()).batch(10, ms(50)).to(out.sender());
        Sender<Integer> tx = ch.sender();
        long t0 = System.nanoTime();
        tx.send(1);
        tx.send(2);
        assertEquals(List.of(1, 2), out.receiver().receive(LONG), "{1, 2} goes out alone after maxWait, the stream still open");
        assertTrue(System.nanoTime() - t0 >= ms(45).toNanos(), "not before maxWait");
        tx.send(3);
        tx.close();
        assertEquals(List.of(3), out.receiver().receive(LONG));
        run.await(LONG);
    }

    @Test
    void throttleSpacesElementsOnTheRealClock() throws Exception {   // smoke test, generous bounds
        long t0 = System.nanoTime();
        List<Integer> out = Pipeline.from(upTo(6)).throttle(2, Duration.ofMillis(40)).toList().await(LONG);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(upTo(6), out);
        assertTrue(ms >= 90, "6 elements at 2 per 40 ms need ≥ 100 ms (5 gaps of 20 ms), took " + ms);
    }

    @Test
    void bufferIsAnAsyncBoundaryBetweenWorkers() throws Exception {
        PipelineRun<Long> run = Pipeline.from(upTo(10)).buffer(1).map(x -> x).buffer(3).count();
        assertEquals(10L, run.await(LONG));
        assertEquals(3, run.workers().size(), "source | map | sink: two boundaries");
    }

    @Test
    void mapParKeepsOrderAndRunsInParallel() throws Exception {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger maxInFlight = new AtomicInteger();
        List<Integer> out = Pipeline.from(upTo(200)).mapPar(4, x -> {
            int now = inFlight.incrementAndGet();
            maxInFlight.accumulateAndGet(now, Math::max);
            TestSupport.sleep(ThreadLocalRandom.current().nextInt(3));
            inFlight.decrementAndGet();
            return x * 2;
        }).toList().await(LONG);
        assertEquals(upTo(200).stream().map(x -> x * 2).toList(), out);
        assertTrue(maxInFlight.get() > 1 && maxInFlight.get() <= 4, "parallelism 4, saw " + maxInFlight);
    }

    @Test
    void mapParUnorderedDeliversEveryResultOnce() throws Exception {
        List<Integer> out = Pipeline.from(upTo(500)).mapParUnordered(3, x -> {
            if (x % 7 == 0) TestSupport.sleep(1);
            return x + 1;
        }).toList().await(LONG);
        assertEquals(IntStream.rangeClosed(1, 500).boxed().toList(), out.stream().sorted().toList());
    }

    @Test
    void mapParWithTakeStopsCleanly() throws Exception {
        PipelineRun<List<Integer>> run = Pipeline.generate(() -> 1).mapPar(3, x -> x + 1).take(10).toList();
        assertEquals(Collections.nCopies(10, 2), run.await(LONG));
        assertNoRunningWorker(run);
        PipelineRun<Long> run2 = Pipeline.generate(() -> 1).mapParUnordered(3, x -> x + 1).take(10).count();
        assertEquals(10L, run2.await(LONG));
        assertNoRunningWorker(run2);
    }

    @Test
    void badArgumentsAreRejectedWithClearMessages() {
        var p = Pipeline.of(1);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> p.mapPar(0, x -> x)).getMessage().contains("parallelism"));
        assertThrows(IllegalArgumentException.class, () -> p.batch(0, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> p.batch(2, Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> p.buffer(0));
        assertThrows(IllegalArgumentException.class, () -> p.take(-1));
        assertThrows(IllegalArgumentException.class, () -> p.throttle(0, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> Pipeline.tick(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> p.broadcast(0));
        assertThrows(NullPointerException.class, () -> p.map(null));
        assertThrows(NullPointerException.class, () -> Pipeline.of(1, null));
    }

    @Test
    void aNullFromUserCodeFailsTheRunNamingTheStage() throws Exception {
        PipelineRun<List<Object>> run = Pipeline.of(1, 2).map(x -> (Object) null).toList();
        var e = assertThrows(PipelineFailedException.class, () -> run.await(LONG));
        assertInstanceOf(NullPointerException.class, e.getCause());
        assertTrue(e.getCause().getMessage().contains("map"), e.getCause().getMessage());
        assertTrue(e.getMessage().contains("map"), e.getMessage());
    }

    @Test
    void workersAreNamedAfterTheRunAndStage() throws Exception {
        PipelineRun<Long> run = Pipeline.of(1).map(x -> x).count();
        run.await(LONG);
        assertEquals(List.of("0:from(iterable)+1:map+2:count"), workerNames(run), "fused: one worker");
        PipelineRun<Long> run2 = Pipeline.of(1).buffer(4).map(x -> x).buffer(4).count();
        run2.await(LONG);
        assertEquals(List.of("0:from(iterable)", "1:map", "2:count"), workerNames(run2), "buffer(n) is a boundary");
    }

    private static Duration ms(long n) {
        return Duration.ofMillis(n);
    }

    private static List<String> workerNames(PipelineRun<?> run) {
        return run.workers().stream().map(w -> w.name().substring(w.name().indexOf('/') + 1)).sorted().collect(Collectors.toList());
    }
}
