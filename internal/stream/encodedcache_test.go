package stream

import (
	"sync"
	"sync/atomic"
	"testing"

	"github.com/saddle-viz/saddle/internal/landscape"
)

// Sessions that want one landscape at once encode it once and share the
// bytes: a class of 50 slow pages on a 512² view held 50 copies of 4.7 MB
// each (235 MB) before.
func TestEncodedCacheSharesOneEncoding(t *testing.T) {
	var c encodedCache
	key := landscape.GridKey{}
	var runs atomic.Int32
	release := make(chan struct{})
	enc := func() ([]byte, error) {
		runs.Add(1)
		<-release // every caller is waiting by now, or finds the cache
		return make([]byte, 1<<20), nil
	}
	const n = 50
	got := make([][]byte, n)
	var wg sync.WaitGroup
	var started sync.WaitGroup
	started.Add(n)
	for i := range n {
		wg.Go(func() {
			started.Done()
			b, err := c.encode(key, enc)
			if err != nil {
				t.Error(err)
			}
			got[i] = b
		})
	}
	started.Wait()
	close(release)
	wg.Wait()
	if r := runs.Load(); r != 1 {
		t.Errorf("encoded %d times, want once", r)
	}
	for i := range got {
		if len(got[i]) == 0 || &got[i][0] != &got[0][0] {
			t.Fatalf("session %d holds its own copy of the landscape", i)
		}
	}
}
