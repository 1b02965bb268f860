package stream

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// The load benchmark: N sessions on loopback, each racing 4 optimizers at
// 60 steps per second. The pages are played by a child process (this test
// binary again, running TestLoadClient), so the server's CPU and memory are
// measured alone; both processes share the machine's cores, as a server
// and its clients on one laptop would.
//
//	SADDLE_LOAD_N=300 SADDLE_LOAD_SECONDS=10 go test -run '^$' -bench BenchmarkLoad -benchtime 1x ./internal/stream
//
// Environment: SADDLE_LOAD_N (sessions, default 20), SADDLE_LOAD_SECONDS
// (measured window, default 3), SADDLE_LOAD_SPS (steps per second, default
// 60), SADDLE_LOAD_GRID (the landscape's nx = ny, default 64: a 256×256
// landscape is 1.2 MB of JSON per page at start, which is the start-up
// cost, not the streaming cost this measures). Lag is the time from a frame's creation on the server (its "t") to
// its receipt by the page. Lag depends on what else the machine runs; the
// references that do not are delivered/offered (frames received against a
// frame a tick offered) and server-µs/frame (the server's CPU per frame
// delivered).

type loadResult struct {
	Sessions   int     `json:"sessions"`
	Frames     int     `json:"frames"`
	Points     int     `json:"points"`
	Bytes      int     `json:"bytes"`
	Seconds    float64 `json:"seconds"`
	LagP50     float64 `json:"lag_p50_ms"`
	LagP99     float64 `json:"lag_p99_ms"`
	LagMax     float64 `json:"lag_max_ms"`
	ClientCPU  float64 `json:"client_cpu_s"`
	Errors     int     `json:"errors"`
	FirstError string  `json:"first_error,omitempty"`
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

func cpuSeconds(who int) float64 {
	var ru syscall.Rusage
	syscall.Getrusage(who, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

func BenchmarkLoad(b *testing.B) {
	n := envInt("SADDLE_LOAD_N", 20)
	secs := envInt("SADDLE_LOAD_SECONDS", 3)
	sps := envInt("SADDLE_LOAD_SPS", 60)
	for b.Loop() {
		srv := New(Options{MaxSessions: n + 10})
		ts := httptest.NewServer(srv)

		runtime.GC()
		var m0 runtime.MemStats
		runtime.ReadMemStats(&m0)
		g0 := runtime.NumGoroutine()

		cmd := exec.Command(os.Args[0], "-test.run=^TestLoadClient$", "-test.v")
		cmd.Env = append(os.Environ(), "SADDLE_LOAD_CLIENT_URL="+wsURL(ts),
			fmt.Sprintf("SADDLE_LOAD_N=%d", n), fmt.Sprintf("SADDLE_LOAD_SECONDS=%d", secs),
			fmt.Sprintf("SADDLE_LOAD_SPS=%d", sps))
		stdout, _ := cmd.StdoutPipe()
		stdin, _ := cmd.StdinPipe()
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		lines := bufio.NewScanner(stdout)
		lines.Buffer(nil, 1<<20)
		expect := func(prefix string) string {
			for lines.Scan() {
				if rest, ok := strings.CutPrefix(lines.Text(), prefix); ok {
					return rest
				}
			}
			b.Fatalf("load client ended before %q", prefix)
			return ""
		}
		expect("LOAD ready")
		runtime.GC()
		var m1 runtime.MemStats
		runtime.ReadMemStats(&m1)
		g1 := runtime.NumGoroutine()
		cpu0, t0 := cpuSeconds(syscall.RUSAGE_SELF), time.Now()
		var res loadResult
		if err := json.Unmarshal([]byte(expect("LOAD result ")), &res); err != nil {
			b.Fatal(err)
		}
		cpu1, wall := cpuSeconds(syscall.RUSAGE_SELF), time.Since(t0).Seconds()
		stdin.Close()
		cmd.Wait()
		srv.Shutdown(context.Background())
		ts.Close()

		if res.Errors > 0 || res.Sessions != n {
			b.Errorf("%d of %d sessions ran; %d errors, first: %s", res.Sessions, n, res.Errors, res.FirstError)
		}
		perSession := float64(m1.HeapInuse+m1.StackInuse) - float64(m0.HeapInuse+m0.StackInuse)
		b.ReportMetric(float64(n), "sessions")
		b.ReportMetric((cpu1-cpu0)/wall, "server-cores")
		b.ReportMetric(res.ClientCPU/res.Seconds, "client-cores")
		b.ReportMetric(perSession/float64(n)/1024, "KiB/session")
		b.ReportMetric(float64(g1-g0)/float64(n), "goroutines/session")
		b.ReportMetric(float64(res.Frames)/res.Seconds/float64(n), "frames/s/session")
		// The reference: frames delivered against frames offered (a frame a
		// tick at min(steps per second, 60) ticks a second); and the server's
		// CPU per frame delivered, which says how many sessions fit in a core
		// whatever else the machine is doing.
		b.ReportMetric(float64(res.Frames)/res.Seconds/float64(n)/min(float64(sps), 60), "delivered/offered")
		b.ReportMetric((cpu1-cpu0)/wall/(float64(max(1, res.Frames))/res.Seconds)*1e6, "server-µs/frame")
		b.ReportMetric(res.ClientCPU/float64(max(1, res.Frames))*1e6, "client-µs/frame")
		b.ReportMetric(float64(res.Points)/res.Seconds/float64(n), "points/s/session")
		b.ReportMetric(float64(res.Bytes)/float64(max(1, res.Points)), "B/point")
		b.ReportMetric(res.LagP50, "p50-lag-ms")
		b.ReportMetric(res.LagP99, "p99-lag-ms")
		b.ReportMetric(res.LagMax, "max-lag-ms")
	}
}

// TestLoadClient plays the pages of BenchmarkLoad; it runs only as its
// child process.
func TestLoadClient(t *testing.T) {
	url := os.Getenv("SADDLE_LOAD_CLIENT_URL")
	if url == "" {
		t.Skip("the client half of BenchmarkLoad")
	}
	n := envInt("SADDLE_LOAD_N", 20)
	window := time.Duration(envInt("SADDLE_LOAD_SECONDS", 3)) * time.Second
	sps := envInt("SADDLE_LOAD_SPS", 60)
	grid := envInt("SADDLE_LOAD_GRID", 64)
	start := fmt.Sprintf(`{"type":"start","objective":{"id":"rosenbrock"},"start":[-1.2,1],"seed":1,`+
		`"view":{"x":[-2,2],"y":[-1,3],"nx":%d,"ny":%[1]d},`+
		`"steps_per_second":%d,"max_steps":100000,"runs":[{"optimizer":"gd","hyper":{"lr":0.0005}},`+
		`{"optimizer":"momentum","hyper":{"lr":0.0002}},{"optimizer":"nesterov","hyper":{"lr":0.0002}},`+
		`{"optimizer":"adam","hyper":{"lr":0.01}}]}`, grid, sps)

	type page struct {
		mu                    sync.Mutex
		lags                  []float64
		frames, points, bytes int
	}
	var (
		mu       sync.Mutex
		errs     int
		firstErr string
		measure  = make(chan struct{}) // closed when the window opens
		stop     = make(chan struct{}) // closed when it shuts
		stopped  = make(chan struct{}) // closed when the pages hang up
		started  sync.WaitGroup
		done     sync.WaitGroup
	)
	fail := func(err error) {
		mu.Lock()
		defer mu.Unlock()
		if errs == 0 {
			firstErr = err.Error()
		}
		errs++
	}
	pages := make([]*page, n)
	conns := make([]*websocket.Conn, n)
	started.Add(n)
	sem := make(chan struct{}, 16) // dial a few at a time
	for i := range n {
		pages[i] = &page{lags: make([]float64, 0, 64*int(window.Seconds()))}
		done.Go(func() {
			sem <- struct{}{}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			c, _, err := websocket.Dial(ctx, url, nil)
			cancel()
			<-sem
			if err != nil {
				fail(err)
				started.Done()
				return
			}
			c.SetReadLimit(16 << 20)
			conns[i] = c
			if err := c.Write(context.Background(), websocket.MessageText, []byte(start)); err != nil {
				fail(err)
				started.Done()
				return
			}
			p, first := pages[i], true
			var buf bytes.Buffer // reused: the pages' process costs little per frame
			for {
				_, r, err := c.Reader(context.Background())
				if err == nil {
					buf.Reset()
					_, err = buf.ReadFrom(r)
				}
				msg := buf.Bytes()
				if err != nil {
					select {
					case <-stopped:
					default:
						fail(err)
					}
					if first {
						started.Done()
					}
					return
				}
				now := float64(time.Now().UnixMicro()) / 1000
				if !bytes.HasPrefix(msg, []byte(`{"type":"frame","t":`)) {
					if bytes.HasPrefix(msg, []byte(`{"type":"error"`)) {
						fail(fmt.Errorf("%s", msg))
					}
					continue
				}
				if first {
					first = false
					started.Done()
				}
				select {
				case <-measure:
				default:
					continue
				}
				select {
				case <-stop:
					continue
				default:
				}
				rest := msg[len(`{"type":"frame","t":`):]
				tms, _ := strconv.ParseFloat(string(rest[:bytes.IndexByte(rest, ',')]), 64)
				p.mu.Lock()
				p.lags = append(p.lags, now-tms)
				p.frames++
				p.points += bytes.Count(msg, []byte(`{"run":`))
				p.bytes += len(msg)
				p.mu.Unlock()
			}
		})
	}
	started.Wait()
	time.Sleep(time.Second) // let every session settle into its pace
	fmt.Println("LOAD ready")
	cpu0 := cpuSeconds(syscall.RUSAGE_SELF)
	t0 := time.Now()
	close(measure)
	time.Sleep(window)
	close(stop)
	elapsed := time.Since(t0).Seconds()
	cpu1 := cpuSeconds(syscall.RUSAGE_SELF)

	mu.Lock()
	res := loadResult{Seconds: elapsed, ClientCPU: cpu1 - cpu0, Errors: errs, FirstError: firstErr}
	mu.Unlock()
	var lags []float64
	for i, p := range pages {
		if conns[i] != nil {
			res.Sessions++
		}
		p.mu.Lock()
		res.Frames += p.frames
		res.Points += p.points
		res.Bytes += p.bytes
		lags = append(lags, p.lags...)
		p.mu.Unlock()
	}
	slices.Sort(lags)
	if len(lags) > 0 {
		q := func(f float64) float64 { return lags[min(len(lags)-1, int(f*float64(len(lags))))] }
		res.LagP50, res.LagP99, res.LagMax = q(0.5), q(0.99), lags[len(lags)-1]
	}
	b, _ := json.Marshal(res)
	fmt.Printf("LOAD result %s\n", b)
	io.Copy(io.Discard, os.Stdin) // hold the sessions until the server has measured
	close(stopped)
	for _, c := range conns {
		if c != nil {
			c.CloseNow()
		}
	}
	done.Wait()
}
