package dev.vela.pipeline;

import static dev.vela.pipeline.Edges.emit;
import static dev.vela.pipeline.Edges.nonNull;
import static dev.vela.pipeline.Edges.receive;

import dev.vela.channel.Channel;
import dev.vela.channel.Receiver;
import dev.vela.channel.Sender;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

/**
 * {@code mapPar(n, fn)}: applies {@code fn} on {@code n} workers at once, keeping the input order
 * (ordered) or emitting results as they complete (unordered).
 *
 * <h2>Implementation overview</h2>
 * <b>Unordered</b>: {@code n} workers share the input receiver (a channel is multi-consumer) and each
 * sends through its own clone of the output sender; the output closes when the last worker ends.
 *
 * <p><b>Ordered</b> (the shape of Jox's {@code mapPar} and of Akka's {@code mapAsync}, on channels): a
 * dispatcher reads the input and, for each element, makes a {@link Slot} and sends it to two internal
 * channels: {@code work} (taken by whichever of the {@code n} workers is free) and {@code order}
 * (read by the collector in input order). A worker computes the slot's value and completes it; the
 * collector waits for the head slot to complete and emits its value. Elements in flight are bounded
 * by {@code order}'s capacity ({@code n}) plus one per worker plus one in the dispatcher's and in the
 * collector's hands, so a slow {@code fn} or a slow downstream still paces the source.
 *
 * <p>Stopping: a downstream that wants no more makes the collector end; it closes {@code order}, so the
 * dispatcher's next send fails and it ends, closing the input and {@code work}; the workers then drain
 * and end. A failure of {@code fn} fails the run, which fails the internal channels with the cause
 * (they are registered with {@link PipelineRun#channel}) and interrupts every worker.
 */
final class MapPar {
    private MapPar() {}

    /** How many times the collector re-checks a slot before parking on it. */
    private static final int SPINS = 256;

    /**
     * One element in flight. States: {@code value == null} (pending, set by the dispatcher) →
     * {@code value != null} (computed; set once by one worker, volatile). {@code waiter} is the collector
     * thread parked on this slot, or null; written by the collector before it re-checks {@code value}.
     */
    private static final class Slot {
        final Object input;
        volatile Object value;
        volatile Thread waiter;

        Slot(Object input) {
            this.input = input;
        }

        void complete(Object v) {
            value = v;
            Thread w = waiter;
            if (w != null) LockSupport.unpark(w);
        }

        Object await() throws InterruptedException {
            Object v;
            for (int i = 0; i < SPINS; i++) {   // the head is usually nearly done: avoid a park/unpark pair
                if ((v = value) != null) return v;
                Thread.onSpinWait();
            }
            waiter = Thread.currentThread();
            while ((v = value) == null) {
                LockSupport.park(this);
                if (Thread.interrupted()) throw new InterruptedException();
            }
            return v;
        }
    }

    static Node.Starter unordered(int n, Function<Object, ?> fn) {
        return (run, name, ins, outs) -> {
            for (int i = 0; i < n; i++) {
                Sender<Object> mine = ((Out.ToChannel) outs[0]).tx.clone();   // hosts no fused stage: a channel
                run.spawn(name + "#" + i, () -> {
                    Object v;
                    while ((v = receive(ins[0])) != null) {
                        if (!emit(mine, nonNull(fn.apply(v), "mapParUnordered's function"))) break;
                    }
                }, ins, new Out[] {Out.of(mine)});
            }
            outs[0].close();
        };
    }

    static Node.Starter ordered(int n, Function<Object, ?> fn) {
        return (run, name, ins, outs) -> {
            Channel<Object> work = run.channel(n);
            Channel<Object> order = run.channel(n);
            Receiver<Object> in = ins[0];
            Out out = outs[0];   // a channel, or the stages fused after the collector
            run.spawn(name + "/dispatch", () -> {
                Object v;
                while ((v = receive(in)) != null) {
                    Slot s = new Slot(v);
                    if (!emit(order.sender(), s)) break;       // collector gone: downstream wants no more
                    if (!emit(work.sender(), s)) break;
                }
            }, new Receiver<?>[] {in}, new Out[] {Out.of(work.sender()), Out.of(order.sender())});
            for (int i = 0; i < n; i++) {
                run.spawn(name + "#" + i, () -> {
                    Object s;
                    while ((s = receive(work.receiver())) != null) {
                        Slot slot = (Slot) s;
                        slot.complete(nonNull(fn.apply(slot.input), "mapPar's function"));
                    }
                }, new Receiver<?>[0], new Out[0]);
            }
            run.spawn(name + "/collect" + run.fusedSuffix(), () -> {
                Object s;
                while ((s = receive(order.receiver())) != null) {
                    if (!out.emit(((Slot) s).await())) break;
                }
            }, new Receiver<?>[] {order.receiver(), work.receiver()}, new Out[] {out});
        };
    }
}
