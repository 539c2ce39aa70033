/**
 * Typed channels and select: what users code against, and nothing else.
 *
 * <p>{@link dev.vela.channel.Channel} creates every flavour (bounded, unbounded, rendezvous,
 * dropping and conflated, priority, broadcast; {@link dev.vela.channel.ChannelBuilder} for the
 * options), split into a {@link dev.vela.channel.Sender} and a {@link dev.vela.channel.Receiver}.
 * {@link dev.vela.channel.Select} waits on several clauses at once; {@link dev.vela.channel.Timers}
 * gives timers as receivers; {@link dev.vela.channel.Permit} reserves room before a send. The
 * implementations live in a package this module does not export (docs/architecture.md,
 * docs/adr/0029-public-api-apart-from-the-machinery.md). See {@code docs/channels.md} and
 * {@code docs/select.md}.
 */
package dev.vela.channel;
