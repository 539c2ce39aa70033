/**
 * Vela actors: typed actors on virtual threads, mailboxes that are Vela channels, and Erlang-style
 * supervision trees ({@link dev.vela.actor}). Depends on {@code dev.vela.core} only.
 */
module dev.vela.actor {
    requires transitive dev.vela.core;
    exports dev.vela.actor;
    // The live console's "actors" table (vela-console, when present); a service provider, not user API.
    provides dev.vela.diagnostics.ConsoleSection with dev.vela.actor.ActorConsoleSection;
}
