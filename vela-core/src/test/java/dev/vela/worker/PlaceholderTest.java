package dev.vela.worker;
class PlaceholderTest { @org.junit.jupiter.api.Test void ok() {} }
