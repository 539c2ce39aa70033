package dev.vela.channel;

import java.io.IOException;

/**
 * The four ways a channel can be closed (DESIGN.md §4): {@link Channel#close()}, {@link Receiver#close()},
 * releasing the last sender handle, and {@link Sender#fail(Throwable)}. Close tests loop over all of them.
 */
enum CloseKind {
    CHANNEL_CLOSE, RECEIVER_CLOSE, LAST_SENDER_CLOSE, FAIL;

    /** Closes {@code ch}; {@code tx} must be its only open sender handle (for LAST_SENDER_CLOSE). */
    Throwable close(Channel<?> ch, Sender<?> tx) {
        switch (this) {
            case CHANNEL_CLOSE -> ch.close();
            case RECEIVER_CLOSE -> ch.receiver().close();
            case LAST_SENDER_CLOSE -> tx.close();
            case FAIL -> {
                IOException cause = new IOException("planted failure " + System.nanoTime());
                tx.fail(cause);
                return cause;
            }
        }
        return null;
    }
}
