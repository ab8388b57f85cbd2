//go:build !long

package sanitize

// everyRune is false in the normal suite, which must stay quick under -race
// on two cores: TestEveryRune samples the letters and the sparse planes
// there. long_test.go sets it (go test -race -tags long, a step of its own
// in CI).
const everyRune = false
