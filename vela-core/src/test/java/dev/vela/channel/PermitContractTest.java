package dev.vela.channel;

import static dev.vela.channel.SelectContractTest.assertNoWaiters;
import static dev.vela.channel.TestThreads.PATIENCE;
import static dev.vela.channel.TestThreads.receiveN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.channel.TestThreads.Task;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Send permits ({@link Sender#reserve()}, {@link Sender#tryReserve()}, {@link Permit}) on every
 * buffered flavour: capacity accounting, order, closing unused permits, closing the channel with
 * permits outstanding, interruption and timeouts (nothing reserved), bad use. ADR 0014.
 */
class PermitContractTest extends ChannelTestBase {

    /** Every flavour with places to reserve ({@link Flavor#supportsPermits()}; the others: {@link #unsupportedWithoutPlacesInLine}). */
    @Target(ElementType.METHOD)
    @Retention(RetentionPolicy.RUNTIME)
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Flavor.class, mode = EnumSource.Mode.EXCLUDE, names = {"RENDEZVOUS", "PRIORITY_2", "PRIORITY_UNBOUNDED"})
    @interface Buffered {}

    /** The Buffered annotation's exclusions are exactly the flavours without permits. */
    @org.junit.jupiter.api.Test
    void bufferedAnnotationMatchesFlavorProperty() {
        for (Flavor f : Flavor.values()) {
            boolean excluded = java.util.Set.of("RENDEZVOUS", "PRIORITY_2", "PRIORITY_UNBOUNDED").contains(f.name());
            assertEquals(!excluded, f.supportsPermits(), f.name());
        }
    }

    /** Priority and dropping channels have no place in line to keep: every reserve variant says so, nothing is sent. */
    @org.junit.jupiter.api.Test
    void unsupportedWithoutPlacesInLine() throws Exception {
        List<Channel<Integer>> none = new ArrayList<>();
        for (Flavor f : Flavor.values()) if (!f.supportsPermits()) none.add(f.create());
        for (OverflowFlavor f : OverflowFlavor.values()) none.add(f.create());
        for (Channel<Integer> ch : none) {
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> ch.sender().tryReserve());
            assertTrue(e.getMessage().contains(ch.toString()), e.getMessage());
            assertThrows(UnsupportedOperationException.class, () -> ch.sender().reserve());
            assertThrows(UnsupportedOperationException.class, () -> ch.sender().reserve(Duration.ofMillis(10)));
            assertTrue(ch.receiver().isEmpty(), "nothing was reserved in " + ch);
        }
    }

    /** Reserves permits until full (finite flavours) or {@code unboundedCount} of them. */
    private static List<Permit<Integer>> reserveAll(Flavor f, Channel<Integer> ch, int unboundedCount) {
        List<Permit<Integer>> permits = new ArrayList<>();
        for (int i = 0; i < f.fillCount(unboundedCount); i++) permits.add(assertNotNull(ch.sender().tryReserve()));
        return permits;
    }

    private static <T> T assertNotNull(T v) {
        org.junit.jupiter.api.Assertions.assertNotNull(v);
        return v;
    }

    @Buffered
    void permitsTakeCapacityAndSendWithoutBlocking(Flavor f) throws Exception {
        Channel<Integer> ch = f.create();
        List<Permit<Integer>> permits = reserveAll(f, ch, 100);
        if (f.isFinite()) {
            assertNull(ch.sender().tryReserve(), "full of permits: no more room");
            assertFalse(ch.sender().trySend(-1), "full of permits: a send finds no room");
        }
        assertTrue(ch.receiver().isEmpty(), "permits are not values");
        assertNull(ch.receiver().tryReceive());
        for (int i = 0; i < permits.size(); i++) permits.get(i).send(i);
        assertEquals(range(0, permits.size()), receiveN(ch.receiver(), permits.size()));
        assertNoWaiters(ch);
    }

    @Buffered
    void valuesKeepTheOrderOfTheirPlaces(Flavor f) throws Exception {
        Channel<Integer> ch = f.capacity >= 3 ? f.create() : Channel.bounded(3);
        ch.sender().send(1);
        Permit<Integer> p = ch.sender().reserve();
        ch.sender().send(3);
        assertEquals(1, ch.receiver().tryReceive());
        assertNull(ch.receiver().tryReceive(), "the permit's place is first in line: 3 waits behind it");
        Task<Integer> receiver = threads.start("receiver", () -> ch.receiver().receive(PATIENCE));
        receiver.awaitParked();
        p.send(2);
        assertEquals(2, receiver.join());
        assertEquals(3, ch.receiver().receive(PATIENCE));
    }

    @Buffered
    void closedPermitIsSkippedAndItsRoomReturns(Flavor f) throws Exception {
        Channel<Integer> ch = f.create();
        List<Permit<Integer>> permits = reserveAll(f, ch, 3);
        permits.getFirst().close();
        permits.getFirst().close();                                  // idempotent
        if (f.isFinite()) assertTrue(ch.sender().trySend(99), "the first place was given back at once");
        for (int i = 1; i < permits.size(); i++) permits.get(i).send(i);
        List<Integer> expected = new ArrayList<>(range(1, permits.size()));
        if (f.isFinite()) expected.add(99);
        assertEquals(expected, receiveN(ch.receiver(), expected.size()));
        assertNull(ch.receiver().tryReceive());
        assertNoWaiters(ch);
    }

    @Buffered
    void closedPermitInTheMiddleIsPassedOver(Flavor f) throws Exception {
        Channel<Integer> ch = f.capacity >= 3 ? f.create() : Channel.bounded(3);
        ch.sender().send(1);
        Permit<Integer> p = ch.sender().reserve();
        ch.sender().send(2);
        p.close();
        assertEquals(List.of(1, 2), receiveN(ch.receiver(), 2));
        assertTrue(ch.sender().trySend(3), "the skipped place is free again once passed");
        assertEquals(3, ch.receiver().receive(PATIENCE));
    }

    @Buffered
    void reserveBlocksUntilRoomAndIsWithdrawnOnTimeoutOrInterrupt(Flavor f) throws Exception {
        if (!f.isFinite()) return;                                   // unbounded: always room (see next test)
        Channel<Integer> ch = f.create();
        for (int i = 0; i < f.capacity; i++) ch.sender().send(i);
        assertNull(ch.sender().reserve(Duration.ofMillis(20)), "timed out: nothing reserved");
        Task<Void> interrupted = threads.run("interrupted", () -> ch.sender().reserve());
        interrupted.awaitParked();
        interrupted.thread().interrupt();
        interrupted.failsWith(InterruptedException.class);
        Task<Permit<Integer>> waiting = threads.start("reserver", () -> ch.sender().reserve());
        waiting.awaitParked();
        assertEquals(0, ch.receiver().receive(PATIENCE));
        Permit<Integer> p = waiting.join();
        assertNull(ch.sender().tryReserve(), "exactly one place was freed and reserved");
        p.send(-1);
        List<Integer> expected = new ArrayList<>(range(1, f.capacity));
        expected.add(-1);
        assertEquals(expected, receiveN(ch.receiver(), f.capacity));
        assertNoWaiters(ch);
    }

    @Buffered
    void unboundedAndEmptyChannelsReserveAtOnce(Flavor f) throws Exception {
        Channel<Integer> ch = f.create();
        try (Permit<Integer> p = ch.sender().reserve(Duration.ZERO)) {
            assertNotNull(p);
            p.send(7);
        }
        assertEquals(7, ch.receiver().receive(PATIENCE));
    }

    @Buffered
    void permitOutlivesChannelCloseAndHoldsTheDrainBack(Flavor f) throws Exception {
        Channel<Integer> ch = f.create();
        Permit<Integer> p = ch.sender().reserve();
        ch.close();
        assertThrows(ChannelClosedException.class, () -> ch.sender().tryReserve());
        Task<Integer> r1 = threads.start("r1", () -> ch.receiver().receive(PATIENCE));
        Task<Integer> r2 = threads.start("r2", () -> ch.receiver().receive(PATIENCE));
        r1.awaitParked();
        r2.awaitParked();
        CompletableFuture<Integer> async = ch.receiver().receiveAsync();
        assertFalse(async.isDone(), "not drained while a permit is outstanding");
        p.send(5);                                                   // its place was taken while open
        List<Object> outcomes = new ArrayList<>();
        for (Task<Integer> r : List.of(r1, r2)) {
            try { outcomes.add(r.result().get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)); }
            catch (java.util.concurrent.ExecutionException e) { outcomes.add(e.getCause().getClass()); }
        }
        try { outcomes.add(async.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)); }
        catch (java.util.concurrent.ExecutionException e) { outcomes.add(e.getCause().getClass()); }
        assertEquals(1, outcomes.stream().filter(o -> o.equals(5)).count(), "exactly one receiver gets 5: " + outcomes);
        assertEquals(2, outcomes.stream().filter(o -> o == ChannelClosedException.class).count(), "the others see the end: " + outcomes);
    }

    @Buffered
    void closingTheLastPermitOfAClosedChannelEndsEveryReceiver(Flavor f) throws Exception {
        Channel<Integer> ch = f.create();
        Permit<Integer> p = ch.sender().tryReserve();
        ch.sender().close();
        Task<Integer> r1 = threads.start("r1", () -> ch.receiver().receive(PATIENCE));
        Task<Integer> r2 = threads.start("r2", () -> ch.receiver().receive(PATIENCE));
        r1.awaitParked();
        r2.awaitParked();
        p.close();
        r1.failsWith(ChannelClosedException.class);
        r2.failsWith(ChannelClosedException.class);
        assertNoWaiters(ch);
    }

    @Buffered
    void badUseIsRejectedClearly(Flavor f) throws Exception {
        Channel<Integer> ch = f.create();
        Permit<Integer> p = ch.sender().tryReserve();
        assertThrows(NullPointerException.class, () -> p.send(null));
        p.send(1);
        IllegalStateException twice = assertThrows(IllegalStateException.class, () -> p.send(2));
        assertTrue(twice.getMessage().contains("already used"), twice.getMessage());
        p.close();                                                   // after send: nothing to give back
        assertEquals(1, ch.receiver().receive(PATIENCE));
        Permit<Integer> q = ch.sender().tryReserve();
        q.close();
        assertTrue(assertThrows(IllegalStateException.class, () -> q.send(3)).getMessage().contains("already closed"));
        assertThrows(IllegalArgumentException.class, () -> ch.sender().reserve(Duration.ofMillis(-1)));
        Sender<Integer> clone = ch.sender().clone();
        clone.close();
        assertThrows(ChannelClosedException.class, clone::tryReserve);
        assertNull(ch.receiver().tryReceive());
    }

    @Test
    void rendezvousHasNothingToReserve() {
        Channel<Integer> ch = Channel.rendezvous();
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> ch.sender().tryReserve());
        assertTrue(e.getMessage().contains("rendezvous"), e.getMessage());
        assertThrows(UnsupportedOperationException.class, () -> ch.sender().reserve());
    }

    /** A select waiting to receive wakes when a pending permit first in line is sent. */
    @Buffered
    void selectReceiverWakesWhenThePermitIsSent(Flavor f) throws Exception {
        Channel<Integer> ch = f.create();
        Permit<Integer> p = ch.sender().reserve();
        Task<Integer> selector = threads.start("selector", () -> Select.select(ch.receiver().onReceive(x -> x),
                Select.onTimeout(PATIENCE, () -> -1)));
        selector.awaitParked();
        p.send(42);
        assertEquals(42, selector.join());
        assertNoWaiters(ch);
    }
}
