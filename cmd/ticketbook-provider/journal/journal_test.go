package journal

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"ticketbook/core/provider"
	"ticketbook/core/provider/providertest"
)

var day0 = time.Date(2025, 6, 10, 2, 0, 0, 0, time.UTC)

func now() time.Time { return day0 }

func js(v any) string { b, _ := json.Marshal(v); return string(b) }

func TestStateSurvivesRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "提供方 provider.db") // CJK and a space in the path
	j, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if s, err := j.Load(); s != nil || err != nil {
		t.Fatalf("fresh journal: %v %v", s, err)
	}
	p, err := providertest.New(providertest.Options{Journal: j, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if err := providertest.SeedDemo(p, day0); err != nil {
		t.Fatal(err)
	}
	var d provider.Violation
	for _, v := range p.Violations() {
		if v.Status == "decided" && v.LateFeeFen != nil && *v.LateFeeFen == 0 {
			d = v
		}
	}
	srv := httptest.NewServer(p)
	body, _ := json.Marshal(provider.PayRequest{DecisionNumber: d.DecisionNumber, AmountFen: d.FineFen, Method: "card"})
	pay := func(url string) (*http.Response, provider.Payment) {
		req, _ := http.NewRequest("POST", url+"/v1/payments", bytes.NewReader(body))
		req.Header.Set(provider.HeaderIdempotencyKey, "k1")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out provider.Payment
		json.NewDecoder(resp.Body).Decode(&out)
		if resp.StatusCode != 201 {
			t.Fatalf("pay: %d", resp.StatusCode)
		}
		return resp, out
	}
	_, first := pay(srv.URL)
	srv.Close()
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("journal file mode: %v %v", fi.Mode(), err)
	}

	j2, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer j2.Close()
	p2, err := providertest.New(providertest.Options{Journal: j2, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if js(p2.Violations()) != js(p.Violations()) || js(p2.Ledger()) != js(p.Ledger()) || js(p2.Actions()) != js(p.Actions()) {
		t.Fatal("state differs after restart")
	}
	srv2 := httptest.NewServer(p2)
	defer srv2.Close()
	resp, again := pay(srv2.URL)
	if again != first || resp.Header.Get(provider.HeaderReplayed) != "true" || len(p2.Ledger()) != 2 {
		t.Errorf("the key was forgotten: %+v, ledger %d", again, len(p2.Ledger()))
	}
	photo, err := http.Get(srv2.URL + "/v1/violations/" + d.RecordNumber + "/photos/0")
	if err != nil || photo.StatusCode != 200 || photo.Header.Get("Content-Type") != "image/jpeg" {
		t.Fatalf("photo after restart: %v %v", photo, err)
	}
	photo.Body.Close()
}

func TestSecondOpenIsRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.db")
	j, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	if j2, err := Open(path); err == nil {
		j2.Close()
		t.Fatal("two providers share one journal")
	}
}
