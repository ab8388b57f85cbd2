package client

import (
	"errors"
	"sync"
	"time"

	"github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/common"
)

// cvmRefreshEvery is how old a CVM role credential may get before the next
// call fetches a new one. Role credentials live for hours; the SDK refreshes
// 5 minutes before expiry but does not expose the expiry, so we refresh on a
// fixed period well inside it.
const cvmRefreshEvery = 5 * time.Minute

// cvmRetryAfter spaces refresh attempts after a failure, so a dead metadata
// server costs one bounded wait per period, not one per call.
const cvmRetryAfter = 30 * time.Second

// cvmCredential wraps the SDK's CVM role provider so that no call can hang
// on the metadata server. The SDK provider (and the CvmRoleCredential it
// returns, which refreshes itself inside Send) uses http.Get with no
// timeout. Here every fetch runs in its own goroutine and the caller waits
// at most `wait`; a fetch that overruns is abandoned (it ends when the OS
// gives up the connection) and at most one fetch is ever in flight, so
// goroutines cannot pile up. On a failed refresh the last values are kept:
// the API then says whether they still work.
type cvmCredential struct {
	provider common.Provider
	wait     time.Duration

	mu       sync.Mutex
	id, key  string
	token    string
	fetched  time.Time
	retryAt  time.Time        // after a failed refresh, calls do not wait again before this
	inflight chan fetchResult // non-nil while a fetch runs
}

type fetchResult struct {
	id, key, token string
	err            error
}

// newCVMCredential fetches once, bounded by wait, so that New fails fast
// with a clear reason when the machine has no role.
func newCVMCredential(p common.Provider, wait time.Duration) (*cvmCredential, error) {
	c := &cvmCredential{provider: p, wait: wait}
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.refreshLocked(); err != nil {
		return nil, err
	}
	return c, nil
}

var errCVMTimeout = errors.New("metadata server did not answer in time")

// refreshLocked runs one bounded fetch. Called with mu held.
func (c *cvmCredential) refreshLocked() error {
	if c.inflight == nil {
		ch := make(chan fetchResult, 1)
		c.inflight = ch
		p := c.provider
		go func() {
			var r fetchResult
			cred, err := p.GetCredential()
			switch {
			case err != nil:
				r.err = err
			case cred == nil:
				r.err = errors.New("metadata server returned no credential")
			default:
				// Read all three at once while still in this goroutine:
				// the SDK credential may itself go to the network.
				r.id, r.key, r.token = cred.GetCredential()
			}
			ch <- r
		}()
	}
	timer := time.NewTimer(c.wait)
	defer timer.Stop()
	select {
	case r := <-c.inflight:
		c.inflight = nil
		if r.err != nil {
			return r.err
		}
		if r.id == "" || r.key == "" {
			return errors.New("metadata server returned an empty credential")
		}
		c.id, c.key, c.token, c.fetched = r.id, r.key, r.token, time.Now()
		return nil
	case <-timer.C:
		return errCVMTimeout
	}
}

// get returns the current triple, refreshing first when it is stale.
func (c *cvmCredential) get() (string, string, string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if now := time.Now(); now.Sub(c.fetched) >= cvmRefreshEvery && !now.Before(c.retryAt) {
		if err := c.refreshLocked(); err != nil {
			c.retryAt = now.Add(cvmRetryAfter) // keep the old values meanwhile
		}
	}
	return c.id, c.key, c.token
}

// GetCredential is what the SDK signer calls; the other three getters exist
// to satisfy common.CredentialIface.
func (c *cvmCredential) GetCredential() (string, string, string) { return c.get() }

func (c *cvmCredential) GetSecretId() string { id, _, _ := c.get(); return id }

func (c *cvmCredential) GetSecretKey() string { _, key, _ := c.get(); return key }

func (c *cvmCredential) GetToken() string { _, _, tok := c.get(); return tok }
