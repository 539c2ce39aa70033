// Command seedbench runs the seed's scenarios with Go channels and goroutines: the optional Go
// column of `./vela bench` (vela-bench's GoBench runs it with `go run .` when `go` is on PATH).
//
// The definitions are those of the Java benchmarks (vela-bench/src/main/java/dev/vela/bench):
//   - throughput is messages delivered to the consumer per second, end to end, checksummed;
//   - Go has no unbounded channel: "unbounded" here is a buffered channel with room for every
//     message of the flow, so no send ever blocks (the closest equivalent, and flattering to Go);
//   - mpsc-P: P producer goroutines × 1,000 messages into one channel, one consumer; the flow is
//     repeated (fresh channel, fresh goroutines) until 100,000 messages have been delivered;
//   - pipeline-S: S channels in a row, a goroutine per stage (S + 1 in all), 10,000 messages;
//   - spawn: from the main goroutine, t0, `go f(t0)`, t1, wait for f's report; submission = t1 − t0,
//     spawn-to-completion = the time f measured from t0 when it ran; p50/p99 per round.
// Each figure is the median of several repetitions after a warm-up. Output: one "key value" per
// line (msg/s, or microseconds for spawn-*), preceded by "version" and "gomaxprocs" lines.
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"sort"
	"time"
)

const perInvocation = 100000

func main() {
	quick := flag.Bool("quick", false, "fewer repetitions (smoke run)")
	flag.Parse()
	warm, reps, spawns := 2, 5, 3000
	if *quick {
		warm, reps, spawns = 1, 3, 500
	}
	fmt.Printf("version %s\n", runtime.Version())
	fmt.Printf("gomaxprocs %d\n", runtime.GOMAXPROCS(0))
	report := func(key string, run func() float64) {
		for i := 0; i < warm; i++ {
			run()
		}
		v := make([]float64, reps)
		for i := range v {
			v[i] = run()
		}
		fmt.Printf("%s %g\n", key, median(v))
	}
	report("unbounded", func() float64 { return spsc(perInvocation, perInvocation) })
	report("bounded", func() float64 { return spsc(1000, perInvocation) })
	for _, p := range []int{1, 10, 50, 100} {
		p := p
		report(fmt.Sprintf("mpsc-%d", p), func() float64 { return mpsc(p, 1000) })
	}
	for _, s := range []int{2, 3, 4, 5} {
		s := s
		report(fmt.Sprintf("pipeline-%d", s), func() float64 { return pipeline(s, 10000) })
	}
	spawn(warm, reps, spawns)
}

func value(i int) int { return i & 127 }

func expected(n int) int64 {
	full, rest := int64(n/128), int64(n%128)
	return full*(127*128/2) + rest*(rest-1)/2
}

func check(got, want int64) {
	if got != want {
		fmt.Fprintf(os.Stderr, "checksum %d != expected %d: messages lost or duplicated\n", got, want)
		os.Exit(1)
	}
}

func consume(ch <-chan int, n int, done chan<- int64) {
	var s int64
	for i := 0; i < n; i++ {
		s += int64(<-ch)
	}
	done <- s
}

func produce(ch chan<- int, n int) {
	for i := 0; i < n; i++ {
		ch <- value(i)
	}
}

// spsc: one producer, one consumer, n messages through a channel of the given capacity.
func spsc(capacity, n int) float64 {
	start := time.Now()
	ch := make(chan int, capacity)
	done := make(chan int64)
	go consume(ch, n, done)
	go produce(ch, n)
	check(<-done, expected(n))
	return float64(n) / time.Since(start).Seconds()
}

func mpsc(producers, each int) float64 {
	start := time.Now()
	for delivered := 0; delivered < perInvocation; delivered += producers * each {
		ch := make(chan int, producers*each)
		done := make(chan int64)
		go consume(ch, producers*each, done)
		for p := 0; p < producers; p++ {
			go produce(ch, each)
		}
		check(<-done, expected(each)*int64(producers))
	}
	return perInvocation / time.Since(start).Seconds()
}

func pipeline(stages, n int) float64 {
	start := time.Now()
	chs := make([]chan int, stages)
	for i := range chs {
		chs[i] = make(chan int, n)
	}
	done := make(chan int64)
	go consume(chs[stages-1], n, done)
	for i := 1; i < stages; i++ {
		from, to := chs[i-1], chs[i]
		go func() {
			for k := 0; k < n; k++ {
				to <- <-from
			}
		}()
	}
	go produce(chs[0], n)
	check(<-done, expected(n))
	return float64(n) / time.Since(start).Seconds()
}

func spawn(warm, rounds, per int) {
	ran := make(chan time.Duration, 1)
	sample := func(n int) (submitMean, p50, p99 float64) {
		lat := make([]float64, n)
		var submit time.Duration
		for i := 0; i < n; i++ {
			t0 := time.Now()
			go func(t0 time.Time) { ran <- time.Since(t0) }(t0)
			submit += time.Since(t0)
			lat[i] = float64((<-ran).Nanoseconds()) / 1e3
		}
		sort.Float64s(lat)
		return float64(submit.Nanoseconds()) / 1e3 / float64(n), lat[n/2], lat[(n*99)/100]
	}
	for i := 0; i < warm; i++ {
		sample(per)
	}
	s, a, b := make([]float64, rounds), make([]float64, rounds), make([]float64, rounds)
	for r := 0; r < rounds; r++ {
		s[r], a[r], b[r] = sample(per)
	}
	fmt.Printf("spawn-submit %g\nspawn-p50 %g\nspawn-p99 %g\n", median(s), median(a), median(b))
}

func median(v []float64) float64 {
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
