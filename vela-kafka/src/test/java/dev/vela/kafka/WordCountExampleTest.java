package dev.vela.kafka;

import static dev.vela.kafka.KafkaTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.vela.kafka.examples.WordCount;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The two-process word count of docs/kafka.md, run as two child JVMs against the test broker. */
@Timeout(120)
class WordCountExampleTest {
    private final TestBroker broker = TestBroker.shared();

    private static boolean owns(ChildJvm c) {
        String l = c.lastLine("assignment=");
        return l != null && !l.startsWith("assignment=0 ");
    }

    private static long processed(ChildJvm c) {
        String l = c.lastLine("assignment=");
        return l == null ? 0 : Long.parseLong(l.substring(l.indexOf("processed=") + 10));
    }

    @Test
    void twoProcessesShareTheLinesAndTheTotalsAreExact() throws Exception {
        String lines = unique("lines");
        String counts = unique("counts");
        String group = unique("wc");
        broker.createTopics(4, lines, counts, lines + ".dlt");
        String[] vocabulary = {"vela", "kafka", "worker", "channel", "pipeline", "Select", "actor", "offset"};
        var random = new Random(8);
        List<String> text = new ArrayList<>();
        Map<String, Long> expected = new TreeMap<>();
        for (int i = 0; i < 400; i++) {
            var line = new StringBuilder();
            for (int w = 0; w < 1 + random.nextInt(9); w++) {
                String word = vocabulary[random.nextInt(vocabulary.length)];
                line.append(word).append(w % 3 == 2 ? ", " : " ");
                expected.merge(word.toLowerCase(Locale.ROOT), 1L, Long::sum);
            }
            text.add(line.toString());
        }
        try (ChildJvm one = ChildJvm.start(WordCountChild.class, "count", broker.bootstrap(), group, lines, counts);
             ChildJvm two = ChildJvm.start(WordCountChild.class, "count", broker.bootstrap(), group, lines, counts)) {
            await("both processes to own partitions:\n" + one.output() + "\n--\n" + two.output(), Duration.ofSeconds(60),
                    () -> owns(one) && owns(two));
            produce(broker.bootstrap(), lines, text);
            await("the exact totals", Duration.ofSeconds(60),
                    () -> WordCount.totals(readAll(broker.bootstrap(), counts, Integer.MAX_VALUE, Duration.ofMillis(800))).equals(expected));
            assertTrue(processed(one) > 0 && processed(two) > 0,
                    "both processes did part of the work: " + processed(one) + " + " + processed(two));
            one.process.getOutputStream().close();   // end of input: the example closes its pool cleanly
            two.process.getOutputStream().close();
            assertTrue(one.process.waitFor(30, TimeUnit.SECONDS) && two.process.waitFor(30, TimeUnit.SECONDS), "did not stop");
            await("both to report a clean close:\n" + one.output() + "\n--\n" + two.output(), Duration.ofSeconds(10),
                    () -> one.printed("closed processed=") && two.printed("closed processed="));
            assertTrue(one.lastLine("closed").endsWith("failure=null") && two.lastLine("closed").endsWith("failure=null"));
        }
    }
}
