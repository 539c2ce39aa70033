/**
 * Vela's actor test kit ({@link dev.vela.actor.testkit}): an {@code ActorTestKit} that owns an actor
 * system for one test, spawns actors under an observable test supervisor, and creates
 * {@code TestProbe}s whose references record what they are told. Depends on {@code dev.vela.actor}
 * only (and through it on {@code dev.vela.core}); add it to a build with test scope.
 */
module dev.vela.actor.testkit {
    requires transitive dev.vela.actor; // the API hands out ActorRef, ActorSystem, Terminated, SupervisorStrategy
    exports dev.vela.actor.testkit;
}
