package dev.vela.bench;

import dev.vela.bench.BenchMain.Case;
import dev.vela.bench.BenchMain.Outcome;
import dev.vela.bench.BenchMain.Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The interleaved rounds of {@code ./vela bench} (issue 21): the scheduler's order and bookkeeping
 * ({@link Rounds}), the statistics over rounds ({@link RoundStats}) and what the report makes of a case
 * that failed in some rounds. Every run here is a fake: scores chosen so that a wrong pairing of rounds
 * gives a different number.
 */
class RoundsTest {
    private static Case rendezvous(String impl) {
        return new Case(RendezvousBench.class, "handoff", Map.of("impl", impl));
    }

    private static final List<Case> FIVE = List.of(rendezvous("vela"), rendezvous("jox"), rendezvous("sq"), rendezvous("ltq"),
            rendezvous("exchanger"));

    private static Run ok(double median) {
        return new Run(median, median, median, 2, null);
    }

    @Test
    void theOrderRotatesSoThatEveryCaseTakesEveryPosition() {
        Rounds rounds = new Rounds(10, 42);
        for (int block = 0; block < 2; block++) {
            List<Set<Integer>> positions = new ArrayList<>();
            for (int i = 0; i < FIVE.size(); i++) positions.add(new HashSet<>());
            for (int r = block * 5; r < block * 5 + 5; r++) {
                List<Case> order = rounds.order(FIVE, r);
                assertEquals(Set.copyOf(FIVE), Set.copyOf(order), "round " + r + " is not a permutation: " + order);
                assertEquals(FIVE.size(), order.size());
                for (int p = 0; p < order.size(); p++) positions.get(FIVE.indexOf(order.get(p))).add(p);
                if (r % 5 < 4) {  // the next round is this one rotated left by one
                    List<Case> next = rounds.order(FIVE, r + 1);
                    for (int p = 0; p < 5; p++) assertEquals(order.get((p + 1) % 5), next.get(p), "round " + (r + 1) + " at " + p);
                }
            }
            for (int i = 0; i < FIVE.size(); i++)
                assertEquals(Set.of(0, 1, 2, 3, 4), positions.get(i), FIVE.get(i).impl() + " in block " + block);
        }
        assertNotEquals(rounds.order(FIVE, 1), rounds.order(FIVE, 0), "the order must change between rounds");
        assertEquals(rounds.order(FIVE, 3), new Rounds(10, 42).order(FIVE, 3), "the same seed gives the same order");
        boolean seedMatters = false;
        for (long seed = 0; seed < 8; seed++) seedMatters |= !new Rounds(10, seed).order(FIVE, 0).equals(rounds.order(FIVE, 0));
        assertTrue(seedMatters, "the seed does not change the order");
        assertThrows(IllegalArgumentException.class, () -> new Rounds(0, 1));
    }

    @Test
    void everyImplementationRunsOnceInEveryRoundRoundAfterRound() {
        Rounds rounds = new Rounds(3, 7);
        List<String> calls = new ArrayList<>();
        List<Integer> sizesAfterRound = new ArrayList<>();
        List<Outcome> out = rounds.run(FIVE, (round, c) -> {
            calls.add(round + " " + c.impl());
            return ok(1 + round);
        }, soFar -> {
            assertEquals(FIVE, soFar.stream().map(Outcome::c).toList());
            sizesAfterRound.add(soFar.getFirst().rounds());
        });
        assertEquals(15, calls.size(), calls.toString());
        for (int r = 0; r < 3; r++) {
            List<String> expected = new ArrayList<>();
            for (Case c : rounds.order(FIVE, r)) expected.add(r + " " + c.impl());
            assertEquals(expected, calls.subList(r * 5, r * 5 + 5), "round " + r + " ran out of order or interleaved with another");
        }
        assertEquals(List.of(1, 2, 3), sizesAfterRound);
        assertEquals(FIVE, out.stream().map(Outcome::c).toList(), "outcomes in the cases' order, not the run order");
        for (Outcome o : out) {
            assertEquals(3, o.rounds());
            for (int r = 0; r < 3; r++) assertEquals(1 + r, o.roundMedian(r), o.c().impl() + " round " + r);
        }
    }

    /** Scores per implementation and round; the runner answers by the round it is told, whatever the order. */
    private static List<Outcome> fake(Map<String, double[]> scores, int rounds) {
        List<Case> cases = scores.keySet().stream().sorted().map(RoundsTest::rendezvous).toList();
        return new Rounds(rounds, 3).run(cases, (round, c) -> ok(scores.get(c.impl())[round]), soFar -> { });
    }

    private static Outcome find(List<Outcome> outcomes, String impl) {
        return outcomes.stream().filter(o -> o.c().impl().equals(impl)).findFirst().orElseThrow();
    }

    @Test
    void ratiosAreTakenWithinEachRound() {
        // a 10× speed change between rounds: every round says 2.0, and so must the ratio
        List<Outcome> same = fake(Map.of("vela", new double[] {2, 20, 200}, "sq", new double[] {1, 10, 100}), 3);
        RoundStats.Ratio r = RoundStats.ratio(find(same, "vela"), find(same, "sq"), Double.NaN);
        assertArrayEquals(new double[] {2, 2, 2}, r.perRound(), 1e-12);
        assertEquals(2.0, r.median(), 1e-12);
        assertEquals(2.0, r.min(), 1e-12, "a round's Vela paired with another round's peer");
        assertEquals(2.0, r.max(), 1e-12, "a round's Vela paired with another round's peer");
        assertFalse(r.unstable());

        // rounds 1 and 2 say 2.0, round 3 says 0.9: median 2.0, while the ratio of the medians is 9 ÷ 10 = 0.9
        List<Outcome> mixed = fake(Map.of("vela", new double[] {2, 20, 9}, "sq", new double[] {1, 10, 10}), 3);
        Outcome vela = find(mixed, "vela"), sq = find(mixed, "sq");
        RoundStats.Ratio m = RoundStats.ratio(vela, sq, Double.NaN);
        assertEquals(2.0, m.median(), 1e-12);
        assertEquals(0.9, m.min(), 1e-12);
        assertEquals(2.0, m.max(), 1e-12);
        assertEquals(0.9, vela.median() / sq.median(), 1e-12, "the fake no longer tells the two apart");
        assertTrue(m.unstable(), "one round below 1, two above");
        assertEquals("2.00× (unstable)", m.text());
        assertEquals("0.90 … 2.00", m.range());

        // the absolute figures: the median of the round medians, with their min … max
        assertEquals(9, vela.median(), 1e-12);
        assertEquals(2, vela.min(), 1e-12);
        assertEquals(20, vela.max(), 1e-12);
        assertEquals(6, vela.samples());

        // the report's scenario table uses the same per-round ratio
        Report.Scenario s = Report.scenarios(mixed).getFirst();
        assertEquals(2.0, s.ratio(sq).median(), 1e-12);
        assertFalse(s.ratio(vela).present(), "Vela's own row has no ratio");
    }

    @Test
    void medianMinMaxIgnoreMissingRounds() {
        assertEquals(2, RoundStats.median(new double[] {3, 1, 2}));
        assertEquals(2.5, RoundStats.median(new double[] {4, 1, 3, 2}));
        assertEquals(3, RoundStats.median(new double[] {Double.NaN, 5, 1}));
        assertTrue(Double.isNaN(RoundStats.median(new double[] {Double.NaN})));
        assertTrue(Double.isNaN(RoundStats.median(new double[0])));
        assertEquals(1, RoundStats.min(new double[] {Double.NaN, 5, 1}));
        assertEquals(5, RoundStats.max(new double[] {Double.NaN, 5, 1}));
    }

    @Test
    void unstableWhenTheRoundsDisagreeOnOneOrOnTheGoal() {
        assertTrue(ratio(Double.NaN, 0.9, 1.1).unstable());
        assertFalse(ratio(Double.NaN, 1.1, 1.3, 1.2).unstable());
        assertFalse(ratio(Double.NaN, 0.5, 0.9).unstable());
        assertFalse(ratio(Double.NaN, 0.9, Double.NaN, 0.8).unstable(), "a missing round is not a disagreement");
        assertFalse(ratio(Double.NaN, 0.9).unstable(), "one round cannot disagree with itself");
        assertTrue(ratio(2, 1.5, 2.5).unstable(), "both above 1, but one misses the goal of 2×");
        assertFalse(ratio(2, 2.1, 2.5).unstable());
        assertFalse(ratio(2, 1.2, 1.9).unstable(), "the goal is missed in every round: a stable verdict");
        RoundStats.Ratio partial = ratio(Double.NaN, 1.2, Double.NaN, 1.4);
        assertEquals(2, partial.measured());
        assertEquals("1.20 … 1.40 (2 of 3 rounds)", partial.range());
        assertEquals(2, Report.goal(rendezvous("sq")), "issue 13: rendezvous ≥ 2× every JVM peer");
        assertEquals(3, Report.goal(new Case(SelectBench.class, "twoClauses", Map.of("capacity", "16", "impl", "jox"))));
        assertTrue(Double.isNaN(Report.goal(new Case(ChainBench.class, "chain", Map.of("stages", "2", "impl", "jox")))));
    }

    private static RoundStats.Ratio ratio(double goal, double... perRound) {
        return new RoundStats.Ratio(perRound, goal);
    }

    @Test
    void aCaseThatFailsInOneRoundKeepsItsOtherRounds(@TempDir Path out) throws Exception {
        List<Case> cases = List.of(rendezvous("vela"), rendezvous("sq"), rendezvous("jox"));
        Map<String, double[]> scores = Map.of("vela", new double[] {3, 30, 6}, "sq", new double[] {1, 99, 2});
        List<Outcome> outcomes = new Rounds(3, 11).run(cases, (round, c) -> {
            if (c.impl().equals("jox")) return Run.failed("checksum mismatch");              // fails in every round
            if (c.impl().equals("sq") && round == 1) throw new IllegalStateException("iteration timed out");  // fails once
            return ok(scores.get(c.impl())[round]);
        }, soFar -> { });
        Outcome sq = find(outcomes, "sq"), jox = find(outcomes, "jox");
        assertTrue(sq.ok());
        assertFalse(sq.complete());
        assertEquals(2, sq.measured());
        assertEquals(List.of("round 2: iteration timed out"), sq.failures());
        assertFalse(jox.ok());
        assertEquals("checksum mismatch", jox.error());
        assertEquals(1, BenchMain.exitCode(outcomes));
        assertEquals(1, BenchMain.exitCode(List.of(sq)), "a run that failed in one round still fails the bench");
        assertEquals(0, BenchMain.exitCode(List.of(find(outcomes, "vela"))));

        Report report = new Report("test settings", 3, out);
        report.write(outcomes);

        Map<?, ?> json = (Map<?, ?>) MiniJson.parse(Files.readString(out.resolve("results.json")));
        assertEquals(3.0, json.get("rounds"));
        Map<?, ?> scenario = (Map<?, ?>) ((List<?>) json.get("scenarios")).getFirst();
        List<?> results = (List<?>) scenario.get("results");
        Map<?, ?> sqJson = (Map<?, ?>) results.get(1), joxJson = (Map<?, ?>) results.get(2);
        assertEquals("sq", sqJson.get("impl"));
        assertEquals(java.util.Arrays.asList(1.0, null, 2.0), sqJson.get("perRound"));
        assertEquals(2.0, sqJson.get("measured"));
        assertEquals(List.of("round 2: iteration timed out"), sqJson.get("failures"));
        assertEquals(3.0, (Double) sqJson.get("velaOverThis"), 1e-4, "median of 3 and 3 (round 2 has no ratio)");
        Map<?, ?> spread = (Map<?, ?>) sqJson.get("velaOverThisSpread");
        assertEquals(java.util.Arrays.asList(3.0, null, 3.0), spread.get("perRound"));
        assertEquals(2.0, spread.get("measured"));
        assertEquals(Boolean.FALSE, spread.get("unstable"));
        assertNull(sqJson.get("error"));
        assertEquals("checksum mismatch", joxJson.get("error"));
        assertNull(joxJson.get("median"));
        assertNull(joxJson.get("velaOverThis"));

        String md = Files.readString(out.resolve("results.md"));
        assertTrue(md.contains("- Rounds: 3"), md);
        assertTrue(md.contains("| SynchronousQueue | 1.5 | 1.0 … 2.0 | 2/3 | 3.00× | 3.00 … 3.00 (2 of 3 rounds) |"), md);
        assertTrue(md.contains("| Jox 1.0.1 | failed: checksum mismatch |  | 0/3 |"), md);
        assertTrue(md.contains("SynchronousQueue: measured in 2 of 3 rounds (round 2: iteration timed out)"), md);
        assertTrue(md.contains("Vela ÷ best peer (SynchronousQueue): 3.00× [3.00 … 3.00 (2 of 3 rounds)]; goal ≥ 2×: met in 2 of 2 rounds"), md);

        // the page: the ratio chart carries the rounds' min … max for the error bars
        String html = Files.readString(out.resolve("index.html"));
        Matcher data = Pattern.compile("const DATA = (\\{.*?\\n});", Pattern.DOTALL).matcher(html);
        assertTrue(data.find(), "no DATA in the page");
        Map<?, ?> ratios = (Map<?, ?>) ((Map<?, ?>) MiniJson.parse(data.group(1))).get("ratios");
        Map<?, ?> vsJdk = (Map<?, ?>) ((List<?>) ratios.get("series")).get(1);
        assertEquals("vs best JDK queue", vsJdk.get("name"));
        int at = ((List<?>) ratios.get("labels")).indexOf("rendezvous hand-off");
        assertEquals(3.0, (Double) ((List<?>) vsJdk.get("values")).get(at), 1e-4);
        assertEquals(3.0, (Double) ((List<?>) vsJdk.get("min")).get(at), 1e-4);
        assertEquals(2.0, ((List<?>) vsJdk.get("rounds")).get(at));
        assertTrue(html.contains("id: 'errorBars'"), "the error-bar plugin is missing");
        assertTrue(html.contains("SynchronousQueue: measured in 2 of 3 rounds"), "the failure note is missing from the page");
    }

    @Test
    void unstableRowsAreMarkedInTheReport(@TempDir Path out) throws Exception {
        List<Outcome> outcomes = fake(Map.of("vela", new double[] {2, 20, 9}, "sq", new double[] {1, 10, 10}), 3);
        Report report = new Report("test settings", 3, out);
        report.write(outcomes);
        String md = Files.readString(out.resolve("results.md"));
        assertTrue(md.contains("| SynchronousQueue | 10.0 | 1.0 … 10.0 | 3/3 | 2.00× (unstable) | 0.90 … 2.00 |"), md);
        assertTrue(md.contains("\n" + RoundStats.UNSTABLE_NOTE + "\n"), md);
        String console = report.console(outcomes);
        assertTrue(console.contains("2.00× (unstable)") && console.contains(RoundStats.UNSTABLE_NOTE), console);
        Map<?, ?> json = (Map<?, ?>) MiniJson.parse(Files.readString(out.resolve("results.json")));
        Map<?, ?> scenario = (Map<?, ?>) ((List<?>) json.get("scenarios")).getFirst();
        assertEquals(Boolean.TRUE, ((Map<?, ?>) scenario.get("velaOverBestPeerSpread")).get("unstable"));
    }

    @Test
    void casesAreGroupedByScenarioAndPlainOnesStandAlone() {
        List<Case> all = BenchMain.allCases();
        List<List<Case>> units = BenchMain.units(all);
        assertEquals(all.size(), units.stream().mapToInt(List::size).sum());
        Set<String> seen = new HashSet<>();
        for (List<Case> unit : units) {
            if (unit.getFirst().plain()) {
                assertEquals(1, unit.size(), unit.toString());
                continue;
            }
            String scenario = unit.getFirst().scenario();
            for (Case c : unit) assertEquals(scenario, c.scenario(), unit.toString());
            assertTrue(seen.add(scenario), "scenario split over two groups: " + scenario);
            assertTrue(unit.size() >= 2, "a scenario without a peer: " + unit);
        }
        assertEquals(List.of("vela", "jox", "sq", "ltq", "exchanger"), units.stream()
                .filter(u -> u.getFirst().benchmark().equals("RendezvousBench.handoff")).findFirst().orElseThrow()
                .stream().map(Case::impl).toList());
    }
    @Test
    void batchReceiveAndWatchAreComparedWithVelaAndNamed() {
        Map<String, double[]> scores = Map.of("vela", new double[] {4, 40}, "vela-each", new double[] {2, 20},
                "abq-drain", new double[] {8, 80}, "abq-each", new double[] {1, 10});
        List<Case> cases = List.of("vela", "vela-each", "abq-drain", "abq-each").stream()
                .map(i -> new Case(ReceiveManyBench.class, "spsc", Map.of("capacity", "1024", "impl", i))).toList();
        List<Outcome> out = new Rounds(2, 3).run(cases, (round, c) -> ok(scores.get(c.impl())[round]), soFar -> { });
        Report.Scenario s = Report.scenarios(out).getFirst();
        assertEquals("batch receive: SPSC capacity 1024, 100,000 msgs, batches of up to 64", s.title());
        assertEquals("Vela receiveMany(64)", Report.implName(s.vela().c()));
        assertEquals(2.0, s.ratio(find(out, "vela-each")).median(), 1e-9, "receiveMany ÷ receive() one at a time");
        assertEquals(0.5, s.ratio(find(out, "abq-drain")).median(), 1e-9);
        assertEquals(4.0, s.ratio(find(out, "abq-each")).median(), 1e-9);
        assertEquals("abq-drain", s.bestPeer().c().impl(), "a Vela variant is never the best peer");
        assertTrue(Report.summary(s).startsWith("Vela ÷ best peer (ArrayBlockingQueue.drainTo(63)): "), Report.summary(s));
        assertTrue(Double.isNaN(Report.goal(find(out, "abq-drain").c())), "no goal stated");

        Case watch = new Case(WatchBench.class, "pingPong", Map.of("readers", "4", "impl", "volatile-park"));
        assertEquals("watch: 1 writer, 4 readers in lock-step (each value seen by all before the next), 2,000 values", Report.title(watch));
        assertEquals("volatile + LockSupport.park/unpark", Report.implName(watch));
        assertEquals("rounds/s", Report.tableUnit(watch));
        assertEquals("Vela Watch", Report.implName(new Case(WatchBench.class, "pingPong", Map.of("readers", "4", "impl", "vela"))));
    }
}
