//go:build unix

package connect

import (
	"errors"
	"syscall"
)

// processAlive uses signal 0: ESRCH means no such process; EPERM means one
// exists that we may not signal, which is alive.
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || !errors.Is(err, syscall.ESRCH)
}
