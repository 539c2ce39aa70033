package dev.vela.diagnostics.internal;

import java.util.ServiceLoader;

/**
 * The runtime's side of {@code -Dvela.console}: the first worker start or channel creation calls
 * {@link #maybeLaunch()}, which, once and only if the property is set, starts the console through its
 * {@link ConsoleLauncher} service. Without the property it costs one static read per class
 * initialisation, nothing after.
 */
public final class ConsoleHook {
    private ConsoleHook() {}

    private static boolean done;

    /** Starts the console if {@code vela.console} asks for it and it is on the module or class path; once. */
    public static synchronized void maybeLaunch() {
        if (done) return;
        done = true;
        String spec = System.getProperty("vela.console");
        if (spec == null || spec.isBlank() || spec.equals("false")) return;
        var launchers = ServiceLoader.load(ConsoleLauncher.class, ConsoleHook.class.getClassLoader()).stream().toList();
        if (launchers.isEmpty()) {
            System.err.println("vela: -Dvela.console is set but the vela-console module is not on the module or class path");
            return;
        }
        try {
            launchers.getFirst().get().launch();
        } catch (RuntimeException e) {
            System.err.println("vela: the console did not start: " + e.getMessage());
        }
    }
}
