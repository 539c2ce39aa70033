/**
 * Vela core: workers on virtual threads ({@link dev.vela.worker}), typed channels and select
 * ({@link dev.vela.channel}), and runtime diagnostics ({@link dev.vela.diagnostics}). No dependencies
 * beyond the JDK ({@code java.base}; {@code jdk.jfr} for flight-recorder events; {@code jdk.management} for
 * the virtual-thread scheduler's queue length, which the spin policy reads).
 *
 * <p>Only those three packages are exported. The machinery behind them lives in packages this module
 * does not export: {@code dev.vela.channel.internal} (the channel flavours, the waiter, the select
 * engine, async operations) and {@code dev.vela.diagnostics.internal} (JFR events and the registries
 * the deadlock watchdog reads). See docs/architecture.md.
 */
module dev.vela.core {
    requires jdk.jfr;          // flight-recorder events (slow paths only); part of every JDK image
    requires jdk.management;   // VirtualThreadSchedulerMXBean: may a waiting virtual thread spin (ADR 0033)

    exports dev.vela.worker;
    exports dev.vela.channel;
    exports dev.vela.diagnostics;
}
