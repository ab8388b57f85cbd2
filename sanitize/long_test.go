//go:build long

package sanitize

// everyRune: with -tags long TestEveryRune checks all of plane 1.
const everyRune = true
