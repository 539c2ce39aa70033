/**
 * Vela's live console: a running program's workers, channels, actors and deadlocks in a browser, from
 * the JDK's own HTTP server ({@link dev.vela.console}). Needs {@code dev.vela.core} and
 * {@code jdk.httpserver} only; other Vela modules contribute sections through
 * {@link dev.vela.diagnostics.ConsoleSection} when present.
 */
module dev.vela.console {
    requires transitive dev.vela.core;
    requires jdk.httpserver;
    requires jdk.jfr;
    exports dev.vela.console;
    uses dev.vela.diagnostics.ConsoleSection;
    provides dev.vela.diagnostics.internal.ConsoleLauncher with dev.vela.console.Launcher;
}
