package dev.vela.examples;
class PlaceholderTest { @org.junit.jupiter.api.Test void ok() {} }
