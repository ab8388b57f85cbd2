//go:build race

package watch

// raceEnabled scales the callback flood down: the race detector slows the
// receiver and the engine several times over on the suite's two cores.
const raceEnabled = true
