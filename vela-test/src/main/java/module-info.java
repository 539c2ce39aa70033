/**
 * Vela's test support ({@link dev.vela.test}): a virtual clock that every timed operation of the
 * runtime follows, with manual and automatic advance and a report when everything waits forever.
 * Depends on {@code dev.vela.core} only; add it with test scope.
 */
module dev.vela.test {
    requires transitive dev.vela.core;
    exports dev.vela.test;
}
