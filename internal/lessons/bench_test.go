package lessons

import (
	"testing"

	"github.com/saddle-viz/saddle/internal/scene"
)

// BenchmarkAll is the cost of the lesson list, built afresh on every call
// (GET /api/lessons and every lesson page call it).
func BenchmarkAll(b *testing.B) {
	for b.Loop() {
		if len(All()) == 0 {
			b.Fatal("no lessons")
		}
	}
}

// BenchmarkPlayEveryLesson builds and plays every lesson to its end, as a
// server rendering the index's thumbnails would.
func BenchmarkPlayEveryLesson(b *testing.B) {
	all := All()
	for b.Loop() {
		for _, l := range all {
			sc, err := scene.Build(l.Request(-1))
			if err != nil {
				b.Fatal(err)
			}
			sc.RunAll(l.Steps)
		}
	}
}

// BenchmarkTrackContinuation is the continuation lesson's σ sweep, 200
// steps per σ on the Gauss–Hermite blurred Rastrigin.
func BenchmarkTrackContinuation(b *testing.B) {
	l, _ := Get("continuation")
	for b.Loop() {
		if _, err := l.Track(200); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNetworkLessonStep is the cost of one step of every run of a
// lesson on a projected network (scene.RunAll, full detail with gᵀHg), the
// work behind each frame the page plays: ns/step must stay well under the
// lesson's 1/speed seconds.
func BenchmarkNetworkLessonStep(b *testing.B) {
	for _, id := range []string{"real-network", "saddle-points-high-dim", "initialization"} {
		l, _ := Get(id)
		b.Run(id, func(b *testing.B) {
			sc, err := scene.Build(l.Request(-1))
			if err != nil {
				b.Fatal(err)
			}
			steps := 0
			for b.Loop() {
				sc, _ = scene.Build(l.Request(-1)) // the plane is cached
				sc.RunAll(l.Steps)
				steps += l.Steps
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(steps), "ns/step")
		})
	}
}
