//go:build long

package client

// The full sizes (-tags long); quick_test.go has the normal suite's.

// hugeField: TestHostileAnswers' 5 MB RequestId (3 MB code, 4 MB message).
const hugeField = 5 << 20
