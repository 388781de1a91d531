//go:build linux || darwin

package main

import (
	"syscall"
	"testing"
)

// ensureFiles makes sure the process may open n files, raising its soft
// limit towards the hard one for the test if need be, or skips the test.
func ensureFiles(t *testing.T, n int) {
	t.Helper()
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Skipf("getrlimit: %v", err)
	}
	if lim.Cur >= uint64(n) {
		return
	}
	if lim.Max < uint64(n) {
		t.Skipf("the process may open %d files at most, the test needs %d", lim.Max, n)
	}
	was := lim
	lim.Cur = uint64(n)
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Skipf("raising the open-file limit to %d: %v", n, err)
	}
	t.Cleanup(func() { syscall.Setrlimit(syscall.RLIMIT_NOFILE, &was) })
}
