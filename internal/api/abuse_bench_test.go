package api

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/saddle-viz/saddle/internal/budget"
)

// BenchmarkAbuse: 20 clients (each from its own loopback address) loop
// expensive landscapes (512² of a 400-node expression, each view new, so
// nothing is cached) while one probe measures /healthz and a 100-step
// /api/run. It reports the probes' p99 with the heavy pool (bounded) and,
// as the reference in the same run, without one (a pool too large to
// bound anything). The ws cases add 20 live sessions (each from its own
// address) looping heavy tasks over /ws: a spectrum of a 2 000-dimensional
// quadratic and a blurred landscape, each new. Run:
// go test -run '^$' -bench Abuse -benchtime 1x ./internal/api
func BenchmarkAbuse(b *testing.B) {
	for _, c := range []struct {
		name string
		pool *budget.Pool
		ws   bool
	}{
		{"unbounded", budget.New(1000, 1000, 1000), false},
		{"bounded", nil, false},
		{"ws-unbounded", budget.New(1000, 1000, 1000), true},
		{"ws-bounded", nil, true},
	} {
		b.Run(c.name, func(b *testing.B) {
			for range b.N {
				abuse(b, c.pool, c.ws)
			}
		})
	}
}

// abuseWS loops heavy tasks over one live session from local until stop,
// counting the answers.
func abuseWS(ctx context.Context, srv *httptest.Server, local net.Addr, i int, stop *atomic.Bool, done *atomic.Int64) {
	cl := &http.Client{Transport: &http.Transport{DialContext: (&net.Dialer{LocalAddr: local}).DialContext}}
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http")+"/ws", &websocket.DialOptions{HTTPClient: cl})
	if err != nil {
		return
	}
	defer c.CloseNow()
	c.SetReadLimit(64 << 20)
	send := func(s string) bool { return c.Write(ctx, websocket.MessageText, []byte(s)) == nil }
	// until reads until a whole message of type typ (partial ones go on).
	until := func(typ string) bool {
		for {
			_, b, err := c.Read(ctx)
			if err != nil {
				return false
			}
			var m struct {
				Type    string `json:"type"`
				Partial bool   `json:"partial"`
			}
			json.Unmarshal(b, &m)
			if m.Type == "error" {
				return true
			}
			if m.Type == typ && !m.Partial {
				return true
			}
		}
	}
	for n := 0; !stop.Load(); n++ {
		q := fmt.Sprintf(`{"type": "start", "paused": true, "objective": {"id": "hd_quadratic", "params": {"n": 2000, "cond": %d}}, "runs": [{"optimizer": "gd"}]}`, 10+i*1000+n)
		if !send(q) || !send(`{"type": "spectrum", "k": 10}`) || !until("spectrum") {
			return
		}
		done.Add(1)
		l := fmt.Sprintf(`{"type": "start", "paused": true, "objective": {"id": "rastrigin", "blur": %d.%04d}, "runs": [{"optimizer": "gd"}], "view": {"x": [-4, 4], "y": [-4, 4], "nx": 128, "ny": 128}}`, 1, i*500+n%500)
		if !send(l) || !until("landscape") {
			return
		}
		done.Add(1)
	}
}

func abuse(b *testing.B, pool *budget.Pool, ws bool) {
	srv := httptest.NewServer(NewHandler(Options{Heavy: pool}))
	defer srv.Close()
	terms := make([]string, 30)
	for i := range terms {
		terms[i] = fmt.Sprintf("sin(%d*x)*cos(y)", i%9+1)
	}
	e := strings.Join(terms, "+")
	var stop atomic.Bool
	var wg sync.WaitGroup
	var heavyDone, refused, wsDone atomic.Int64
	// Ended at the stop: abusers waiting on an answer give up at once.
	wsCtx, endWS := context.WithCancel(context.Background())
	for i := range 20 {
		local := &net.TCPAddr{IP: net.IPv4(127, 0, 1, byte(i+1))}
		cl := &http.Client{Transport: &http.Transport{DialContext: (&net.Dialer{LocalAddr: local}).DialContext}}
		wg.Go(func() {
			for n := 0; !stop.Load(); n++ {
				body := fmt.Sprintf(`{"objective": {"expr": "%s"}, "x": [-3, %d.%03d], "y": [-3, 3], "nx": 512, "ny": 512}`, e, 3, i*1000+n%1000)
				req, _ := http.NewRequestWithContext(wsCtx, "POST", srv.URL+"/api/landscape", strings.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				res, err := cl.Do(req)
				if err != nil {
					continue
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode == 200 {
					heavyDone.Add(1)
				} else {
					refused.Add(1)
				}
			}
		})
	}
	if ws {
		for i := range 20 {
			local := &net.TCPAddr{IP: net.IPv4(127, 0, 2, byte(i+1))}
			wg.Go(func() { abuseWS(wsCtx, srv, local, i, &stop, &wsDone) })
		}
	}
	time.Sleep(500 * time.Millisecond) // let the abuse build up
	probe := func(method, path, body string) time.Duration {
		t0 := time.Now()
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != 200 {
			b.Fatalf("%s %s: %d", method, path, res.StatusCode)
		}
		return time.Since(t0)
	}
	var health, run []time.Duration
	for range 100 {
		health = append(health, probe("GET", "/healthz", ""))
		run = append(run, probe("POST", "/api/run", `{"objective": {"id": "rosenbrock"}, "steps": 100, "runs": [{"optimizer": "adam"}]}`))
		time.Sleep(20 * time.Millisecond)
	}
	stop.Store(true)
	endWS() // a request or session waiting for its answer ends at once
	wg.Wait()
	p99 := func(d []time.Duration) float64 {
		slices.Sort(d)
		return float64(d[len(d)*99/100].Microseconds()) / 1000
	}
	b.ReportMetric(p99(health), "healthz-p99-ms")
	b.ReportMetric(p99(run), "run100-p99-ms")
	b.ReportMetric(float64(heavyDone.Load()), "heavy-answered")
	b.ReportMetric(float64(refused.Load()), "heavy-refused")
	if ws {
		b.ReportMetric(float64(wsDone.Load()), "ws-heavy-answered")
	}
}
