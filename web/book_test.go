package web_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/saddle-viz/saddle/internal/lessons"
	"github.com/saddle-viz/saddle/internal/optim"
	"github.com/saddle-viz/saddle/internal/zoo"
	"github.com/saddle-viz/saddle/web/templates"
)

// The book a student holds is the published one (MIT Press 2016); the seed
// draft numbers chapter 8 differently (/work/shared/BOOK-NUMBERS.md). What
// the page shows (lessons, optimizers, objectives, ready scenes) cites the
// published number first and the draft's after it, marked "draft", where
// they differ.

// draftToPublished maps the draft's section and algorithm numbers that
// moved to the published ones; "" where the published book has none, and
// then the citation must name what it cites instead (paperFor).
var draftToPublished = map[string]string{
	"8.2.3": "8.2.1", "8.2.4": "8.2.3", "8.2.5": "8.2.4", "8.2.6": "8.2.5", "8.2.7": "8.2.6",
	"8.3.2": "8.3.1", "8.3.3": "8.3.2", "8.3.4": "8.3.3",
	"8.4": "8.5", "8.4.1": "8.5.1", "8.4.2": "8.5.2", "8.4.3": "8.5.3", "8.4.4": "", "8.4.5": "8.5.4",
	"8.5": "8.6", "8.5.1": "8.6.1", "8.5.2": "8.6.2", "8.5.3": "8.6.3",
	"8.6":   "",
	"8.7.1": "8.7.2", "8.7.2": "8.4", "8.7.3": "8.7.4", "8.7.4": "8.7.5", "8.7.5": "8.7.6",
	"Algorithm 8.8": "", "Algorithm 8.9": "Algorithm 8.8", "Algorithm 8.10": "Algorithm 8.9", "Algorithm 8.11": "",
}

// paperFor is what a citation of a draft number with no published
// counterpart names instead.
var paperFor = map[string]string{
	"8.4.4": "Zeiler 2012", "Algorithm 8.8": "Zeiler 2012", "8.6": "Amari 1998", "Algorithm 8.11": "§8.6.3",
}

// published is every section and algorithm box of the published chapter 8.
var published = func() map[string]bool {
	m := map[string]bool{}
	for _, s := range strings.Fields(`8.1 8.1.1 8.1.2 8.1.3 8.2 8.2.1 8.2.2 8.2.3 8.2.4 8.2.5 8.2.6 8.2.7 8.2.8
		8.3 8.3.1 8.3.2 8.3.3 8.4 8.5 8.5.1 8.5.2 8.5.3 8.5.4 8.6 8.6.1 8.6.2 8.6.3
		8.7 8.7.1 8.7.2 8.7.3 8.7.4 8.7.5 8.7.6`) {
		m[s] = true
	}
	for i := 1; i <= 9; i++ {
		m[fmt.Sprintf("Algorithm 8.%d", i)] = true
	}
	return m
}()

// citation matches a chapter-8 section or algorithm number, or a range of
// them ("8.3.2–8.3.3"), with the "draft" that may mark it.
var citation = regexp.MustCompile(`(?:^|[^\d.])(draft §?)?(Algorithms? )?(8(?:\.\d+)+)(?:[–-](8(?:\.\d+)+))?`)

// afterBox matches the end of "Algorithm 8.8 (", before a bracket.
var afterBox = regexp.MustCompile(`Algorithm 8(\.\d+)+\s*\(?$`)

// figureOrEquation matches a figure or an equation cited by number, which
// moved between the draft and the book and cannot be checked here.
var figureOrEquation = regexp.MustCompile(`(?i)\b(figs?\.?|figures?|eq\.|equations?)\s*8\.\d+`)

// checkCitations reports what is wrong with the citations in s.
func checkCitations(s string) []string {
	var bad []string
	if m := figureOrEquation.FindString(s); m != "" {
		bad = append(bad, fmt.Sprintf("%q cites a figure or an equation by its number", m))
	}
	for _, m := range citation.FindAllStringSubmatchIndex(s, -1) {
		draft := m[2] >= 0
		prefix := ""
		if m[4] >= 0 {
			prefix = "Algorithm "
		}
		before := s[max(0, m[0]-60):m[0]]
		// "Algorithm 8.8 (draft 8.9)": the bracket's number is a box too.
		if draft && prefix == "" && afterBox.MatchString(before) {
			prefix = "Algorithm "
		}
		for _, g := range [][2]int{{m[6], m[7]}, {m[8], m[9]}} {
			if g[0] < 0 {
				continue
			}
			n := prefix + s[g[0]:g[1]]
			if !draft {
				if !published[n] {
					bad = append(bad, fmt.Sprintf("%q is not in the published book (a draft number cited without the published one?)", n))
				}
				continue
			}
			pub, moved := draftToPublished[n]
			switch {
			case !moved:
				bad = append(bad, fmt.Sprintf("\"draft %s\" is the same in the published book: cite it once", n))
			case pub == "":
				if !strings.Contains(before, paperFor[n]) {
					bad = append(bad, fmt.Sprintf("\"draft %s\" has no published counterpart; cite %s before it", n, paperFor[n]))
				}
			case !strings.Contains(before, pub):
				bad = append(bad, fmt.Sprintf("\"draft %s\" is not preceded by the published %s", n, pub))
			}
		}
	}
	return bad
}

// strings returns every string in v's JSON, with its path.
func jsonStrings(t *testing.T, v any) map[string]string {
	t.Helper()
	buf, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var tree any
	if err := json.Unmarshal(buf, &tree); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	var walk func(string, any)
	walk = func(path string, x any) {
		switch x := x.(type) {
		case string:
			out[path] = x
		case []any:
			for i, e := range x {
				walk(fmt.Sprintf("%s[%d]", path, i), e)
			}
		case map[string]any:
			for k, e := range x {
				walk(path+"."+k, e)
			}
		}
	}
	walk("", tree)
	return out
}

func TestTheBookCitedIsThePublishedOne(t *testing.T) {
	for name, v := range map[string]any{
		"lessons": lessons.All(), "optimizers": optim.Catalogue(), "objectives": zoo.Catalogue(), "scenes": templates.Scenes(),
	} {
		for path, s := range jsonStrings(t, v) {
			for _, why := range checkCitations(s) {
				t.Errorf("%s%s: %s in %q", name, path, why, s)
			}
		}
	}
}

// The checker itself: the draft's numbers alone fail, the published ones
// with the draft's in brackets pass.
func TestCitationChecker(t *testing.T) {
	for s, ok := range map[string]bool{
		"§8.6.1 (draft 8.5.1), Algorithm 8.8 (draft 8.9)": true,
		"8.3.2–8.3.3 (draft 8.3.3–8.3.4)":                 true,
		"Zeiler 2012 (draft Algorithm 8.8)":               true,
		"Amari 1998 (draft 8.6)":                          true,
		"§8.6.3 (draft 8.5.3; draft Algorithm 8.11)":      true,
		"rate 0.8, ε = 1e-8, 28.5":                        true,
		"AdaDelta Algorithm 8.8 (draft)":                  true, // a bare 8.8 is the published Newton box; the per-method test catches it
		"Newton 8.5.1 / Algorithm 8.9":                    true, // both are published numbers (AdaGrad, CG): TestSectionsCiteTheRightTopic catches it
		"Nesterov 8.3.4":                                  false,
		"AdaDelta 8.4.4":                                  false,
		"Algorithm 8.10":                                  false,
		"Newton (draft 8.5.1)":                            false,
		"§8.6.2 (draft 8.5.1)":                            false,
		"AdaDelta (draft Algorithm 8.8)":                  false,
		"Fig 8.1":                                         false,
		"equation 8.14":                                   false,
		"8.2.1 (draft 8.2.1)":                             false,
	} {
		if got := len(checkCitations(s)) == 0; got != ok {
			t.Errorf("%q: passes %v, want %v (%q)", s, got, ok, checkCitations(s))
		}
	}
}

// Each optimizer, lesson and ready scene cites its own topic's published
// section (and box), so a draft number that happens to be a published one
// (draft Newton 8.5.1 is the published AdaGrad) cannot pass.
func TestSectionsCiteTheRightTopic(t *testing.T) {
	wantOpt := map[string][]string{
		"gd": {"§8.3.1"}, "sgd": {"§8.3.1", "Algorithm 8.1"}, "momentum": {"§8.3.2", "Algorithm 8.2"},
		"nesterov": {"§8.3.3", "Algorithm 8.3"}, "delta_bar_delta": {"§8.5 ", "Jacobs 1988"},
		"adagrad": {"§8.5.1", "Algorithm 8.4"}, "rmsprop": {"§8.5.2", "Algorithm 8.5"},
		"rmsprop_nesterov": {"§8.5.2", "Algorithm 8.6"}, "adam": {"§8.5.3", "Algorithm 8.7"},
		"adadelta": {"Zeiler 2012 (draft Algorithm 8.8)"}, "newton": {"§8.6.1 (draft 8.5.1)", "Algorithm 8.8 (draft 8.9)"},
		"saddle_free_newton": {"§8.2.3", "Dauphin et al. 2014"}, "cg": {"§8.6.2", "Algorithm 8.9 (draft 8.10)"},
		"bfgs": {"§8.6.3"}, "lbfgs": {"§8.6.3"}, "natural_gradient": {"Amari 1998"}, "coordinate": {"§8.7.2"},
		"adamw": {"Loshchilov & Hutter 2019"}, "nadam": {"Dozat 2016"}, "radam": {"Liu et al. 2020"}, "lion": {"Chen et al. 2023"},
		"sam": {"Foret et al. 2021"}, "muon": {"Jordan et al. 2024"}, "shampoo": {"Gupta et al. 2018"},
	}
	for _, o := range optim.Catalogue() {
		want, ok := wantOpt[o.ID]
		if !ok {
			t.Errorf("optimizer %s: no expected citation; add it here", o.ID)
		}
		for _, w := range want {
			if !strings.Contains(o.Section, w) {
				t.Errorf("optimizer %s cites %q, want %q in it", o.ID, o.Section, w)
			}
		}
	}
	wantLesson := map[string]string{
		"real-network": "8.2", "ill-conditioning": "8.2.1", "local-minima": "8.2.2", "saddle-points": "8.2.3 (draft 8.2.4)",
		"plateaus": "8.2.3 (draft 8.2.4)", "saddle-points-high-dim": "8.2.3 (draft 8.2.4)", "cliffs": "8.2.4 (draft 8.2.5)",
		"long-term-dependencies": "8.2.5 (draft 8.2.6)", "sgd": "8.3.1 (draft 8.3.2)", "momentum": "8.3.2–8.3.3 (draft 8.3.3–8.3.4)",
		"initialization": "8.4 (draft 8.7.2)", "adaptive-rates": "8.5 (draft 8.4)", "newton-vs-gd": "8.6.1 (draft 8.5.1)",
		"conjugate-gradients": "8.6.2 (draft 8.5.2)", "bfgs": "8.6.3 (draft 8.5.3)", "natural-gradient": "Amari 1998 (draft 8.6)",
		"coordinate-descent": "8.7.2 (draft 8.7.1)", "continuation": "8.7.6 (draft 8.7.5)", "edge-of-stability": "8.2.1",
		"beyond-the-chapter": "8.5 (draft 8.4)",
		"basins":             "8.2.2",
	}
	for _, l := range lessons.All() {
		if w, ok := wantLesson[l.ID]; !ok || l.Section != w {
			t.Errorf("lesson %s cites %q, want %q", l.ID, l.Section, w)
		}
	}
	wantScene := map[string]string{"ill-conditioning": "§8.2.1, §8.3.2", "cliffs": "§8.2.4 (draft 8.2.5)", "newton-vs-gd": "§8.6.1 (draft 8.5.1)"}
	for _, s := range templates.Scenes() {
		if w, ok := wantScene[s.ID]; !ok || s.Section != w {
			t.Errorf("scene %s cites %q, want %q", s.ID, s.Section, w)
		}
	}
}
