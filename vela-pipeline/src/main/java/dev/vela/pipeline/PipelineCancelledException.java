package dev.vela.pipeline;

import java.util.concurrent.CancellationException;

/** Thrown by {@link PipelineRun#await()} when the run was cancelled ({@link PipelineRun#cancel()}). */
public class PipelineCancelledException extends CancellationException {
    private static final long serialVersionUID = 1L;

    /** @param message names the run */
    public PipelineCancelledException(String message) {
        super(message);
    }
}
