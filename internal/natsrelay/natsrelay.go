// Package natsrelay carries Saddle's rooms (classroom broadcasts) between
// replicas over NATS: it implements stream.Relay with core NATS subjects
// for a room's messages and a JetStream key-value bucket for the room
// directory (each room's state for pages that join later), so replicas
// keep no shared state of their own.
package natsrelay

import (
	"bytes"
	"compress/flate"
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/saddle-viz/saddle/internal/stream"
)

// Bucket is the key-value bucket of the room directory.
const Bucket = "saddle_rooms"

// compressAbove: payloads longer than this are deflated (landscapes,
// the directory's states), so a 256² landscape fits NATS's default 1 MB
// max_payload.
const compressAbove = 32 << 10

// Payload markers (the first byte).
const (
	plain    = 0
	deflated = 1
)

// Relay is a stream.Relay over one NATS connection.
type Relay struct {
	nc      *nats.Conn
	kv      jetstream.KeyValue
	timeout time.Duration
}

var _ stream.Relay = (*Relay)(nil)

// Dial connects to the NATS server at url (nats://host:4222) and opens (or
// creates) the room directory. The directory's entries expire after ttl
// (a replica that died with rooms open leaves none for good).
func Dial(ctx context.Context, url string, ttl time.Duration) (*Relay, error) {
	nc, err := nats.Connect(url, nats.Name("saddle"), nats.MaxReconnects(-1), nats.ReconnectWait(time.Second))
	if err != nil {
		return nil, fmt.Errorf("natsrelay: connecting to %s: %w", url, err)
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("natsrelay: JetStream: %w", err)
	}
	kv, err := js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket: Bucket, Description: "Saddle's rooms: each room's state for late joiners",
		History: 1, TTL: ttl, Storage: jetstream.MemoryStorage,
	})
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("natsrelay: the room directory (JetStream key-value %q; does the server run with JetStream?): %w", Bucket, err)
	}
	return &Relay{nc: nc, kv: kv, timeout: 5 * time.Second}, nil
}

// Close drains the connection.
func (r *Relay) Close() error { return r.nc.Drain() }

// Publish sends data on subject.
func (r *Relay) Publish(subject string, data []byte) error {
	return r.nc.Publish(subject, pack(data))
}

// Subscribe calls fn with every message on subject from one goroutine. It
// returns once the server has the subscription, so nothing published
// after it is missed.
func (r *Relay) Subscribe(subject string, fn func([]byte)) (func(), error) {
	sub, err := r.nc.Subscribe(subject, func(m *nats.Msg) {
		if b, err := unpack(m.Data); err == nil {
			fn(b)
		}
	})
	if err != nil {
		return nil, err
	}
	// A lecture's frames come in bursts; let them wait rather than drop.
	sub.SetPendingLimits(1<<20, 1<<30)
	if err := r.nc.FlushTimeout(r.timeout); err != nil {
		sub.Unsubscribe()
		return nil, err
	}
	return func() { sub.Unsubscribe() }, nil
}

// Serve answers requests on subject with fn's reply.
func (r *Relay) Serve(subject string, fn func([]byte) []byte) (func(), error) {
	sub, err := r.nc.Subscribe(subject, func(m *nats.Msg) {
		req, err := unpack(m.Data)
		if err != nil {
			return
		}
		m.Respond(pack(fn(req)))
	})
	if err != nil {
		return nil, err
	}
	if err := r.nc.FlushTimeout(r.timeout); err != nil {
		sub.Unsubscribe()
		return nil, err
	}
	return func() { sub.Unsubscribe() }, nil
}

// Request sends data on subject and waits for one reply.
func (r *Relay) Request(subject string, data []byte) ([]byte, error) {
	m, err := r.nc.Request(subject, pack(data), r.timeout)
	if err != nil {
		return nil, err
	}
	return unpack(m.Data)
}

// Put writes a room's state.
func (r *Relay) Put(code string, data []byte) error {
	ctx, cancel := context.WithTimeout(context.Background(), r.timeout)
	defer cancel()
	_, err := r.kv.Put(ctx, code, pack(data))
	return err
}

// Get reads a room's state; stream.ErrNoRoom when the directory has none.
func (r *Relay) Get(code string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), r.timeout)
	defer cancel()
	e, err := r.kv.Get(ctx, code)
	if errors.Is(err, jetstream.ErrKeyNotFound) || errors.Is(err, jetstream.ErrKeyDeleted) {
		return nil, stream.ErrNoRoom
	}
	if err != nil {
		return nil, err
	}
	return unpack(e.Value())
}

// Delete removes a room from the directory.
func (r *Relay) Delete(code string) error {
	ctx, cancel := context.WithTimeout(context.Background(), r.timeout)
	defer cancel()
	return r.kv.Purge(ctx, code)
}

func pack(data []byte) []byte {
	if len(data) <= compressAbove {
		return append([]byte{plain}, data...)
	}
	var b bytes.Buffer
	b.WriteByte(deflated)
	w, _ := flate.NewWriter(&b, flate.BestSpeed)
	w.Write(data)
	w.Close()
	return b.Bytes()
}

func unpack(data []byte) ([]byte, error) {
	if len(data) == 0 {
		return nil, errors.New("natsrelay: an empty payload")
	}
	switch data[0] {
	case plain:
		return data[1:], nil
	case deflated:
		return io.ReadAll(flate.NewReader(bytes.NewReader(data[1:])))
	}
	return nil, errors.New("natsrelay: a payload of an unknown kind")
}
