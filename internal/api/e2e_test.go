package api

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// TestLiveSessionAgreesWithRun drives the real wiring over the network: the
// same scene asked of POST /api/run and streamed over /ws gives the same
// points, number for number, once both have gone through JSON.
func TestLiveSessionAgreesWithRun(t *testing.T) {
	if testing.Short() {
		t.Skip("streams a live session")
	}
	ts := httptest.NewServer(NewHandler(Options{}))
	defer ts.Close()
	const steps = 120
	scene := `"objective": {"id": "rosenbrock"}, "start": [-1.2, 1], "seed": 5,
		"runs": [{"optimizer": "sgd", "hyper": {"lr": 0.001, "noise": 3}}, {"optimizer": "adam", "hyper": {"lr": 0.05}, "clip": {"norm": 1}}]`

	resp, err := http.Post(ts.URL+"/api/run", "application/json", strings.NewReader(`{`+scene+`, "steps": 120}`))
	if err != nil {
		t.Fatal(err)
	}
	var batch runAnswer
	err = json.NewDecoder(resp.Body).Decode(&batch)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("POST /api/run: %d, %v", resp.StatusCode, err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(ts.URL, "http")+"/ws", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.CloseNow()
	conn.SetReadLimit(8 << 20) // landscapes are larger than the default 32 KiB
	start := `{"type": "start", ` + scene + `, "steps_per_second": 10000, "max_steps": 120,
		"view": {"x": [-2, 2], "y": [-1, 3], "nx": 8, "ny": 8}}`
	if err := conn.Write(ctx, websocket.MessageText, []byte(start)); err != nil {
		t.Fatal(err)
	}
	live := make([][]point, len(batch.Runs))
	for done := false; !done; {
		_, b, err := conn.Read(ctx)
		if err != nil {
			t.Fatalf("reading the session: %v (runs so far: %d, %d points)", err, len(live[0]), len(live[1]))
		}
		var m struct {
			Type   string `json:"type"`
			Run    *int   `json:"run"`
			Status string `json:"status"`
			Error  string `json:"error"`
			Points []struct {
				Run int `json:"run"`
				point
			} `json:"points"`
		}
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("message %s: %v", b, err)
		}
		switch m.Type {
		case "error":
			t.Fatalf("the session refused the scene: %s", b)
		case "frame":
			for _, p := range m.Points {
				live[p.Run] = append(live[p.Run], p.point)
			}
		case "status":
			// The session pauses once every run has ended.
			done = m.Run != nil && *m.Run == -1 && m.Status == "paused"
		}
	}
	for i, run := range batch.Runs {
		if len(live[i]) != len(run.Points) || len(run.Points) != steps+1 {
			t.Fatalf("run %d: %d points live, %d from /api/run, want %d", i, len(live[i]), len(run.Points), steps+1)
		}
		for k, q := range run.Points {
			p := live[i][k]
			if p.K != q.K || p.XY[0] != q.XY[0] || p.XY[1] != q.XY[1] || p.Loss != q.Loss || p.GradNorm != q.GradNorm || *p.Clipped != *q.Clipped {
				t.Fatalf("run %d point %d: live %+v, /api/run %+v", i, k, p, q)
			}
		}
	}
}

// TestReadTimeoutIsPerRoute: a body that trickles in is cut off on the API
// routes, while a WebSocket session outlives the same timeout.
func TestReadTimeoutIsPerRoute(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for timeouts")
	}
	const timeout = 300 * time.Millisecond
	ts := httptest.NewServer(NewHandler(Options{ReadTimeout: timeout}))
	defer ts.Close()

	// Headers promise 100 bytes; 10 arrive.
	c, err := net.Dial("tcp", ts.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "POST /api/run HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"objectiv")
	_ = c.SetReadDeadline(time.Now().Add(2 * time.Minute)) // a hang guard only
	began := time.Now()
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("no answer to a trickling body: %v", err)
	}
	resp.Body.Close()
	// 408 says the read timeout fired; before DefaultReadTimeout says it was
	// this route's (however slow the machine, not the default's 10 s).
	if resp.StatusCode != http.StatusRequestTimeout || time.Since(began) >= DefaultReadTimeout {
		t.Errorf("trickling body: %d after %v, want 408 after about %v", resp.StatusCode, time.Since(began), timeout)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(ts.URL, "http")+"/ws", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.CloseNow()
	conn.SetReadLimit(8 << 20)
	time.Sleep(3 * timeout) // idle longer than the API may
	if err := conn.Write(ctx, websocket.MessageText, []byte(`{"type": "start", "objective": {"id": "quadratic"}, "runs": [{"optimizer": "gd"}], "paused": true}`)); err != nil {
		t.Fatalf("writing after %v: %v", 3*timeout, err)
	}
	if _, b, err := conn.Read(ctx); err != nil {
		t.Fatalf("the session died after %v idle: %v", 3*timeout, err)
	} else if strings.Contains(string(b), `"error"`) {
		t.Fatalf("the session answered an error: %s", b)
	}
}
