package dev.vela.diagnostics.internal;

/**
 * Starts the live console ({@code vela-console}) when the system property {@code vela.console} is set,
 * without a code change: the runtime looks for this service with {@link java.util.ServiceLoader} the
 * first time it starts a worker or creates a channel, and only when the property is set. Provided by
 * {@code vela-console} (this package is exported to it only); not for applications to implement.
 */
public interface ConsoleLauncher {
    /**
     * Starts a console as the {@code vela.console*} system properties say; it runs until the JVM exits.
     *
     * @throws RuntimeException if the properties are malformed or it cannot listen (the runtime prints it and goes on)
     */
    void launch();
}
