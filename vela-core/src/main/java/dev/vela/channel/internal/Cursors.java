package dev.vela.channel.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The two positions of a buffered channel, each on its own cache line so that a sender and a
 * receiver on different cores do not invalidate each other's line (false sharing). Padding by
 * inheritance, because the JVM keeps superclass fields before subclass fields.
 *
 * <ul>
 *   <li>{@code head}: the next position to receive from; only grows, by CAS (volatile).</li>
 *   <li>{@code tail}: the next position to send to, with {@link #CLOSED_BIT} (the sign bit) set once
 *       the channel is closed; grows by CAS only while the bit is clear, so no send can slip in after
 *       a close. Invariant: {@code head ≤ (tail & ~CLOSED_BIT)} (the unbounded flavour allows head one past a tail that sits on a block marker, see UnboundedChannel).</li>
 *   <li>{@code headRef}/{@code tailRef}: the block holding head/tail (unbounded flavour only).</li>
 * </ul>
 */
final class Cursors extends CursorsTail {
    static final long CLOSED_BIT = Long.MIN_VALUE;

    private static final VarHandle HEAD;
    private static final VarHandle TAIL;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            HEAD = l.findVarHandle(CursorsHead.class, "head", long.class);
            TAIL = l.findVarHandle(CursorsTail.class, "tail", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused")
    private long p30, p31, p32, p33, p34, p35, p36, p37;

    long head() {
        return head;
    }

    boolean casHead(long expected, long next) {
        return HEAD.compareAndSet(this, expected, next);
    }

    long tail() {
        return tail;
    }

    boolean casTail(long expected, long next) {
        return TAIL.compareAndSet(this, expected, next);
    }

    /** Adds to tail without touching CLOSED_BIT (the sign bit cannot be reached by carries here). */
    void addTail(long delta) {
        TAIL.getAndAdd(this, delta);
    }

    /** Sets CLOSED_BIT; from now on every casTail from a value read before fails. */
    void closeTail() {
        TAIL.getAndBitwiseOr(this, CLOSED_BIT);
    }
}

@SuppressWarnings("unused")
abstract class CursorsPad0 {
    private long p00, p01, p02, p03, p04, p05, p06, p07;
}

abstract class CursorsHead extends CursorsPad0 {
    /** Next position to receive (volatile; CAS). */
    volatile long head;
    /** Unbounded flavour: the block containing head (volatile). */
    volatile Object headRef;
}

@SuppressWarnings("unused")
abstract class CursorsPad1 extends CursorsHead {
    private long p10, p11, p12, p13, p14, p15, p16, p17;
}

abstract class CursorsTail extends CursorsPad1 {
    /** Next position to send | CLOSED_BIT (volatile; CAS / atomic add / atomic or). */
    volatile long tail;
    /** Unbounded flavour: the block containing tail (volatile). */
    volatile Object tailRef;
}
