//go:build !long

package sanitize

// everyRune is false in the normal suite, which must stay quick under -race
// on two cores: TestEveryRune samples the less used part of plane 1 there.
// long_test.go sets it (go test -race -tags long, a step of its own in CI).
const everyRune = false
