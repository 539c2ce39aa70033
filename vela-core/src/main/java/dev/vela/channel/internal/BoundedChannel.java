package dev.vela.channel.internal;

import dev.vela.channel.Overflow;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * {@code Channel.bounded(n)}: a lock-free array ring of exactly {@code n} slots, driven by
 * {@link BufferChannel}.
 *
 * <h2>Idea</h2>
 * A multi-producer multi-consumer ring in the style of Dmitry Vyukov's bounded queue (also the
 * basis of crossbeam's {@code ArrayQueue}): a sender claims position {@code p} by CAS on
 * {@code tail}, a receiver claims it by CAS on {@code head}, and each slot carries a sequence word
 * saying which position it is ready for. Position {@code p} lives in slot {@code p mod n}.
 *
 * <h2>Slot states</h2>
 * For the slot of position {@code p}, {@code seq} (volatile) is:
 * <ul>
 *   <li>{@code 2p}: free, waiting for the send of position {@code p} (set by the receiver of
 *       {@code p - n}, or initially);</li>
 *   <li>{@code 2p + 1}: holds the element of {@code p} (set by its sender after writing it);</li>
 *   <li>then {@code 2(p + n)}: free for the next lap (set by the receiver of {@code p}).</li>
 * </ul>
 * Doubling the position keeps "written" and "free for the next lap" distinct even when
 * {@code n = 1}, where Vyukov's original encoding ({@code p}, {@code p+1}) is ambiguous.
 *
 * <h2>Invariants</h2>
 * {@code head ≤ tail ≤ head + n} (positions, ignoring the closed bit); positions in
 * {@code [head, tail)} are claimed by senders; a slot's element is non-null exactly while its
 * {@code seq} is odd.
 *
 * <h2>Differences from Vyukov's queue</h2>
 * Full and empty answers are linearizable: a sender that finds its slot not yet released by a
 * receiver that has already claimed it waits for that receiver instead of reporting "full"
 * (and symmetrically for receivers), as JCTools' strict {@code poll} does. Capacity need not be a
 * power of two. The tail carries the closed bit (see {@link Cursors}).
 *
 * <h2>Overflow policies (docs/adr/0021-overflow-policies-and-channel-builder.md)</h2>
 * Only the "full" branch of {@link #offer} looks at the policy, so a SUSPEND channel's fast path is
 * unchanged. {@link Overflow#DROP_NEWEST} answers {@link #DROPPED} where SUSPEND answers FULL (a
 * linearizable "full", so the drop is linearizable too). {@link Overflow#DROP_OLDEST} is
 * <em>add, then trim</em> (as Kotlin's conflated channels do): the sender claims its tail position
 * {@code t} although {@code t - head = n}, then, like a receiver, claims and discards head positions
 * until {@code t - head < n}, then waits for the slot of {@code t} to be released (by whoever took
 * position {@code t - n}: a receiver or a trimmer) and publishes. The send takes effect at its tail
 * claim: from then on every position {@code h} with {@code tail - h > n} is <em>displaced</em>, and a
 * receiver that reaches a displaced position discards it too (it reads tail before its head CAS;
 * the CAS validates that {@code h} was still the head at that read), so nobody can receive a value
 * that a send accepted earlier has displaced. (Lincheck found the first version, in which a receiver
 * could rescue a displaced value after a close had completed: OverflowLincheckTest.) Every discarded value is given to
 * {@code onUndelivered} after the publication, outside the window in which receivers wait for it.
 * Several trimming senders may discard for one another; each head position is claimed by exactly
 * one CAS, so every value is either received or discarded, exactly once.
 */
public final class BoundedChannel<T> extends BufferChannel<T> {
    private static final VarHandle SEQ = MethodHandles.arrayElementVarHandle(long[].class);

    private final int capacity;
    /** The overflow policy (final); only read on the full branch of {@link #offer}. */
    private final Overflow overflow;
    /** capacity - 1 when capacity is a power of two, else -1 (then positions are mapped with %). */
    private final int mask;
    /** Slot elements: written before seq becomes odd, read and cleared before seq moves to the next lap. */
    private final Object[] items;
    /** Slot sequence words, see class comment (volatile / acquire access through SEQ). */
    private final long[] seqs;
    private final Cursors cursors = new Cursors();

    public BoundedChannel(int capacity) {
        this(capacity, Options.DEFAULT);
    }

    public BoundedChannel(int capacity, Options options) {
        super(options);
        if (capacity < 1) throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
        this.capacity = capacity;
        this.overflow = options.overflow();
        this.mask = Integer.bitCount(capacity) == 1 ? capacity - 1 : -1;
        this.items = new Object[capacity];
        this.seqs = new long[capacity];
        for (int i = 0; i < capacity; i++) seqs[i] = 2L * i;
    }

    private int slot(long position) {
        return mask >= 0 ? (int) (position & mask) : (int) (position % capacity);
    }

    @Override
    int offer(Object e) {
        Cursors c = cursors;
        while (true) {
            long t = c.tail();
            if (t < 0) return SHUT;                                 // CLOSED_BIT is the sign bit
            int i = slot(t);
            long d = (long) SEQ.getAcquire(seqs, i) - 2 * t;
            if (d == 0) {
                if (c.casTail(t, t + 1)) {
                    if (e instanceof ReservedSlot<?> r) r.position = t;
                    items[i] = e;
                    SEQ.setVolatile(seqs, i, 2 * t + 1);            // publish; volatile: Dekker with waiters
                    return OK;
                }
            } else if (d < 0) {
                if (t - c.head() >= capacity) {                     // n positions claimed: full
                    if (overflow == Overflow.SUSPEND) return FULL;
                    if (overflow == Overflow.DROP_NEWEST) return DROPPED;
                    if (c.casTail(t, t + 1)) {                       // DROP_OLDEST: claim anyway, then trim
                        addThenTrim(t, e);
                        return OK;
                    }
                    continue;
                }
                Thread.onSpinWait();                                // a receiver claimed it, still reading
            }
            // d > 0: another sender took position t; reload
        }
    }

    /**
     * DROP_OLDEST, after claiming position {@code t} of a full ring: discards head values until
     * {@code t} is within the window, waits for the slot of {@code t}, publishes {@code e}, and then
     * hands the discarded values to {@code onUndelivered} (see class comment).
     */
    private void addThenTrim(long t, Object e) {
        Cursors c = cursors;
        Object first = null;
        java.util.List<Object> more = null;
        while (true) {
            long h = c.head();
            if (t - h < capacity) break;                            // our position fits: trimmed enough
            int j = slot(h);
            long d = (long) SEQ.getAcquire(seqs, j) - (2 * h + 1);
            if (d == 0) {
                if (c.casHead(h, h + 1)) {                           // claim position h like a receiver
                    Object old = items[j];
                    items[j] = null;
                    SEQ.setVolatile(seqs, j, 2 * (h + capacity));
                    if (first == null) first = old;
                    else (more == null ? more = new java.util.ArrayList<>(2) : more).add(old);
                }
            } else if (d < 0) {
                Thread.onSpinWait();                                // h's sender is still writing
            }
            // d > 0: a receiver or another trimmer took h; reload
        }
        int i = slot(t);
        while ((long) SEQ.getAcquire(seqs, i) != 2 * t) Thread.onSpinWait();   // t - n being released
        items[i] = e;
        SEQ.setVolatile(seqs, i, 2 * t + 1);                        // publish; volatile: Dekker with waiters
        if (first != null) {
            undelivered(first);
            if (more != null) for (Object o : more) undelivered(o);
        }
    }

    @Override
    Object poll() {
        Cursors c = cursors;
        while (true) {
            long h = c.head();
            int i = slot(h);
            long d = (long) SEQ.getAcquire(seqs, i) - (2 * h + 1);
            if (d == 0) {
                if (overflow == Overflow.DROP_OLDEST && (c.tail() & ~Cursors.CLOSED_BIT) - h > capacity) {
                    if (c.casHead(h, h + 1)) {                      // displaced by an accepted send: discard, go on
                        Object old = items[i];
                        items[i] = null;
                        SEQ.setVolatile(seqs, i, 2 * (h + capacity));
                        undelivered(old);
                    }
                    continue;
                }
                Object e = items[i];
                if (e instanceof ReservedSlot<?> r && r.content() == null) return EMPTY;  // pending permit: wait there
                if (c.casHead(h, h + 1)) {
                    items[i] = null;
                    SEQ.setVolatile(seqs, i, 2 * (h + capacity));  // release; volatile: Dekker with waiters
                    if (!(e instanceof ReservedSlot<?> r)) return e;
                    Object v = r.content();                          // resolved: stable from now on
                    if (v != ReservedSlot.SKIP) return v;
                    wake(senders);                                   // passed a closed permit: its room is free
                }
            } else if (d < 0) {
                long t = c.tail();
                if ((t & ~Cursors.CLOSED_BIT) == h) return t < 0 ? DRAINED : EMPTY;
                Thread.onSpinWait();                                // a sender claimed it, still writing
            }
            // d > 0: another receiver took position h; reload
        }
    }

    @Override
    void freeze() {
        cursors.closeTail();
    }

    @Override
    boolean hasRoom() {
        return overflow != Overflow.SUSPEND || (cursors.tail() & ~Cursors.CLOSED_BIT) - cursors.head() < capacity;
    }

    @Override
    boolean supportsPermits() {
        return overflow == Overflow.SUSPEND;
    }

    @Override
    long buffered0() {
        long n = (cursors.tail() & ~Cursors.CLOSED_BIT) - cursors.head();
        return Math.max(0, Math.min(n, capacity));
    }

    @Override
    boolean isEmpty0() {
        return cursors.head() == (cursors.tail() & ~Cursors.CLOSED_BIT) || headPending();
    }

    @Override
    boolean headPending() {
        long h = cursors.head();
        int i = slot(h);
        return (long) SEQ.getAcquire(seqs, i) == 2 * h + 1 && items[i] instanceof ReservedSlot<?> r && r.content() == null;
    }

    /** Frees the closed permit's place at once if it is first in line (as a receiver passing it would). */
    @Override
    boolean reclaim(ReservedSlot<T> slot) {
        long p = slot.position;
        int i = slot(p);
        if (cursors.head() != p || !cursors.casHead(p, p + 1)) return false;   // not first, or a receiver passes it
        items[i] = null;
        SEQ.setVolatile(seqs, i, 2 * (p + capacity));
        return true;
    }

    @Override
    public int capacity() {
        return capacity;
    }

    @Override
    String describe() {
        if (overflow == Overflow.SUSPEND) return "bounded(" + capacity + ")";
        if (overflow == Overflow.DROP_OLDEST && capacity == 1) return "conflated()";
        return "bounded(" + capacity + ", " + overflow + ")";
    }
}
