package dev.vela.channel.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * {@code Channel.unbounded()}: a lock-free linked list of fixed-size blocks, driven by
 * {@link BufferChannel}.
 *
 * <h2>Idea</h2>
 * The design of crossbeam-channel's "list" flavour: positions are claimed by CAS on
 * {@code tail} (senders) and {@code head} (receivers); each block holds {@code B} slots, and each
 * lap of {@code B + 1} positions maps to one block. The extra position of a lap (offset {@code B})
 * is never used for an element: it marks "the next block is being installed", and anyone who sees
 * it waits a moment. The sender that claims the last slot of a block installs the next block and
 * then moves {@code tail} past the marker; the receiver that claims the last slot moves
 * {@code head} to the next block the same way. Blocks behind {@code head} become garbage.
 *
 * <h2>Slot states</h2>
 * {@code null}: not yet written (or already received and cleared); non-null: the element, published
 * by a volatile write. A receiver that claimed a position whose slot is still null waits for its
 * sender, who is between its claim and its write.
 *
 * <h2>Invariants</h2>
 * {@code head ≤ tail + 1} (positions, without the closed bit): head may be one past tail only while
 * tail sits on a marker that its sender has not yet stepped over, and then nothing is buffered;
 * {@code headRef}/{@code tailRef} are the
 * blocks of {@code head}/{@code tail} whenever their offset is below {@code B}; a block's
 * {@code next} is set before any position of the next lap can be claimed.
 *
 * <h2>Memory</h2>
 * Per buffered element: one 4-byte reference (compressed oops) plus the block header and
 * {@code next} link amortised over {@code B} slots: about {@code 4 + 32/B} bytes.
 */
public final class UnboundedChannel<T> extends BufferChannel<T> {
    /** Slots per block; 63 + 1 marker = 64 positions per lap. */
    public static final int DEFAULT_BLOCK_SIZE = 63;

    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Object[].class);

    private final int blockSize;
    private final int lap;
    private final Cursors cursors = new Cursors();

    /** @param blockSize slots per block, ≥ 2 (tests use 2 to reach block edges often) */
    public UnboundedChannel(int blockSize) {
        this(blockSize, Options.DEFAULT);
    }

    public UnboundedChannel(int blockSize, Options options) {
        super(options);
        if (blockSize < 2) throw new IllegalArgumentException("blockSize must be >= 2, got " + blockSize);
        this.blockSize = blockSize;
        this.lap = blockSize + 1;
        Block first = new Block(blockSize);
        cursors.headRef = first;
        cursors.tailRef = first;
    }

    /** One block of slots. */
    static final class Block {
        /** Elements; null until written (volatile write), cleared after being received. */
        final Object[] slots;
        /** The next block; set once (volatile) by the sender of this block's last slot. */
        volatile Block next;

        Block(int size) {
            slots = new Object[size];
        }
    }

    private int offset(long position) {
        return (int) (position % lap);
    }

    @Override
    int offer(Object e) {
        Cursors c = cursors;
        Block spare = null;
        while (true) {
            long t = c.tail();
            if (t < 0) return SHUT;
            int off = offset(t);
            if (off == blockSize) {                                  // next block being installed
                Thread.onSpinWait();
                continue;
            }
            Block b = (Block) c.tailRef;                              // read after tail: b is t's block unless t moved
            boolean last = off + 1 == blockSize;
            if (last && spare == null) spare = new Block(blockSize);  // allocate outside the critical window
            if (c.casTail(t, t + 1)) {
                if (last) {
                    b.next = spare;
                    c.tailRef = spare;
                    c.addTail(1);                                    // step over the marker position
                }
                SLOT.setVolatile(b.slots, off, e);                    // publish; volatile: Dekker with waiters
                return OK;
            }
        }
    }

    @Override
    Object poll() {
        Cursors c = cursors;
        while (true) {
            long h = c.head();
            int off = offset(h);
            if (off == blockSize) {                                  // head moving to the next block
                Thread.onSpinWait();
                continue;
            }
            Block b = (Block) c.headRef;
            long t = c.tail();
            // ">=", not "==": head can be one past tail while the sender of a block's last slot has
            // not yet stepped tail over the marker (tail = marker, head = marker + 1): still empty.
            if (h >= (t & ~Cursors.CLOSED_BIT)) return t < 0 ? DRAINED : EMPTY;
            Object e = SLOT.getAcquire(b.slots, off);
            if (e == null) {                                          // claimed, not yet written (or b is stale)
                Thread.onSpinWait();
                continue;
            }
            if (e instanceof ReservedSlot<?> r && r.content() == null) {
                if (c.head() == h) return EMPTY;                      // pending permit first in line: wait there
                continue;
            }
            if (c.casHead(h, h + 1)) {
                if (off + 1 == blockSize) {                           // we own the marker: advance head
                    Block next;
                    while ((next = b.next) == null) Thread.onSpinWait();
                    c.headRef = next;
                    c.casHead(h + 1, h + 2);
                }
                b.slots[off] = null;                                  // the block may stay reachable as headRef
                if (!(e instanceof ReservedSlot<?> r)) return e;
                Object v = r.content();                               // resolved: stable from now on
                if (v != ReservedSlot.SKIP) return v;                 // else: pass over a closed permit
            }
        }
    }

    @Override
    void freeze() {
        cursors.closeTail();
    }

    @Override
    boolean hasRoom() {
        return true;
    }

    @Override
    boolean supportsPermits() {
        return true;
    }

    /** Elements between head and tail: positions minus the block markers between them. */
    @Override
    long buffered0() {
        long h = cursors.head(), t = cursors.tail() & ~Cursors.CLOSED_BIT;
        long n = index(t) - index(h);
        return Math.max(0, n);
    }

    /** How many element slots precede position {@code p} (markers excluded). */
    private long index(long p) {
        return (p / lap) * blockSize + Math.min(p % lap, blockSize);
    }

    @Override
    boolean isEmpty0() {
        return cursors.head() >= (cursors.tail() & ~Cursors.CLOSED_BIT) || headPending();
    }

    @Override
    boolean headPending() {
        long h = cursors.head();
        int off = offset(h);
        if (off == blockSize) return false;
        Object e = SLOT.getAcquire(((Block) cursors.headRef).slots, off);
        return e instanceof ReservedSlot<?> r && r.content() == null && cursors.head() == h;
    }

    /** Unbounded senders never wait for room: a closed permit's place is simply passed over. */
    @Override
    boolean reclaim(ReservedSlot<T> slot) {
        return false;
    }

    @Override
    public int capacity() {
        return Integer.MAX_VALUE;
    }

    @Override
    String describe() {
        return blockSize == DEFAULT_BLOCK_SIZE ? "unbounded()" : "unbounded(block=" + blockSize + ")";
    }
}
