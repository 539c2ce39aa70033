/**
 * <b>Internal: not part of Vela's API.</b> This package is not exported by the {@code dev.vela.core}
 * module; its classes are public only so that workers, channels and the watchdog can reach them.
 *
 * <p>The bottom layer of vela-core: Java Flight Recorder events of channels and workers, and the
 * registries the deadlock watchdog reads ({@link dev.vela.diagnostics.internal.WorkerRegistry},
 * {@link dev.vela.diagnostics.internal.ParkedOperations}). It imports no other Vela package: channel
 * waiters report through the {@link dev.vela.diagnostics.internal.ParkedOperations.Parked} interface.
 */
package dev.vela.diagnostics.internal;
