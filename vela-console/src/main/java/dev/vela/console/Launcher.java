package dev.vela.console;

import dev.vela.diagnostics.internal.ConsoleLauncher;

/**
 * The console's {@link ConsoleLauncher}: the runtime calls it when {@code -Dvela.console} is set
 * ({@link VelaConsole#startFromSystemProperty()}); it prints the page's address on standard error and
 * stops the console when the JVM exits. Public only because {@link java.util.ServiceLoader} needs it.
 */
public final class Launcher implements ConsoleLauncher {
    /** For {@link java.util.ServiceLoader}. */
    public Launcher() {}

    @Override
    public void launch() {
        VelaConsole.startFromSystemProperty().ifPresent(console -> {
            System.err.println("vela: console at " + console.url());
            Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(console::stop));
        });
    }
}
