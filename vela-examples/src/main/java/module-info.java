/** Runnable examples: each README snippet is one program here. */
module dev.vela.examples {
    requires dev.vela.core;
    requires dev.vela.actor;
    requires dev.vela.pipeline;
    requires dev.vela.test;            // the testing example: a virtual clock
    requires dev.vela.actor.testkit;   // ... and the actor test kit
    requires dev.vela.console;         // the live console example
}
