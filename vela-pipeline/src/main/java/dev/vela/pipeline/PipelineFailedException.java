package dev.vela.pipeline;

/**
 * Thrown by {@link PipelineRun#await()} when a stage failed. The cause is the first exception thrown
 * anywhere in the pipeline, type and message intact; the message names the run and the stage.
 */
public class PipelineFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message names the run and the failing stage
     * @param cause   the first failure
     */
    public PipelineFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
