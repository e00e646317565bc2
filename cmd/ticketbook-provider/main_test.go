package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"ticketbook/core/provider"
)

func TestCheckAddr(t *testing.T) {
	for addr, ok := range map[string]bool{
		"127.0.0.1:8780": true, "localhost:1": true, "[::1]:8780": true, "127.3.2.1:80": true,
		":8780": false, "0.0.0.0:8780": false, "192.168.1.5:8780": false, "[::]:8780": false, "example.com:80": false, "nonsense": false,
	} {
		if err := checkAddr(addr, false); (err == nil) != ok {
			t.Errorf("%s: %v", addr, err)
		}
	}
	if err := checkAddr("0.0.0.0:8780", true); err != nil {
		t.Errorf("--public: %v", err)
	}
}

func TestRefusesNonLoopbackWithoutPublic(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"--addr", "0.0.0.0:0"}, &out, &errb); code != 2 {
		t.Fatalf("exit %d", code)
	}
	if !strings.Contains(errb.String(), "--public") || out.Len() != 0 {
		t.Errorf("message %q, stdout %q", errb.String(), out.String())
	}
	if code := run(context.Background(), []string{"--error-rate", "1.5"}, &out, &errb); code != 2 {
		t.Errorf("bad rate: exit %d", code)
	}
}

type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) { s.mu.Lock(); defer s.mu.Unlock(); return s.b.Write(p) }
func (s *syncBuf) String() string              { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

var listening = regexp.MustCompile(`listening on (http://\S+)`)

// start runs the command until the returned stop is called.
func start(t *testing.T, args ...string) (url string, stop func() (int, string)) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out, errb := &syncBuf{}, &syncBuf{}
	code := make(chan int, 1)
	go func() { code <- run(ctx, append([]string{"--addr", "127.0.0.1:0"}, args...), out, errb) }()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if m := listening.FindStringSubmatch(out.String()); m != nil {
			return m[1], func() (int, string) { cancel(); return <-code, errb.String() }
		}
		select {
		case c := <-code:
			t.Fatalf("exited %d: %s", c, errb.String())
		default:
		}
	}
	cancel()
	t.Fatal("never listened")
	return "", nil
}

func account(t *testing.T, url, token string) (provider.Account, int) {
	t.Helper()
	req, _ := http.NewRequest("GET", url+"/v1/account", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var a provider.Account
	json.NewDecoder(resp.Body).Decode(&a)
	return a, resp.StatusCode
}

func TestDemoSurvivesRestart(t *testing.T) {
	db := filepath.Join(t.TempDir(), "provider.db")
	const tok = "tok-123456"
	url, stop := start(t, "--db", db, "--demo", "--token", tok)
	a, status := account(t, url, tok)
	if status != 200 || !a.Demo || len(a.Vehicles) < 4 {
		t.Fatalf("demo account: %d %+v", status, a)
	}
	if _, status := account(t, url, "wrong"); status != 401 {
		t.Errorf("wrong token: %d", status)
	}
	code, logs := stop()
	if code != 0 || !strings.Contains(logs, "GET /v1/account 200") || !strings.Contains(logs, "GET /v1/account 401") || strings.Contains(logs, tok) {
		t.Fatalf("exit %d, logs:\n%s", code, logs)
	}

	url, stop = start(t, "--db", db, "--demo", "--token", tok)
	b, _ := account(t, url, tok)
	if code, logs := stop(); code != 0 || !strings.Contains(logs, "not seeded again") {
		t.Fatalf("exit %d, logs:\n%s", code, logs)
	}
	if len(b.Vehicles) != len(a.Vehicles) || b.Name != a.Name {
		t.Errorf("after restart: %+v", b)
	}
}

func TestGeneratesATokenWhenNoneGiven(t *testing.T) {
	t.Setenv("TICKETBOOK_PROVIDER_TOKEN", "")
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuf{}
	done := make(chan int)
	go func() { done <- run(ctx, []string{"--addr", "127.0.0.1:0"}, out, &syncBuf{}) }()
	re := regexp.MustCompile(`token: ([0-9a-f]{32})`)
	for i := 0; i < 500 && !listening.MatchString(out.String()); i++ {
		time.Sleep(10 * time.Millisecond)
	}
	m, l := re.FindStringSubmatch(out.String()), listening.FindStringSubmatch(out.String())
	if m == nil || l == nil {
		cancel()
		t.Fatalf("stdout %q", out.String())
	}
	if _, status := account(t, l[1], m[1]); status != 200 {
		t.Errorf("generated token refused: %d", status)
	}
	cancel()
	<-done
}
