package dev.vela.pipeline;

import java.util.concurrent.Flow;
import java.util.stream.LongStream;
import org.reactivestreams.tck.TestEnvironment;
import org.reactivestreams.tck.flow.FlowPublisherVerification;

/**
 * The Reactive Streams TCK (TestNG, run through the JUnit Platform's TestNG engine, ADR 0016) against
 * {@link Pipeline#toPublisher()}: a source, two stages (one of them a mapPar) and the publisher sink.
 */
public class PublisherTckTest extends FlowPublisherVerification<Long> {

    public PublisherTckTest() {
        super(new TestEnvironment(500, 200), 1_000);
    }

    @Override
    public Flow.Publisher<Long> createFlowPublisher(long elements) {
        Iterable<Long> source = () -> LongStream.range(0, elements).iterator();
        return Pipeline.from(source).map(x -> x + 1).mapPar(2, x -> x - 1).toPublisher();
    }

    @Override
    public Flow.Publisher<Long> createFailedFlowPublisher() {
        return Pipeline.<Long>generate(() -> {
            throw new IllegalStateException("failed publisher for the TCK");
        }).toPublisher();
    }

    @Override
    public long maxElementsFromPublisher() {
        return Long.MAX_VALUE - 1;
    }
}
