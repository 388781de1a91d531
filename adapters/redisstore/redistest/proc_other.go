//go:build !linux

package redistest

import "os/exec"

// dieWithParent does nothing where the kernel cannot kill a child with its
// parent: Main stops the server.
func dieWithParent(*exec.Cmd) {}
