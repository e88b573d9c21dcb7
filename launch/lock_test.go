package launch

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestLockTimeout: a lock another holder keeps is waited for, but not for
// ever; once released it is taken.
func TestLockTimeout(t *testing.T) {
	saved := lockTimeout
	t.Cleanup(func() { lockTimeout = saved })
	lockTimeout = 50 * time.Millisecond

	path := filepath.Join(t.TempDir(), "snap.lock")
	holder, err := takeLock(path)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = takeLock(path) // its own descriptor: flock locks conflict across open files
	if !errors.Is(err, errLockTimeout) || !strings.Contains(err.Error(), path) {
		t.Fatalf("takeLock while held: got %v, want a timeout naming %s", err, path)
	}
	if waited := time.Since(start); waited < lockTimeout {
		t.Errorf("gave up after %v, before the timeout %v", waited, lockTimeout)
	}
	if l, err := tryLock(path); l != nil || err != nil {
		t.Errorf("tryLock while held: got %v, %v, want nil, nil", l, err)
	}

	lockTimeout = 5 * time.Second
	done := make(chan error, 1)
	go func() {
		l, err := takeLock(path)
		l.release()
		done <- err
	}()
	time.Sleep(10 * time.Millisecond)
	holder.release()
	if err := <-done; err != nil {
		t.Errorf("takeLock after the holder released: %v", err)
	}
}
