package connect

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// owner names this process in outbox leases.
func owner() string {
	host, _ := os.Hostname()
	return fmt.Sprintf("%s:%d", host, os.Getpid())
}

// deadOwner reports a lease holder that certainly no longer runs: a process
// of this machine that is gone. Another machine's sender (a database on a
// shared folder) is never assumed dead; its lease simply runs out.
func deadOwner(o string) bool {
	host, pidText, ok := strings.Cut(o, ":")
	me, _ := os.Hostname()
	if !ok || host != me {
		return false
	}
	pid, err := strconv.Atoi(pidText)
	if err != nil || pid <= 0 || pid == os.Getpid() {
		return false
	}
	return !processAlive(pid)
}
