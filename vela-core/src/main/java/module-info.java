/**
 * Vela core: workers on virtual threads ({@link dev.vela.worker}) and typed channels
 * ({@link dev.vela.channel}). No dependencies beyond the JDK ({@code java.base}, and {@code jdk.jfr} for flight-recorder events).
 */
module dev.vela.core {
    requires jdk.jfr;          // flight-recorder events (slow paths only); part of every JDK image

    exports dev.vela.worker;
    exports dev.vela.channel;
}
