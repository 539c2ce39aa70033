package dev.vela.pipeline;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import org.reactivestreams.tck.TestEnvironment;
import org.reactivestreams.tck.flow.FlowSubscriberBlackboxVerification;
import org.testng.annotations.AfterMethod;

/**
 * The Reactive Streams TCK against {@link ChannelSubscriber} (blackbox: the subscriber is driven by
 * its own pipeline, which is running while the TCK signals it).
 */
public class SubscriberTckTest extends FlowSubscriberBlackboxVerification<Integer> {
    private final List<PipelineRun<?>> runs = new CopyOnWriteArrayList<>();

    public SubscriberTckTest() {
        super(new TestEnvironment(500, 200));
    }

    @Override
    public Flow.Subscriber<Integer> createFlowSubscriber() {
        ChannelSubscriber<Integer> s = ChannelSubscriber.create(8);
        runs.add(s.pipeline().map(x -> x + 1).count());
        return s;
    }

    @Override
    public Integer createElement(int element) {
        return element;
    }

    @AfterMethod
    public void cancelRuns() {
        for (PipelineRun<?> r : runs) r.cancel();
        runs.clear();
    }
}
