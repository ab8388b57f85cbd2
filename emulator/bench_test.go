package emulator

import "testing"

// BenchmarkDescribeSDK is one Describe through the official SDK over
// loopback, quota off: what the emulator costs a test suite per call.
func BenchmarkDescribeSDK(b *testing.B) {
	s := startServer(b, Config{RateLimit: -1, Scenario: DemoScenario()}, nil)
	c := demoClient(s)
	p := describeParams(DemoSdkAppID, demoIDs[1])
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := do(b, c, "DescribeCloudRecording", p); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyTC3 is the signature check alone (worst case: the host
// and URI forms tried).
func BenchmarkVerifyTC3(b *testing.B) {
	v := vecVerifier(1795636431)
	for i := 0; i < b.N; i++ {
		r := tc3Request("1795636431", "127", vecNodeTC, vecBody)
		if _, aerr := v.verify(r, []byte(vecBody)); aerr != nil {
			b.Fatal(aerr)
		}
	}
}
