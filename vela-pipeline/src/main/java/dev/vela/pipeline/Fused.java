package dev.vela.pipeline;

import dev.vela.channel.Receiver;
import dev.vela.channel.Sender;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The synchronous stages (map, filter, flatMap, tap, take, drop, takeWhile) and the sinks, as operators
 * that can be fused: run inside the worker of the stage before them, with no channel in between
 * (ADR 0020).
 *
 * <h2>Implementation overview</h2>
 * A fusable stage is an {@link Op}: for one run it {@linkplain Op#open opens} an {@link Out} that does
 * the stage's work on each element and pushes the results into the next {@code Out} — the next fused
 * operator, a channel to another worker, or nothing for a sink. The wiring ({@link PipelineRun}) opens
 * the operators from the sink upwards and hands the first one to the stage that hosts them as its
 * output; a push chain is then one nested call per stage, on one thread. When an operator's input is a
 * channel (the first stage after a boundary) a worker {@linkplain #pump pumps} the channel into it.
 *
 * <p>Ends: {@code emit} returning false means "no more wanted" and travels upstream through the return
 * values to the hosting stage, which stops (and its worker closes its input, telling the next worker
 * upstream); {@code close} travels downstream to the channel at the end or publishes the sink's result.
 * Failures of user code are wrapped in a {@link StageFailure} naming the operator's own stage, so the
 * run reports the stage that threw even though a fused worker runs several stages.
 */
final class Fused {
    private Fused() {}

    /** A stage that can run fused: makes its operator for one run. */
    @FunctionalInterface
    interface Op {
        /**
         * @param run   the run (sinks publish their result to it)
         * @param stage the stage's name in this run, for failures
         * @param next  where results go; null for a sink
         */
        Out open(PipelineRun<?> run, String stage, Out next);
    }

    /** User code of {@code stage} threw {@code getCause()}; the run fails with the cause, naming the stage. */
    static final class StageFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        /** Final; the stage whose user code threw. */
        final String stage;

        StageFailure(String stage, Throwable cause) {
            super(stage + ": " + cause, cause, false, false);
            this.stage = stage;
        }
    }

    /** Receives from {@code in} until its end or until {@code out} wants no more; the body of a stage after a boundary. */
    static void pump(Receiver<Object> in, Out out) throws InterruptedException {
        if (!out.wants()) return;
        Object v;
        while ((v = Edges.receive(in)) != null) {
            if (!out.emit(v)) return;
        }
    }

    /** An operator with a next one: ends and wants pass through. */
    private abstract static class Link extends Out {
        /** Final; the stage's name, for failures. */
        final String stage;
        /** Final; the next operator or channel. */
        final Out next;

        Link(String stage, Out next) {
            this.stage = stage;
            this.next = next;
        }

        @Override
        boolean wants() {
            return next.wants();
        }

        @Override
        void close() {
            next.close();
        }

        final StageFailure failed(Throwable t) {
            return new StageFailure(stage, t);
        }
    }

    // ------------------------------------------------------------------ linear stages

    static Op map(Function<Object, ?> fn) {
        return (run, stage, next) -> new Link(stage, next) {
            @Override
            boolean emit(Object v) throws InterruptedException {
                Object r;
                try {
                    r = fn.apply(v);
                } catch (Throwable t) {
                    throw failed(t);
                }
                if (r == null) throw failed(new NullPointerException("map's function returned null; null is never a pipeline element"));
                return next.emit(r);
            }
        };
    }

    static Op filter(Predicate<Object> keep) {
        return (run, stage, next) -> new Link(stage, next) {
            @Override
            boolean emit(Object v) throws InterruptedException {
                boolean k;
                try {
                    k = keep.test(v);
                } catch (Throwable t) {
                    throw failed(t);
                }
                return !k || next.emit(v);
            }
        };
    }

    static Op flatMap(Function<Object, ? extends Iterable<?>> fn) {
        return (run, stage, next) -> new Link(stage, next) {
            @Override
            boolean emit(Object v) throws InterruptedException {
                Iterator<?> it;
                try {
                    it = ((Iterable<?>) Edges.nonNull(fn.apply(v), "flatMap's function")).iterator();
                } catch (Throwable t) {
                    throw failed(t);
                }
                while (true) {
                    Object r;
                    try {
                        if (!it.hasNext()) return true;
                        r = Edges.nonNull(it.next(), "flatMap's iterable");
                    } catch (Throwable t) {
                        throw failed(t);
                    }
                    if (!next.emit(r)) return false;
                }
            }
        };
    }

    static Op tap(Consumer<Object> action) {
        return (run, stage, next) -> new Link(stage, next) {
            @Override
            boolean emit(Object v) throws InterruptedException {
                try {
                    action.accept(v);
                } catch (Throwable t) {
                    throw failed(t);
                }
                return next.emit(v);
            }
        };
    }

    /** Passes {@code n} elements, then wants no more: it says so with the n-th, so no further element is pulled. */
    static Op take(long n) {
        return (run, stage, next) -> new Link(stage, next) {
            /** Elements passed so far; only this worker touches it. */
            long taken;

            @Override
            boolean emit(Object v) throws InterruptedException {
                if (taken >= n) return false;
                taken++;
                return next.emit(v) && taken < n;
            }

            @Override
            boolean wants() {
                return taken < n && next.wants();
            }
        };
    }

    static Op drop(long n) {
        return (run, stage, next) -> new Link(stage, next) {
            /** Elements dropped so far, up to n. */
            long dropped;

            @Override
            boolean emit(Object v) throws InterruptedException {
                if (dropped < n) {
                    dropped++;
                    return true;
                }
                return next.emit(v);
            }
        };
    }

    /** Passes elements while {@code p} holds; the first that fails it ends the stream (and is not passed). */
    static Op takeWhile(Predicate<Object> p) {
        return (run, stage, next) -> new Link(stage, next) {
            /** Set once the predicate failed. */
            boolean done;

            @Override
            boolean emit(Object v) throws InterruptedException {
                if (done) return false;
                boolean ok;
                try {
                    ok = p.test(v);
                } catch (Throwable t) {
                    throw failed(t);
                }
                if (!ok) {
                    done = true;
                    return false;
                }
                return next.emit(v);
            }

            @Override
            boolean wants() {
                return !done && next.wants();
            }
        };
    }

    // ------------------------------------------------------------------ sinks

    /** A sink: publishes its result to the run when its worker ends (before the worker counts itself out). */
    private abstract static class Sink extends Out {
        final PipelineRun<?> run;
        final String stage;

        Sink(PipelineRun<?> run, String stage) {
            this.run = run;
            this.stage = stage;
        }

        abstract Object result();

        @Override
        void close() {
            run.setResult(result());
        }
    }

    /** {@code acc = fn(acc, e)} from {@code init}; the result is {@code finish(acc)}. */
    static Op fold(Object init, BiFunction<Object, Object, ?> fn, Function<Object, ?> finish) {
        return (run, stage, next) -> new Sink(run, stage) {
            Object acc = init;

            @Override
            boolean emit(Object v) {
                try {
                    acc = fn.apply(acc, v);
                } catch (Throwable t) {
                    throw new StageFailure(stage, t);
                }
                return true;
            }

            @Override
            Object result() {
                return finish.apply(acc);
            }
        };
    }

    static Op count() {
        return (run, stage, next) -> new Sink(run, stage) {
            long n;

            @Override
            boolean emit(Object v) {
                n++;
                return true;
            }

            @Override
            Object result() {
                return n;
            }
        };
    }

    static Op forEach(Consumer<Object> action) {
        return (run, stage, next) -> new Sink(run, stage) {
            @Override
            boolean emit(Object v) {
                try {
                    action.accept(v);
                } catch (Throwable t) {
                    throw new StageFailure(stage, t);
                }
                return true;
            }

            @Override
            Object result() {
                return null;
            }
        };
    }

    static Op toList() {
        return (run, stage, next) -> new Sink(run, stage) {
            final List<Object> all = new ArrayList<>();

            @Override
            boolean emit(Object v) {
                all.add(v);
                return true;
            }

            @Override
            Object result() {
                return all;
            }
        };
    }

    /**
     * Sends into {@code target}, which the run owns: closed at the end, failed with the run's cause (it is
     * tracked); a target closed by its receiver ends the run normally.
     */
    static Op to(Sender<Object> target) {
        return (run, stage, next) -> {
            run.track(target);
            return new Out() {
                @Override
                boolean emit(Object v) throws InterruptedException {
                    return Edges.emit(target, v);
                }

                @Override
                void close() {
                    target.close();
                }
            };
        };
    }
}
