package dev.vela.worker;

import dev.vela.channel.Channel;

/**
 * The token channel that {@link Semaphore} and {@link RateLimiter} are made of (ADR 0041, ADR 0044): a
 * bounded channel of identical tokens, created full, used only through the public channel API, so that
 * every acquire is a receive (blocking, timed, try, async, select clause) and every put back a
 * {@code trySend} that a full buffer refuses.
 */
final class Tokens {
    /** The token every permit is; tokens are interchangeable, so one object serves. */
    static final Object TOKEN = new Object() {
        @Override
        public String toString() {
            return "permit";
        }
    };

    private Tokens() {}

    /**
     * A bounded channel of {@code capacity} holding {@code capacity} tokens.
     *
     * @param owner names the owner in the message of an impossible failure, e.g. "semaphore 'db'"
     */
    static Channel<Object> full(String owner, int capacity) {
        Channel<Object> tokens = Channel.bounded(capacity);
        for (int i = 0; i < capacity; i++) {
            if (!tokens.sender().trySend(TOKEN)) {
                throw new AssertionError(owner + ": could not fill its channel of " + capacity);
            }
        }
        return tokens;
    }
}
