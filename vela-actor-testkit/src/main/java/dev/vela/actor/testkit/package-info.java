/**
 * Testing actors: {@link dev.vela.actor.testkit.ActorTestKit} and {@link dev.vela.actor.testkit.TestProbe}.
 *
 * <pre>{@code
 * try (ActorTestKit kit = ActorTestKit.create()) {
 *     ActorRef<CounterMsg> counter = kit.spawn("counter", Counter::new);
 *     TestProbe<Long> probe = kit.createProbe(Long.class);
 *     counter.tell(new Add(5));
 *     counter.tell(new Get(probe.ref()));
 *     probe.expectMessage(5L);
 * }   // close(): stops the system, waits (bounded), fails if an actor failure was never asserted
 * }</pre>
 *
 * A probe is a real actor of the kit's system that forwards every message into a Vela channel; every
 * wait is a timed receive on such a channel, so the waits follow the runtime's clock (real, or a
 * test's virtual clock). Failed expectations throw {@link java.lang.AssertionError}, which every test
 * framework reports as a test failure; the kit itself depends on no test framework.
 * See {@code docs/actors.md}, "Testing actors".
 */
package dev.vela.actor.testkit;
