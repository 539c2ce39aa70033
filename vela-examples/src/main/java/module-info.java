/** Runnable examples: each README snippet is one program here. */
module dev.vela.examples {
    requires dev.vela.core;
    requires dev.vela.actor;
    requires dev.vela.pipeline;
}
