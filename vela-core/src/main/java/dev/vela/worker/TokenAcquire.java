package dev.vela.worker;

import dev.vela.time.internal.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * The future of an asynchronous acquire on a token channel ({@link Semaphore#acquireAsync()},
 * {@link RateLimiter#acquireAsync()}): it follows the channel's receive future ({@code source}) and
 * withdraws it when cancelled or completed exceptionally from outside.
 *
 * <p>States: pending; completed normally once {@code source} delivered a token (then {@code taken}
 * has run: the owner counted the permit); cancelled or exceptional only after {@code source} was
 * withdrawn (nothing taken). The token channels are never closed, so {@code source} completes
 * exceptionally only through this future's own withdrawals. Completing it from outside
 * ({@code complete}) is refused: it would lose a token in flight.
 */
final class TokenAcquire extends CompletableFuture<Void> {
    /** Final; the channel's pending receive, an operation that withdraws itself on cancel. */
    private final CompletableFuture<Object> source;
    /** Final; names the owner in messages, e.g. "semaphore 'db'". */
    private final String owner;

    private TokenAcquire(CompletableFuture<Object> source, String owner) {
        this.source = source;
        this.owner = owner;
    }

    /**
     * Follows {@code source}: when it delivers a token, runs {@code taken} (in the delivering thread)
     * and completes the returned future there, or on a fresh virtual thread if {@code handOff} says
     * so at that moment (a refill must not run the caller's stages).
     */
    static CompletableFuture<Void> follow(CompletableFuture<Object> source, String owner, Runnable taken, BooleanSupplier handOff) {
        TokenAcquire f = new TokenAcquire(source, owner);
        source.whenComplete((token, failure) -> {
            if (failure != null) return;                      // only our own withdrawal, which completes f itself
            taken.run();
            if (handOff.getAsBoolean()) {
                Clock.start(Thread.ofVirtual().name("vela-acquire-async").unstarted(f::granted));
            } else {
                f.granted();
            }
        });
        return f;
    }

    private void granted() {
        super.complete(null);
    }

    /** Withdraws the acquire; false if a token was handed over first (the future completes normally). */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        return source.cancel(false) && super.cancel(false);
    }

    /** Withdraws the acquire (used by {@code orTimeout}); false if a token was handed over first. */
    @Override
    public boolean completeExceptionally(Throwable ex) {
        if (ex == null) throw new NullPointerException("ex must not be null");
        return source.completeExceptionally(ex) && super.completeExceptionally(ex);
    }

    /** Not supported: completing from outside could lose a token in flight. */
    @Override
    public boolean complete(Void value) {
        throw new UnsupportedOperationException("the future of an acquire of " + owner
                + " completes by itself; use cancel() to withdraw it");
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new CompletableFuture<>();
    }
}
