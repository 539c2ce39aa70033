package dev.vela.channel;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;

/** What the contract suites share: a 30 s timeout per test, tracked background threads, a range helper. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
abstract class ChannelTestBase {

    /** Background threads of the current test; interrupted and joined after it. */
    final TestThreads threads = new TestThreads();

    @AfterEach
    void stopThreads() throws InterruptedException {
        threads.close();
    }

    static List<Integer> range(int from, int to) {
        return IntStream.range(from, to).boxed().toList();
    }
}
