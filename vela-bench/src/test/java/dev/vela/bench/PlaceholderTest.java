package dev.vela.bench;
class PlaceholderTest { @org.junit.jupiter.api.Test void ok() {} }
