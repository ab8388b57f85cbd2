package common

import "testing"

// BenchmarkNewStyles is the palette a model takes when it starts and when
// the terminal says its background: a session's first frame waits for it.
//
//	go test -run XXX -bench NewStyles ./ui/common
func BenchmarkNewStyles(b *testing.B) {
	dark := false
	for b.Loop() {
		NewStyles(dark, false)
		dark = !dark
	}
}
