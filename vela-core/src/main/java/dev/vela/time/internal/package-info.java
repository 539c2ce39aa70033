/**
 * The runtime's clock (internal): real time, or a virtual clock a test installed. Exported only to
 * {@code dev.vela.test} (which installs virtual clocks) and to the Vela modules that wait on time.
 * The bottom layer of the core: it uses no other Vela package.
 */
package dev.vela.time.internal;
