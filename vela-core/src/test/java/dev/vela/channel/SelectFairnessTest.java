package dev.vela.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Select#select} chooses uniformly among the clauses that are ready at the same time, wherever
 * they stand among clauses that are not ready or guarded off (Go's {@code TestSelectFairness}).
 *
 * <p>Each layout is a string, one letter per clause: {@code E} a receive on an empty rendezvous channel
 * (never ready), {@code R} a receive on a channel holding a value, {@code S} a send to a channel with
 * room, {@code G} a ready receive guarded off with {@code when(false)}. Every ready clause must be chosen
 * {@value #TRIALS}/k times within six standard deviations. A random start followed by a scan in order
 * (a rotation) gives a ready clause the share of every not-ready clause before it: on {@code EERR} it
 * chooses the first R 3 times in 4, 24 standard deviations away, so it cannot pass; a uniform choice
 * fails a bound of six deviations about once in 10<sup>8</sup> runs.
 */
class SelectFairnessTest extends ChannelTestBase {

    static final int TRIALS = 4_000;

    @ParameterizedTest
    @ValueSource(strings = {"EERR", "RREE", "RR", "REEEEEER", "ERGERES", "GRSGE", "SEEEEESEEEEES", "RSRSRSRSRSRSRSRSRS"})
    void readyClausesAreChosenUniformly(String layout) throws InterruptedException {
        int n = layout.length();
        List<Channel<Integer>> channels = new ArrayList<>();
        List<SelectClause<Integer>> clauses = new ArrayList<>();
        List<Integer> ready = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int index = i;
            char kind = layout.charAt(i);
            Channel<Integer> ch = kind == 'E' ? Channel.rendezvous() : Channel.bounded(1);
            if (kind == 'R' || kind == 'G') ch.sender().send(i);
            channels.add(ch);
            SelectClause<Integer> c = kind == 'S'
                    ? ch.sender().onSend(i, () -> index)
                    : ch.receiver().onReceive(v -> index);
            clauses.add(kind == 'G' ? c.when(false) : c);
            if (kind == 'R' || kind == 'S') ready.add(i);
        }
        int[] chosen = new int[n];
        for (int t = 0; t < TRIALS; t++) {
            int k = Select.select(clauses);
            chosen[k]++;
            Channel<Integer> ch = channels.get(k);                   // restore the layout for the next trial
            if (layout.charAt(k) == 'S') assertEquals(k, ch.receiver().tryReceive());
            else assertTrue(ch.sender().trySend(k));
        }
        double p = 1.0 / ready.size();
        double sigma = Math.sqrt(TRIALS * p * (1 - p));
        for (int i = 0; i < n; i++) {
            if (!ready.contains(i)) {
                assertEquals(0, chosen[i], "clause " + i + " of " + layout + " is not ready but was chosen");
                continue;
            }
            double off = Math.abs(chosen[i] - TRIALS * p) / sigma;
            assertTrue(off < 6, "clause " + i + " of " + layout + " chosen " + chosen[i] + " times of " + TRIALS
                    + ", expected " + Math.round(TRIALS * p) + " (" + String.format("%.1f", off) + " standard deviations off); all: "
                    + java.util.Arrays.toString(chosen));
        }
    }
}
