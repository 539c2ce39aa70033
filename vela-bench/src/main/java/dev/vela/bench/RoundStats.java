package dev.vela.bench;

import dev.vela.bench.BenchMain.Outcome;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleFunction;

/**
 * Statistics over the interleaved rounds of a bench run ({@link Rounds}, ADR 0030) and how they are
 * written in every output.
 * <ul>
 *   <li>A case's absolute figure is the median of its rounds' medians (each round's median is over
 *       that round's JMH measurement iterations); its spread is the min … max of those round medians.</li>
 *   <li>A ratio Vela ÷ peer ({@link Ratio}) is taken <em>within</em> each round, from two measurements
 *       seconds apart, and reported as the median of the per-round ratios with their min … max. It is
 *       not the ratio of the two absolute medians: those may come from different rounds, so from
 *       different speed modes of the machine.</li>
 *   <li>A ratio is <em>unstable</em> when its rounds disagree on a verdict: some rounds above 1.0 and
 *       some below, or some above the scenario's goal ({@link Report#goal}) and some below.</li>
 * </ul>
 * A round in which either side failed has no ratio; the ratio then says how many rounds it rests on.
 */
final class RoundStats {
    private RoundStats() {}

    /** What every output says about the unstable marker. */
    static final String UNSTABLE_NOTE = "(unstable): the rounds disagree on the verdict (some rounds above 1×, or above the goal, "
            + "and some below); read the min … max, not the median.";

    /** The median of the values that are not NaN (the mean of the middle two for an even count); NaN if there are none. */
    static double median(double[] values) {
        double[] v = finite(values);
        if (v.length == 0) return Double.NaN;
        Arrays.sort(v);
        int m = v.length / 2;
        return v.length % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2;
    }

    /** The smallest value that is not NaN; NaN if there is none. */
    static double min(double[] values) {
        return Arrays.stream(finite(values)).min().orElse(Double.NaN);
    }

    /** The largest value that is not NaN; NaN if there is none. */
    static double max(double[] values) {
        return Arrays.stream(finite(values)).max().orElse(Double.NaN);
    }

    private static double[] finite(double[] values) {
        return Arrays.stream(values).filter(d -> !Double.isNaN(d)).toArray();
    }

    /**
     * Vela ÷ one peer, round by round. {@code perRound[r]} is round r's ratio, NaN where either side
     * failed (or did not run) in that round; {@code goal} is the scenario's goal for this ratio, NaN
     * where there is none.
     */
    record Ratio(double[] perRound, double goal) {
        /** No ratio at all (no Vela figure, or Vela's own row). */
        static final Ratio NONE = new Ratio(new double[0], Double.NaN);

        Ratio {
            perRound = perRound.clone();
        }

        @Override
        public double[] perRound() { return perRound.clone(); }

        double median() { return RoundStats.median(perRound); }

        double min() { return RoundStats.min(perRound); }

        double max() { return RoundStats.max(perRound); }

        /** The rounds this ratio could be taken in (both sides measured). */
        int measured() { return (int) Arrays.stream(perRound).filter(d -> !Double.isNaN(d)).count(); }

        /** The rounds of the run (measured or not). */
        int rounds() { return perRound.length; }

        boolean present() { return measured() > 0; }

        /** How many measured rounds are at or above {@code threshold}. */
        int atLeast(double threshold) { return (int) Arrays.stream(perRound).filter(d -> d >= threshold).count(); }

        /** The rounds disagree on "Vela ahead" (above 1) or on "goal met": some above the line, some below. */
        boolean unstable() {
            return straddles(1.0) || !Double.isNaN(goal) && straddles(goal);
        }

        private boolean straddles(double line) {
            return Arrays.stream(perRound).anyMatch(d -> d > line) && Arrays.stream(perRound).anyMatch(d -> d < line);
        }

        /** "0.28×", with " (unstable)" when the rounds disagree; "—" when there is no ratio. */
        String text() {
            if (!present()) return "—";
            return String.format(Locale.ROOT, "%.2f×", median()) + (unstable() ? " (unstable)" : "");
        }

        /** "0.25 … 0.31" over the measured rounds, plus "(2 of 3 rounds)" when some are missing; "" when there is no ratio. */
        String range() {
            if (!present()) return "";
            String s = String.format(Locale.ROOT, "%.2f … %.2f", min(), max());
            return measured() < rounds() ? s + " (" + measured() + " of " + rounds() + " rounds)" : s;
        }

        /** {@link #text()} and, over more than one round, the range in brackets: "0.28× [0.25 … 0.31]". */
        String textWithRange() {
            if (measured() < 2 && measured() == rounds()) return text();
            return text() + " [" + range() + "]";
        }

        /** The ratio's spread as a JSON object ({@code null} when there is no ratio). */
        String json() {
            if (!present()) return "null";
            return "{\"min\": " + Report.num(min()) + ", \"max\": " + Report.num(max()) + ", \"perRound\": " + numbers(perRound)
                    + ", \"measured\": " + measured() + ", \"rounds\": " + rounds() + ", \"unstable\": " + unstable()
                    + ", \"goal\": " + Report.num(goal) + "}";
        }
    }

    /** Vela ÷ {@code peer} per round, with the scenario's goal for it ({@link Report#goal}). */
    static Ratio ratio(Outcome vela, Outcome peer) {
        return ratio(vela, peer, Report.goal(peer.c()));
    }

    /**
     * Vela ÷ {@code peer} per round: round r's ratio is Vela's round-r median ÷ the peer's round-r median,
     * NaN where either failed or the peer's figure is not positive. {@link Ratio#NONE} when {@code vela} is null.
     */
    static Ratio ratio(Outcome vela, Outcome peer, double goal) {
        if (vela == null || peer == null) return Ratio.NONE;
        int n = Math.max(vela.rounds(), peer.rounds());
        double[] r = new double[n];
        for (int i = 0; i < n; i++) {
            double v = vela.roundMedian(i), p = peer.roundMedian(i);
            r[i] = Double.isNaN(v) || Double.isNaN(p) || p <= 0 ? Double.NaN : v / p;
        }
        return new Ratio(r, goal);
    }

    // ---- an absolute figure's rounds ----------------------------------------------------------------

    /** "3/3" (rounds measured / rounds run), for the tables' rounds column. */
    static String rounds(Outcome o) {
        return o.measured() + "/" + o.rounds();
    }

    /** The min … max of a case's round medians, in {@code format}; "" when no round worked. */
    static String range(Outcome o, DoubleFunction<String> format) {
        return o.ok() ? format.apply(o.min()) + " … " + format.apply(o.max()) : "";
    }

    /** A case's round medians as a JSON array, {@code null} for a failed round. */
    static String perRoundJson(Outcome o) {
        double[] v = new double[o.rounds()];
        for (int r = 0; r < v.length; r++) v[r] = o.roundMedian(r);
        return numbers(v);
    }

    /**
     * The notes under a scenario's table: the unstable marker's meaning if a row carries it, then one
     * line per case that failed in some rounds but not all ("LinkedBlockingQueue: round 2: …").
     */
    static List<String> notes(Report.Scenario s) {
        List<String> notes = new ArrayList<>();
        if (s.rows().stream().anyMatch(o -> s.ratio(o).unstable())) notes.add(UNSTABLE_NOTE);
        for (Outcome o : s.rows())
            if (o.ok() && o.measured() < o.rounds())
                notes.add(Report.implName(o.c()) + ": measured in " + o.measured() + " of " + o.rounds() + " rounds ("
                        + String.join("; ", o.failures()) + "); its figures and ratios come from the other rounds.");
        return notes;
    }

    private static String numbers(double[] v) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) sb.append(i == 0 ? "" : ", ").append(Report.num(v[i]));
        return sb.append(']').toString();
    }
}
