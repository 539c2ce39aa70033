/**
 * Pipelines: stages on {@linkplain dev.vela.worker.Worker workers} joined by bounded
 * {@linkplain dev.vela.channel.Channel channels}, built with {@link dev.vela.pipeline.Pipeline} and
 * run as a {@link dev.vela.pipeline.PipelineRun}. Backpressure everywhere; the first failure stops
 * every stage; {@link java.util.concurrent.Flow} interop in both directions. See docs/pipelines.md.
 */
package dev.vela.pipeline;
