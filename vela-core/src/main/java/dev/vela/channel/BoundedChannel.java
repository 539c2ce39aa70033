package dev.vela.channel;

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
 */
final class BoundedChannel<T> extends BufferChannel<T> {
    private static final VarHandle SEQ = MethodHandles.arrayElementVarHandle(long[].class);

    private final int capacity;
    /** capacity - 1 when capacity is a power of two, else -1 (then positions are mapped with %). */
    private final int mask;
    /** Slot elements: written before seq becomes odd, read and cleared before seq moves to the next lap. */
    private final Object[] items;
    /** Slot sequence words, see class comment (volatile / acquire access through SEQ). */
    private final long[] seqs;
    private final Cursors cursors = new Cursors();

    BoundedChannel(int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
        this.capacity = capacity;
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
                if (t - c.head() >= capacity) return FULL;          // n positions claimed: full
                Thread.onSpinWait();                                // a receiver claimed it, still reading
            }
            // d > 0: another sender took position t; reload
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
        return (cursors.tail() & ~Cursors.CLOSED_BIT) - cursors.head() < capacity;
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
        return "bounded(" + capacity + ")";
    }
}
