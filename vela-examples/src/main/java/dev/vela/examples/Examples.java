package dev.vela.examples;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Entry point of {@code ./vela example NAME}: runs one example program by name.
 * Each example is a README snippet; {@code ExamplesTest} runs them all and checks their output.
 */
public final class Examples {
    private Examples() {}

    /** A program's main method. */
    @FunctionalInterface
    public interface Program {
        /**
         * Runs the program.
         *
         * @param args command-line arguments
         * @throws Exception whatever the program throws
         */
        void main(String[] args) throws Exception;
    }

    /**
     * Every example by name, in README order.
     *
     * @return name → program
     */
    public static Map<String, Program> all() {
        Map<String, Program> m = new LinkedHashMap<>();
        m.put("workers", WorkersExample::main);
        m.put("pool", PoolExample::main);
        m.put("scope", ScopeExample::main);
        m.put("channels", ChannelsExample::main);
        m.put("timeouts", TimeoutsExample::main);
        m.put("rendezvous", RendezvousExample::main);
        m.put("select", SelectExample::main);
        m.put("primitives", PrimitivesExample::main);
        m.put("pipeline", PipelineExample::main);
        m.put("pipelines", PipelinesExample::main);
        m.put("actors", ActorsExample::main);
        m.put("testing", TestingExample::main);
        m.put("console", ConsoleExample::main);
        return m;
    }

    /**
     * Runs the example named by {@code args[0]}, or lists them.
     *
     * @param args the example name, then its arguments
     * @throws Exception whatever the example throws
     */
    public static void main(String[] args) throws Exception {
        Map<String, Program> all = all();
        String name = args.length == 0 ? "list" : args[0];
        Program p = all.get(name);
        if (p == null) {
            if (!name.equals("list")) System.err.println("unknown example '" + name + "'");
            System.out.println("examples: " + String.join(", ", all.keySet()));
            System.out.println("run one with: ./vela example NAME");
            if (!name.equals("list")) System.exit(2);
            return;
        }
        String[] rest = new String[args.length - 1];
        System.arraycopy(args, 1, rest, 0, rest.length);
        p.main(rest);
    }
}
