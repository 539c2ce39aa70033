/**
 * <b>Internal: not part of Vela's API.</b> This package is not exported by the {@code dev.vela.core}
 * module; its classes are public only so that the API package {@code dev.vela.channel} and the
 * diagnostics can reach them, and they may change in any release. Code against
 * {@code dev.vela.channel} instead.
 *
 * <p>The channel machinery: one final class per flavour ({@link dev.vela.channel.internal.BoundedChannel},
 * {@link dev.vela.channel.internal.UnboundedChannel}, {@link dev.vela.channel.internal.RendezvousChannel},
 * {@link dev.vela.channel.internal.PriorityBufferChannel}, {@link dev.vela.channel.internal.BroadcastChannel},
 * and the watch channel {@link dev.vela.channel.internal.WatchChannel} with its subscribers)
 * beside what they share: {@link dev.vela.channel.internal.ChannelCore} (closing, handles, messages),
 * {@link dev.vela.channel.internal.BufferChannel} (the buffered drivers), the one parking primitive
 * {@link dev.vela.channel.internal.Waiter} and its queue, the select engine
 * ({@link dev.vela.channel.internal.SelectInstance}), async operations
 * ({@link dev.vela.channel.internal.AsyncOp}), permits, cursors, counters and the timer thread.
 * docs/architecture.md follows one send and one select through these files.
 */
package dev.vela.channel.internal;
