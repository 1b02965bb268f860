package web_test

import (
	"testing"
)

func TestEmbedViewsExplore(t *testing.T) {
	for _, sz := range [][2]int{{640, 400}, {390, 844}} {
		b := newBrowser(t, sz[0], sz[1])
		b.shots = "/tmp/shots/embedviews"
		for _, q := range []string{"map=hypermap", "decay=1", "sharp=5"} {
			b.openAt("/embed?lesson=momentum&" + q)
			b.wait("drawn", pageDrawn)
			if q == "map=hypermap" {
				b.wait("map", mapsWhole)
			}
			b.screenshot("explore-" + q + "-" + itoa(sz[0]))
			t.Logf("%s: %v", q, eval[string](b, `JSON.stringify([document.getElementById('embed-views')?.dataset, document.querySelector('canvas.landscape').getBoundingClientRect()])`))
		}
	}
	if errs := (&browser{}).log; errs != nil {
	}
}

func itoa(i int) string { return string(rune('0'+i/100)) + string(rune('0'+i/10%10)) + string(rune('0'+i%10)) }
