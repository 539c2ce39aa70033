package dev.vela.bench;

import dev.vela.bench.BenchMain.Case;
import dev.vela.bench.BenchMain.Outcome;
import dev.vela.bench.BenchMain.Run;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * The round scheduler of {@code ./vela bench} (issue 21, ADR 0030): runs the cases of one scenario
 * (every implementation of one benchmark with the same other parameters) in interleaved rounds, each
 * case once per round, so that Vela and its peers are measured seconds apart and a ratio can be taken
 * within each round. On a machine whose speed changes every few minutes (turbo, shared cloud cores)
 * a ratio of two measurements taken minutes apart can be off by 3×; two taken seconds apart are very
 * likely in the same speed mode.
 *
 * <p>The order changes from round to round ({@link #order}): a shuffle seeded by the caller, rotated
 * by one position per round, so that over any block of k consecutive rounds (k = the number of cases,
 * blocks starting at round 0) every case takes every position exactly once; each block uses a fresh
 * shuffle, so neighbours change too. A case that fails in one round (the runner returns a failed
 * {@link Run} or throws) is recorded as failed in that round only; the other rounds still count.
 *
 * <p>This class only schedules and collects; what a run is (a forked JMH run, a fake in the tests)
 * is the {@link Runner}'s business, and the statistics over the rounds are in {@link RoundStats}.
 */
final class Rounds {
    /** Runs one case in one round (0-based) and returns what it measured; called from one thread, one at a time. */
    @FunctionalInterface
    interface Runner {
        Run run(int round, Case c);
    }

    private final int rounds;
    private final long seed;

    /**
     * @param rounds how many rounds, at least 1
     * @param seed   seeds the shuffles of {@link #order}: the same seed gives the same orders
     */
    Rounds(int rounds, long seed) {
        if (rounds < 1) throw new IllegalArgumentException("at least one round, not " + rounds);
        this.rounds = rounds;
        this.seed = seed;
    }

    int rounds() { return rounds; }

    /**
     * The order in which {@code items} run in round {@code round} (0-based): a seeded shuffle of them,
     * fresh for every block of {@code items.size()} rounds, rotated left by {@code round} positions
     * within its block. A permutation of {@code items}; {@code items} itself is not changed.
     */
    <T> List<T> order(List<T> items, int round) {
        int k = items.size();
        if (k == 0) return List.of();
        List<T> base = new ArrayList<>(items);
        Collections.shuffle(base, new Random(seed * 31 + round / k));
        List<T> order = new ArrayList<>(k);
        for (int i = 0; i < k; i++) order.add(base.get((i + round) % k));
        return order;
    }

    /**
     * Runs every case once per round, round after round, each round in {@link #order}. After each round
     * {@code afterRound} gets every case's outcome so far (so that a report can be written while the
     * scenario runs). Returns one outcome per case, in the order of {@code cases}, whose
     * {@code runs().get(r)} is what round r measured; a runner that throws gives a failed run for that
     * case and round, and the next case runs.
     */
    List<Outcome> run(List<Case> cases, Runner runner, Consumer<List<Outcome>> afterRound) {
        List<List<Run>> runs = new ArrayList<>();
        List<Integer> indexes = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) {
            runs.add(new ArrayList<>());
            indexes.add(i);
        }
        for (int r = 0; r < rounds; r++) {
            for (int i : order(indexes, r)) {
                Run result;
                try {
                    result = runner.run(r, cases.get(i));
                    if (result == null) result = Run.failed("no result");
                } catch (RuntimeException e) {
                    result = Run.failed(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
                }
                runs.get(i).add(result);
            }
            afterRound.accept(outcomes(cases, runs));
        }
        return outcomes(cases, runs);
    }

    private static List<Outcome> outcomes(List<Case> cases, List<List<Run>> runs) {
        List<Outcome> out = new ArrayList<>();
        for (int i = 0; i < cases.size(); i++) out.add(new Outcome(cases.get(i), runs.get(i)));
        return out;
    }
}
