/**
 * Diagnostics that watch the runtime as a whole: {@link dev.vela.diagnostics.DeadlockWatchdog}
 * reports (and by default fails) a deadlock in which every worker is parked on a channel.
 * Channel metrics are read from {@link dev.vela.channel.Channel#metrics()}; JFR events are listed in
 * docs/channels.md and docs/workers.md.
 */
package dev.vela.diagnostics;
