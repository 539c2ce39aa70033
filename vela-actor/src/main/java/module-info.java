/**
 * Vela actors: typed actors on virtual threads, mailboxes that are Vela channels, and Erlang-style
 * supervision trees ({@link dev.vela.actor}). Depends on {@code dev.vela.core} only.
 */
module dev.vela.actor {
    requires transitive dev.vela.core;
    exports dev.vela.actor;
}
