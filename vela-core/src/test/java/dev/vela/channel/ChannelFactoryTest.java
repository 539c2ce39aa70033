package dev.vela.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.channel.internal.UnboundedChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Factory argument checks (DESIGN.md §4 "capacity") and the package-private constructors' limits. */
@Timeout(10)
class ChannelFactoryTest {

    @ParameterizedTest
    @ValueSource(ints = {0, -1, -1024, Integer.MIN_VALUE})
    void boundedRejectsCapacityBelowOne(int capacity) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Channel.bounded(capacity));
        assertTrue(e.getMessage().contains(String.valueOf(capacity)), e.getMessage());
        if (capacity == 0) assertTrue(e.getMessage().contains("rendezvous"), "capacity 0 points to rendezvous(): " + e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 16, 1000, 1024, 1 << 20})
    void boundedReportsItsCapacity(int capacity) {
        assertEquals(capacity, Channel.bounded(capacity).capacity());
    }

    @Test
    void unboundedBlockSizeBelowTwoIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new UnboundedChannel<Integer>(1));
        assertThrows(IllegalArgumentException.class, () -> new UnboundedChannel<Integer>(0));
        assertEquals(Integer.MAX_VALUE, new UnboundedChannel<Integer>(2).capacity());
        assertTrue(UnboundedChannel.DEFAULT_BLOCK_SIZE >= 2);
    }

    @Test
    void factoriesReturnDistinctOpenChannels() {
        Channel<String> a = Channel.unbounded(), b = Channel.unbounded();
        assertTrue(a != b && !a.isClosed() && !b.isClosed());
        assertEquals(0, Channel.rendezvous().capacity());
        assertEquals(Integer.MAX_VALUE, Channel.unbounded().capacity());
    }
}
