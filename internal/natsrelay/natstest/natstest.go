// Package natstest starts an embedded NATS server (with JetStream) for
// tests and benchmarks of rooms across replicas.
package natstest

import (
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// Start runs a NATS server on a free loopback port until the test ends
// and returns its client URL.
func Start(tb testing.TB) string {
	tb.Helper()
	ns, err := server.NewServer(&server.Options{
		Host: "127.0.0.1", Port: -1, JetStream: true, StoreDir: tb.TempDir(),
		NoLog: true, NoSigs: true,
	})
	if err != nil {
		tb.Fatal(err)
	}
	go ns.Start()
	if !ns.ReadyForConnections(time.Minute) {
		tb.Fatal("natstest: the embedded NATS server did not start")
	}
	tb.Cleanup(ns.Shutdown)
	return ns.ClientURL()
}
