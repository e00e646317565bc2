//go:build !unix

package connect

// processAlive cannot tell here, so every lease is waited out.
func processAlive(int) bool { return true }
