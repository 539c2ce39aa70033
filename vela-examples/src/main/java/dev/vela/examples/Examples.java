package dev.vela.examples;
public final class Examples { public static void main(String[] a) { System.out.println("examples"); } }
