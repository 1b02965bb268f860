package natsrelay

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/saddle-viz/saddle/internal/natsrelay/natstest"
)

// TestRoomLoad is the rooms' scale benchmark, skipped unless
// SADDLE_ROOM_LOAD=1 (it takes the machine for a minute): one teacher's
// room at 4 runs × 60 steps/s with 300 and 1,000 followers on one server,
// then 2 × 300 followers on two replicas over an embedded NATS server.
// Servers are the real binary in processes of their own, so their CPU is
// measured apart from the followers' (this process). Lag is a frame's t
// (when its oldest points were made) to its arrival at a follower.
//
//	SADDLE_ROOM_LOAD=1 go test ./internal/natsrelay -run TestRoomLoad -v -timeout 20m
func TestRoomLoad(t *testing.T) {
	if os.Getenv("SADDLE_ROOM_LOAD") != "1" {
		t.Skip("a load benchmark: set SADDLE_ROOM_LOAD=1")
	}
	bin := filepath.Join(t.TempDir(), "saddle")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/saddle-viz/saddle/cmd/server").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	measure := 15 * time.Second
	if d, err := time.ParseDuration(os.Getenv("SADDLE_ROOM_LOAD_FOR")); err == nil {
		measure = d
	}
	for _, n := range []int{300, 1000} {
		t.Run(fmt.Sprintf("one server, %d followers", n), func(t *testing.T) {
			a := startServer(t, bin, "")
			loadRun(t, []*proc{a}, []int{n}, measure)
		})
	}
	t.Run("two replicas over NATS, 2 × 300 followers", func(t *testing.T) {
		url := natstest.Start(t)
		a, b := startServer(t, bin, url), startServer(t, bin, url)
		loadRun(t, []*proc{a, b}, []int{300, 300}, measure)
	})
}

type proc struct {
	cmd *exec.Cmd
	url string // http://127.0.0.1:port
}

func startServer(t *testing.T, bin, nats string) *proc {
	t.Helper()
	args := []string{"-addr", "127.0.0.1:0", "-max-sessions", "3000", "-log-level", "error"}
	if nats != "" {
		args = append(args, "-nats", nats)
	}
	cmd := exec.Command(bin, args...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Signal(os.Interrupt); cmd.Wait() })
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if u, ok := strings.CutPrefix(sc.Text(), "Saddle listening on "); ok {
			go func() {
				for sc.Scan() {
				}
			}()
			return &proc{cmd: cmd, url: strings.TrimRight(strings.Fields(u)[0], "/")}
		}
	}
	t.Fatal("the server printed no URL")
	return nil
}

// cpu is the process's user+system CPU time so far.
func (p *proc) cpu(t *testing.T) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", p.cmd.Process.Pid))
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+2:]))
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * time.Second / 100 // USER_HZ
}

func wsDial(t *testing.T, url string) *websocket.Conn {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(url, "http")+"/ws", nil)
	if err != nil {
		t.Fatal(err)
	}
	c.SetReadLimit(32 << 20)
	return c
}

func wsSend(t *testing.T, c *websocket.Conn, s string) {
	if err := c.Write(context.Background(), websocket.MessageText, []byte(s)); err != nil {
		t.Fatal(err)
	}
}

// frameT reads a frame's "t" without decoding the rest.
func frameT(b []byte) (float64, bool) {
	if !bytes.HasPrefix(b, []byte(`{"type":"frame","t":`)) {
		return 0, false
	}
	rest := b[len(`{"type":"frame","t":`):]
	end := bytes.IndexByte(rest, ',')
	if end < 0 {
		return 0, false
	}
	x, err := strconv.ParseFloat(string(rest[:end]), 64)
	return x, err == nil
}

func loadRun(t *testing.T, servers []*proc, followers []int, measure time.Duration) {
	teacher := wsDial(t, servers[0].url)
	defer teacher.CloseNow()
	codeCh := make(chan string, 1)
	wsSend(t, teacher, `{"type":"room_open"}`)
	go func() { // the teacher's page reads everything; the room's code comes first
		sent := false
		for {
			_, b, err := teacher.Read(context.Background())
			if err != nil {
				return
			}
			if !sent && bytes.Contains(b, []byte(`"token":"`)) {
				i := bytes.Index(b, []byte(`"code":"`)) + len(`"code":"`)
				codeCh <- string(b[i : i+11])
				sent = true
			}
		}
	}()
	code := <-codeCh
	wsSend(t, teacher, `{"type":"start","objective":{"id":"quadratic"},"start":[-2.5,1.5],"seed":3,"paused":true,"steps_per_second":60,"max_steps":100000,
		"view":{"x":[-3,3],"y":[-3,3],"nx":32,"ny":32},
		"runs":[{"optimizer":"gd","hyper":{"lr":0.001}},{"optimizer":"momentum","hyper":{"lr":0.001}},{"optimizer":"adam","hyper":{"lr":0.001}},{"optimizer":"rmsprop","hyper":{"lr":0.001}}]}`)

	var mu sync.Mutex
	var lags []float64 // ms, while measuring
	var measuring bool
	var frames int
	perServer := make([]int, len(servers))
	var joined sync.WaitGroup
	var conns []*websocket.Conn
	for si, n := range followers {
		si := si
		for range n {
			c := wsDial(t, servers[si].url)
			conns = append(conns, c)
			wsSend(t, c, `{"type":"room_join","code":"`+code+`"}`)
			joined.Add(1)
			go func() {
				first := true
				head := make([]byte, 64)
				for {
					// Only the head of a message is read; the rest is discarded unread
					// into memory, so the followers' process costs little per frame.
					_, r, err := c.Reader(context.Background())
					if err != nil {
						return
					}
					n, _ := io.ReadFull(r, head)
					io.Copy(io.Discard, r)
					tm, ok := frameT(head[:n])
					if !ok {
						continue
					}
					if first {
						first = false
						joined.Done()
					}
					lag := float64(time.Now().UnixMicro())/1000 - tm
					mu.Lock()
					if measuring {
						lags = append(lags, lag)
						frames++
						perServer[si]++
					}
					mu.Unlock()
				}
			}()
		}
	}
	defer func() {
		for _, c := range conns {
			c.CloseNow()
		}
	}()
	joined.Wait() // every follower has its catch-up frame
	wsSend(t, teacher, `{"type":"resume"}`)
	time.Sleep(2 * time.Second) // a benchmark's warm-up, not a test's wait
	self := &proc{cmd: &exec.Cmd{Process: &os.Process{Pid: os.Getpid()}}}
	selfCPU0 := self.cpu(t)
	cpu0 := make([]time.Duration, len(servers))
	for i, s := range servers {
		cpu0[i] = s.cpu(t)
	}
	mu.Lock()
	measuring = true
	mu.Unlock()
	start := time.Now()
	time.Sleep(measure)
	mu.Lock()
	measuring = false
	got := slices.Clone(lags)
	nf := frames
	ps := slices.Clone(perServer)
	mu.Unlock()
	wall := time.Since(start)
	slices.Sort(got)
	q := func(p float64) float64 {
		if len(got) == 0 {
			return 0
		}
		return got[min(len(got)-1, int(p*float64(len(got))))]
	}
	total := 0
	for _, n := range followers {
		total += n
	}
	var cpus []string
	for i, s := range servers {
		c := s.cpu(t) - cpu0[i]
		cpus = append(cpus, fmt.Sprintf("%.0f%% of a core", 100*c.Seconds()/wall.Seconds()))
	}
	load, _ := os.ReadFile("/proc/loadavg")
	t.Logf("%d followers on %d server(s): %d frames in %s (%.1f per follower per second); lag p50 %.1f ms, p99 %.1f ms, max %.1f ms; server CPU %s; the followers' process (and an embedded NATS server) %.0f%% of a core; load average %s",
		total, len(servers), nf, wall.Round(time.Millisecond), float64(nf)/float64(total)/wall.Seconds(), q(0.5), q(0.99), q(1), strings.Join(cpus, ", "),
		100*(self.cpu(t)-selfCPU0).Seconds()/wall.Seconds(), strings.Join(strings.Fields(string(load))[:3], " "))
	for i, n := range ps {
		t.Logf("  followers on server %d: %.1f frames per follower per second", i, float64(n)/float64(followers[i])/wall.Seconds())
	}
}
