package dev.vela.pipeline;

import static dev.vela.pipeline.TestSupport.LONG;
import static dev.vela.pipeline.TestSupport.assertNoRunningWorker;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.worker.WorkContext;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every stage worker of a run has the context of the code that started the run (the sink call, or
 * {@code subscribe} for a publisher), whatever thread it runs on (docs/adr/0036).
 */
@Timeout(60)
class ContextPropagationTest {
    private static final ScopedValue<String> REQUEST = ScopedValue.newInstance();

    private static String request() {
        return REQUEST.isBound() ? REQUEST.get() : "unbound";
    }

    private static <T> T with(String value, Callable<T> body) throws Exception {
        return ScopedValue.where(REQUEST, value).call(body::call);
    }

    @Test
    void everyStageSeesTheBindingOfTheCodeThatStartedTheRun() throws Exception {
        Set<String> seen = ConcurrentHashMap.newKeySet();
        AtomicInteger generated = new AtomicInteger();
        try (var reg = WorkContext.propagate(REQUEST)) {
            Pipeline<Integer> source = Pipeline.generate(() -> {
                seen.add("source:" + request());
                int i = generated.getAndIncrement();
                return i < 40 ? i : null;
            });
            List<Pipeline<Integer>> fan = source
                    .map(x -> { seen.add("fused map:" + request()); return x; })
                    .buffer(4)
                    .map(x -> { seen.add("after buffer:" + request()); return x; })
                    .mapPar(3, x -> { seen.add("mapPar:" + request()); return x; })
                    .mapParUnordered(2, x -> { seen.add("mapParUnordered:" + request()); return x; })
                    .broadcast(2);
            Pipeline<Integer> zipped = Pipeline.zip(
                    fan.get(0).map(x -> { seen.add("branch 0:" + request()); return x; }),
                    fan.get(1).map(x -> { seen.add("branch 1:" + request()); return x; }),
                    (a, b) -> { seen.add("zip:" + request()); return a + b; });
            Pipeline<List<Integer>> batched = zipped.batch(8, Duration.ofMillis(50));
            PipelineRun<Void> run = with("started", () -> batched.forEach(b -> seen.add("sink:" + request())));
            run.await(LONG);
            assertNoRunningWorker(run);
        }
        assertEquals(Set.of("source:started", "fused map:started", "after buffer:started", "mapPar:started",
                "mapParUnordered:started", "branch 0:started", "branch 1:started", "zip:started", "sink:started"), seen);
    }

    @Test
    void theContextIsTheStartersNotTheBuildersAndUnboundStaysUnbound() throws Exception {
        try (var reg = WorkContext.propagate(REQUEST)) {
            Pipeline<String> described = with("built", () -> Pipeline.range(0, 3).buffer(2).map(x -> x + ":" + request()));
            assertEquals(List.of("0:started", "1:started", "2:started"),
                    with("started", described::toList).await(LONG));
            assertEquals(List.of("0:unbound", "1:unbound", "2:unbound"), described.toList().await(LONG));
        }
    }

    @Test
    void aPublishersRunHasTheContextOfTheCodeThatSubscribed() throws Exception {
        Set<String> seen = ConcurrentHashMap.newKeySet();
        CountDownLatch done = new CountDownLatch(1);
        try (var reg = WorkContext.propagate(REQUEST)) {
            Flow.Publisher<Integer> pub = Pipeline.range(0, 5).map(x -> { seen.add(request()); return x; }).toPublisher();
            with("subscriber", () -> {
                pub.subscribe(new Flow.Subscriber<Integer>() {
                    @Override
                    public void onSubscribe(Flow.Subscription s) {
                        s.request(Long.MAX_VALUE);
                    }

                    @Override
                    public void onNext(Integer item) {
                        seen.add("onNext " + request());
                    }

                    @Override
                    public void onError(Throwable t) {
                        seen.add("error " + t);
                        done.countDown();
                    }

                    @Override
                    public void onComplete() {
                        done.countDown();
                    }
                });
                return null;
            });
            assertTrue(done.await(20, TimeUnit.SECONDS));
        }
        assertEquals(Set.of("subscriber", "onNext subscriber"), seen);
    }
}
