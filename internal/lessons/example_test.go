package lessons_test

import (
	"fmt"

	"github.com/saddle-viz/saddle/internal/lessons"
)

// A lesson page shows the lesson and links to the next one.
func ExampleNext() {
	l, _ := lessons.Get("cliffs")
	next, _ := lessons.Next(l.ID)
	fmt.Printf("%s (%s, %s) → next: %s\n", l.Title, l.Section, l.Figure, next.Title)
	// Output: Cliffs and clipping (8.2.4 (draft 8.2.5), the figure of a cliff in the cost) → next: Long-term dependencies
}

// The index groups the lessons by the section of the published chapter.
func ExampleGroups() {
	for _, g := range lessons.Groups() {
		fmt.Printf("%s %s: %d\n", g.Section, g.Title, len(g.Lessons))
	}
	// Output:
	// 8.2 Challenges in neural network optimization: 10
	// 8.3 Basic algorithms: 2
	// 8.4 Parameter initialization strategies: 1
	// 8.5 Algorithms with adaptive learning rates: 2
	// 8.6 Approximate second-order methods: 4
	// 8.7 Optimization strategies and meta-algorithms: 2
}
