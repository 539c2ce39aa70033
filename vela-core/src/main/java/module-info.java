/**
 * Vela core: workers on virtual threads ({@link dev.vela.worker}) and typed channels
 * ({@link dev.vela.channel}). No dependencies beyond {@code java.base}.
 */
module dev.vela.core {
    exports dev.vela.worker;
    exports dev.vela.channel;
}
