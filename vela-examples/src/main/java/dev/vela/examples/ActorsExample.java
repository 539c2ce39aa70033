package dev.vela.examples;

import dev.vela.actor.Actor;
import dev.vela.actor.ActorKey;
import dev.vela.actor.ActorRef;
import dev.vela.actor.ActorSystem;
import dev.vela.actor.Router;
import dev.vela.actor.Routers;
import dev.vela.actor.SupervisorStrategy;
import dev.vela.worker.Backoff;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * README: "Actors". A counter actor with tell and ask, supervised: a failure restarts it with fresh state;
 * then a pool of counters behind one router, found by name in the registry.
 */
public final class ActorsExample {
    private ActorsExample() {}

    sealed interface CounterMsg permits Add, Get, Crash {}
    record Add(long n) implements CounterMsg {}
    record Get(ActorRef<Long> replyTo) implements CounterMsg {}
    record Crash() implements CounterMsg {}

    static final class Counter extends Actor<CounterMsg> {
        private long total;                                   // only this actor's thread touches it

        @Override
        protected void receive(CounterMsg m) {
            switch (m) {
                case Add a -> total += a.n();
                case Get g -> g.replyTo().tell(total);
                case Crash c -> throw new IllegalStateException("boom");
            }
        }

        @Override
        protected void postRestart(Throwable cause) {
            System.out.println("restarted after: " + cause.getMessage());
        }
    }

    public static void main(String[] args) throws Exception {
        SupervisorStrategy strategy = SupervisorStrategy.oneForOne()        // restart on failure,
                .withMaxRestarts(3, Duration.ofSeconds(60))                 // at most 3 times a minute,
                .withBackoff(Backoff.exponential(Duration.ofMillis(10), Duration.ofSeconds(1)));
        try (ActorSystem system = ActorSystem.create("demo", strategy)) {   // close(): stops the tree
            ActorRef<CounterMsg> counter = system.spawn("counter", Counter::new);
            for (int i = 1; i <= 10; i++) counter.tell(new Add(i));        // fire and forget
            long n = counter.ask(Get::new, Duration.ofSeconds(1)).get(2, TimeUnit.SECONDS);
            System.out.println("count = " + n);                             // 55: FIFO from one sender

            counter.tell(new Crash());                                      // supervisor restarts it
            counter.tell(new Add(1));                                       // the mailbox is kept
            System.out.println("after restart = " + counter.ask(Get::new, Duration.ofSeconds(1)).get(2, TimeUnit.SECONDS));

            ActorKey<CounterMsg> counters = ActorKey.of("counters", CounterMsg.class);
            Router<CounterMsg> pool = Routers.pool(3, Counter::new).spawn(system, "counters"); // round robin
            system.registry().register(counters, pool);                     // found by name from now on
            ActorRef<CounterMsg> found = system.registry().lookup(counters).orElseThrow();
            for (int i = 0; i < 9; i++) found.tell(new Add(1));             // straight to a routee: 3 each
            long total = 0;
            for (ActorRef<CounterMsg> r : pool.routees()) total += r.ask(Get::new, Duration.ofSeconds(1)).get(2, TimeUnit.SECONDS);
            System.out.println("pool of " + pool.routees().size() + " counted " + total);

            counter.stop();
            counter.tell(new Add(1));                                       // too late: a dead letter
            counter.whenTerminated().get(2, TimeUnit.SECONDS);
            System.out.println("dead letters: " + system.deadLetters().count());
        }
    }
}
