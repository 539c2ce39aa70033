package dev.vela.channel;

import dev.vela.channel.internal.PriorityBufferChannel;

/**
 * A channel that delivers the value with the highest priority first, and values of equal priority
 * in the order they were sent. Bounded ({@link Channel#priority(int)}: sends block while {@code n}
 * values are buffered) or unbounded ({@link Channel#priorityUnbounded()}). Send with a priority through
 * {@link #sender()}, a {@link PrioritySender}; every other operation (receive, select, async, close,
 * iteration) is an ordinary channel's.
 *
 * <pre>{@code
 * PriorityChannel<Job> jobs = Channel.priority(100);
 * jobs.sender().send(urgent, 10);
 * jobs.sender().send(routine);            // priority 0
 * Job next = jobs.receiver().receive();   // urgent
 * }</pre>
 *
 * <p>Send permits ({@link Sender#reserve()}) are not supported: a reserved place has no priority
 * order to keep ({@link UnsupportedOperationException}).
 *
 * <p>Implementation: {@code dev.vela.channel.internal.PriorityBufferChannel} (a heap behind one lock,
 * docs/adr/0022-priority-channels-use-a-lock.md).
 *
 * @param <T> the element type
 */
public sealed interface PriorityChannel<T> extends Channel<T> permits PriorityBufferChannel {

    /**
     * The original sender handle, which sends with a priority (make more with {@link PrioritySender#clone()}).
     *
     * @return the original sender handle
     */
    @Override
    PrioritySender<T> sender();
}
