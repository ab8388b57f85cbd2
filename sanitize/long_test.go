//go:build long

package sanitize

// everyRune: with -tags long TestEveryRune checks every letter of the BMP
// and all of plane 1, and samples the other planes more densely.
const everyRune = true
