/**
 * Vela core: workers on virtual threads ({@link dev.vela.worker}), typed channels and select
 * ({@link dev.vela.channel}), and runtime diagnostics ({@link dev.vela.diagnostics}). No dependencies
 * beyond the JDK ({@code java.base}; {@code jdk.jfr} for flight-recorder events; optionally
 * {@code jdk.management} for the virtual-thread scheduler's queue length, which the spin policy reads
 * when it is there).
 *
 * <p>Only those three packages are exported. The machinery behind them lives in packages this module
 * does not export: {@code dev.vela.channel.internal} (the channel flavours, the waiter, the select
 * engine, async operations), {@code dev.vela.diagnostics.internal} (JFR events and the registries
 * the deadlock watchdog reads) and {@code dev.vela.time.internal} (the runtime's clock, real or a
 * test's virtual one); the last two only to the Vela modules that need them. See docs/architecture.md.
 */
module dev.vela.core {
    requires jdk.jfr;          // flight-recorder events (slow paths only); part of every JDK image
    // VirtualThreadSchedulerMXBean: may a waiting virtual thread spin (ADR 0033). Optional at run time: where
    // jdk.management is not in the image or not resolved, CarrierLoad says "unknown" and nothing spins.
    requires static jdk.management;

    exports dev.vela.worker;
    exports dev.vela.channel;
    exports dev.vela.diagnostics;

    // -Dvela.console starts the live console (vela-console) without a code change (ConsoleHook).
    uses dev.vela.diagnostics.internal.ConsoleLauncher;

    // The runtime's clock, for the modules that wait on time and for dev.vela.test's virtual clock;
    // the watchdog's registries, for the virtual clock's "everything waits" report (ADR 0037).
    exports dev.vela.time.internal to dev.vela.actor, dev.vela.pipeline, dev.vela.test;
    exports dev.vela.diagnostics.internal to dev.vela.test, dev.vela.console;
}
