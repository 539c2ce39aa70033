package dev.vela.kafka;

import dev.vela.kafka.examples.WordCount;
import java.util.Arrays;

/** Runs {@link WordCount#main} in a child JVM that exits when the test JVM (args[0]) is gone. */
public final class WordCountChild {
    private WordCountChild() { }

    public static void main(String[] args) throws Exception {
        ChildJvm.watchParent(args[0]);
        WordCount.main(Arrays.copyOfRange(args, 1, args.length));
    }
}
