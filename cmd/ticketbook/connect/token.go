package connect

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/zalando/go-keyring"
)

// EnvToken overrides any stored token (scripts, CI, a one-off sync).
const EnvToken = "TICKETBOOK_PROVIDER_TOKEN"

const keyringService = "ticketbook-provider"

// Where a token was found or kept.
const (
	FromEnv     = "environment"
	FromKeyring = "keyring"
	FromFile    = "file"
)

// tokenFile is the 0600 fallback where no OS keyring runs (a server, a
// bare desktop without a secret service).
func tokenFile(dataDir string) string { return filepath.Join(dataDir, "provider-token") }

// keyringUsable avoids asking D-Bus for a secret service that is not there:
// without a session bus the library would try to launch one.
func keyringUsable() bool {
	if os.Getenv("TICKETBOOK_KEYRING") == "off" {
		return false
	}
	if runtime.GOOS == "linux" || runtime.GOOS == "freebsd" {
		return os.Getenv("DBUS_SESSION_BUS_ADDRESS") != ""
	}
	return true
}

// withTimeout runs a keyring call that could block on an unresponsive
// secret service.
func withTimeout[T any](fn func() (T, error)) (T, error) {
	type result struct {
		v   T
		err error
	}
	ch := make(chan result, 1)
	go func() { v, err := fn(); ch <- result{v, err} }()
	select {
	case r := <-ch:
		return r.v, r.err
	case <-time.After(3 * time.Second):
		var zero T
		return zero, errors.New("the keyring did not answer")
	}
}

// LoadToken finds the token for the provider at url: the environment first,
// then the keyring, then the 0600 file. "" with no error means none is set.
func LoadToken(dataDir, url string) (token, source string, err error) {
	if t := strings.TrimSpace(os.Getenv(EnvToken)); t != "" {
		return t, FromEnv, nil
	}
	if keyringUsable() {
		t, err := withTimeout(func() (string, error) { return keyring.Get(keyringService, url) })
		if err == nil && t != "" {
			return t, FromKeyring, nil
		}
	}
	data, err := os.ReadFile(tokenFile(dataDir))
	if errors.Is(err, os.ErrNotExist) {
		return "", "", nil
	}
	if err != nil {
		return "", "", err
	}
	for _, line := range strings.Split(string(data), "\n") {
		if u, t, ok := strings.Cut(line, " "); ok && u == url {
			return strings.TrimSpace(t), FromFile, nil
		}
	}
	return "", "", nil
}

// SaveToken keeps the token in the keyring, or in the 0600 file where no
// keyring answers. It returns where it went.
func SaveToken(dataDir, url, token string) (string, error) {
	token = strings.TrimSpace(token)
	if token == "" || strings.ContainsAny(token, " \n\r\t") {
		return "", errors.New("token: must be one word without spaces")
	}
	if keyringUsable() {
		if _, err := withTimeout(func() (struct{}, error) {
			return struct{}{}, keyring.Set(keyringService, url, token)
		}); err == nil {
			_ = removeFromFile(dataDir, url)
			return FromKeyring, nil
		}
	}
	lines, err := fileLines(dataDir, url)
	if err != nil {
		return "", err
	}
	lines = append(lines, url+" "+token)
	return FromFile, writeFile(dataDir, lines)
}

// DeleteToken forgets the token of url everywhere it may be kept.
func DeleteToken(dataDir, url string) error {
	if keyringUsable() {
		_, _ = withTimeout(func() (struct{}, error) { return struct{}{}, keyring.Delete(keyringService, url) })
	}
	return removeFromFile(dataDir, url)
}

func removeFromFile(dataDir, url string) error {
	lines, err := fileLines(dataDir, url)
	if err != nil {
		return err
	}
	return writeFile(dataDir, lines)
}

// fileLines is the token file without url's line.
func fileLines(dataDir, url string) ([]string, error) {
	data, err := os.ReadFile(tokenFile(dataDir))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []string
	for _, line := range strings.Split(string(data), "\n") {
		if u, _, ok := strings.Cut(line, " "); ok && u != url {
			out = append(out, line)
		}
	}
	return out, nil
}

func writeFile(dataDir string, lines []string) error {
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return err
	}
	path := tokenFile(dataDir)
	if len(lines) == 0 {
		if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		return nil
	}
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(strings.Join(lines, "\n") + "\n"); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp, 0o600); err != nil {
		return fmt.Errorf("token file: %w", err)
	}
	return os.Rename(tmp, path)
}

// Mask shows a token's last 4 characters only.
func Mask(token string) string {
	if len(token) <= 4 {
		return strings.Repeat("•", len(token))
	}
	return strings.Repeat("•", 8) + token[len(token)-4:]
}
