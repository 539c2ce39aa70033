/**
 * Vela pipelines: stages on workers joined by bounded channels, with fan-in, fan-out and
 * {@link java.util.concurrent.Flow} interop ({@link dev.vela.pipeline}). Depends on {@code dev.vela.core} only.
 */
module dev.vela.pipeline {
    requires transitive dev.vela.core;
    exports dev.vela.pipeline;
}
