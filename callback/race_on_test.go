//go:build race

package callback

// raceEnabled scales the load test down: the race detector slows the
// handler several times over on the suite's two cores.
const raceEnabled = true
