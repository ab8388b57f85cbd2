package export

import (
	"io"
	"strconv"
	"testing"

	"github.com/trtcwatch/trtcwatch/watch"
)

// BenchmarkWrite renders 1,000 tasks (the fixture's shapes repeated), the
// size of a big watch list, in each format.
func BenchmarkWrite(b *testing.B) {
	var tasks []watch.Task
	for i := 0; len(tasks) < 1000; i++ {
		for _, t := range fixture() {
			t.Ref.TaskID += strconv.Itoa(i)
			tasks = append(tasks, t)
		}
	}
	tasks = tasks[:1000]
	for _, f := range formats {
		b.Run(string(f), func(b *testing.B) {
			for b.Loop() {
				if err := Write(io.Discard, f, tasks, zone, now); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
