package api

import (
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

	"github.com/saddle-viz/saddle/internal/budget"
)

// BenchmarkAbuse: 20 clients (each from its own loopback address) loop
// expensive landscapes (512² of a 400-node expression, each view new, so
// nothing is cached) while one probe measures /healthz and a 100-step
// /api/run. It reports the probes' p99 with the heavy pool (bounded) and,
// as the reference in the same run, without one (a pool too large to
// bound anything). Run: go test -run '^$' -bench Abuse -benchtime 1x ./internal/api
func BenchmarkAbuse(b *testing.B) {
	for _, c := range []struct {
		name string
		pool *budget.Pool
	}{
		{"unbounded", budget.New(1000, 1000, 1000)},
		{"bounded", nil},
	} {
		b.Run(c.name, func(b *testing.B) {
			for range b.N {
				abuse(b, c.pool)
			}
		})
	}
}

func abuse(b *testing.B, pool *budget.Pool) {
	srv := httptest.NewServer(NewHandler(Options{Heavy: pool}))
	defer srv.Close()
	terms := make([]string, 30)
	for i := range terms {
		terms[i] = fmt.Sprintf("sin(%d*x)*cos(y)", i%9+1)
	}
	e := strings.Join(terms, "+")
	var stop atomic.Bool
	var wg sync.WaitGroup
	var heavyDone, refused atomic.Int64
	for i := range 20 {
		local := &net.TCPAddr{IP: net.IPv4(127, 0, 1, byte(i+1))}
		cl := &http.Client{Transport: &http.Transport{DialContext: (&net.Dialer{LocalAddr: local}).DialContext}}
		wg.Go(func() {
			for n := 0; !stop.Load(); n++ {
				body := fmt.Sprintf(`{"objective": {"expr": "%s"}, "x": [-3, %d.%03d], "y": [-3, 3], "nx": 512, "ny": 512}`, e, 3, i*1000+n%1000)
				res, err := cl.Post(srv.URL+"/api/landscape", "application/json", strings.NewReader(body))
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
	wg.Wait()
	p99 := func(d []time.Duration) float64 {
		slices.Sort(d)
		return float64(d[len(d)*99/100].Microseconds()) / 1000
	}
	b.ReportMetric(p99(health), "healthz-p99-ms")
	b.ReportMetric(p99(run), "run100-p99-ms")
	b.ReportMetric(float64(heavyDone.Load()), "heavy-answered")
	b.ReportMetric(float64(refused.Load()), "heavy-refused")
}
