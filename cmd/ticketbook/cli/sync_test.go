package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"ticketbook/core/provider/providertest"
)

// TestMain lets a test run this package's command line as a separate
// process (the test binary re-executed), so it can be killed for real.
func TestMain(m *testing.M) {
	if os.Getenv("TB_CLI_CHILD") == "1" {
		os.Exit(Main(context.Background(), os.Args[1:], os.Stdout, os.Stderr, nil))
	}
	os.Exit(m.Run())
}

func demoProvider(t *testing.T, faults providertest.Faults) (*providertest.Provider, string) {
	t.Helper()
	p, err := providertest.New(providertest.Options{Token: "tok", Seed: 3, Faults: faults})
	if err != nil {
		t.Fatal(err)
	}
	if err := providertest.SeedDemo(p, time.Now()); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	t.Setenv("TICKETBOOK_PROVIDER_TOKEN", "tok")
	t.Setenv("TICKETBOOK_KEYRING", "off")
	return p, srv.URL
}

type syncReport struct {
	Sent            int              `json:"sent"`
	Pending         int              `json:"pending"`
	VehiclesAdded   int              `json:"vehicles_added"`
	PeopleAdded     int              `json:"people_added"`
	ViolationsAdded int              `json:"violations_added"`
	PhotosFetched   int              `json:"photos_fetched"`
	PaidElsewhere   int              `json:"paid_elsewhere"`
	Failures        []map[string]any `json:"failures"`
	Online          bool             `json:"online"`
}

func TestSyncBringsInTheDemoFleet(t *testing.T) {
	prov, url := demoProvider(t, providertest.Faults{})
	h := newHarness(t)
	var out []any
	h.jsonOf(&out, "outbox", "list")
	if out == nil || len(out) != 0 {
		t.Fatalf("an empty outbox must print [] (got %v)", out)
	}
	if raw := strings.TrimSpace(h.ok("outbox", "list", "--json")); raw != "[]" {
		t.Fatalf("outbox list --json = %q, want []", raw)
	}
	var rep syncReport
	h.jsonOf(&rep, "sync", "--provider", url)
	var cars []struct {
		Plate string `json:"plate"`
	}
	h.jsonOf(&cars, "vehicle", "list")
	mine := 0 // the demo also holds a friend's car that is not in the account
	for _, pv := range prov.Violations() {
		for _, c := range cars {
			if c.Plate == pv.Plate {
				mine++
			}
		}
	}
	if !rep.Online || rep.VehiclesAdded != 5 || rep.PeopleAdded != 3 || rep.ViolationsAdded != mine || mine < 10 || rep.PhotosFetched == 0 {
		t.Fatalf("first sync: %+v (provider holds %d records of these cars)", rep, mine)
	}
	var vs []map[string]any
	h.jsonOf(&vs, "violation", "list")
	if len(vs) != mine {
		t.Fatalf("%d violations here, %d at the provider", len(vs), mine)
	}
	h.jsonOf(&rep, "sync", "--provider", url)
	if rep.ViolationsAdded != 0 || rep.VehiclesAdded != 0 {
		t.Fatalf("a second sync must add nothing: %+v", rep)
	}
	if out := h.ok("payment", "list"); !strings.Contains(out, "made elsewhere") {
		t.Fatalf("the demo's ticket paid in the official app must show as made elsewhere:\n%s", out)
	}
}

// decided returns the ids of the open violations that can be paid.
func decided(t *testing.T, h *harness) []string {
	t.Helper()
	var vs []struct {
		ID       int64  `json:"id"`
		Decision string `json:"decision_number"`
		Status   string `json:"status"`
	}
	h.jsonOf(&vs, "violation", "list")
	var ids []string
	for _, v := range vs {
		if v.Decision != "" && (v.Status == "decided" || v.Status == "appeal_rejected") {
			ids = append(ids, fmt.Sprint(v.ID))
		}
	}
	return ids
}

func checkLedger(t *testing.T, prov *providertest.Provider) int {
	t.Helper()
	seen := map[string]int{}
	for _, p := range prov.Ledger() {
		seen[p.DecisionNumber]++
		if seen[p.DecisionNumber] > 1 {
			t.Fatalf("decision %s charged twice: %+v", p.DecisionNumber, prov.Ledger())
		}
	}
	return len(seen)
}

// The acceptance check: a provider dropping 30 % of committed
// replies plus repeated syncs never charges twice.
func TestRepeatedSyncWithDropAfterCommitNeverPaysTwice(t *testing.T) {
	prov, url := demoProvider(t, providertest.Faults{})
	h := newHarness(t)
	h.ok("sync", "--provider", url)
	ids := decided(t, h)
	if len(ids) < 3 {
		t.Fatalf("the demo should have several decided tickets, got %v", ids)
	}
	for _, id := range ids {
		h.ok("violation", "pay", id, "--method", "alipay")
	}
	before := len(prov.Ledger())
	prov.SetFaults(providertest.Faults{DropAfterCommit: 0.3})
	for range 6 {
		h.run("sync", "--provider", url) // a run may end with entries waiting
	}
	prov.SetFaults(providertest.Faults{})
	var rep syncReport
	for range 3 {
		h.jsonOf(&rep, "sync", "--provider", url)
		if rep.Pending == 0 {
			break
		}
	}
	checkLedger(t, prov)
	if got := len(prov.Ledger()) - before; got != len(ids) {
		t.Fatalf("%d payments reached the ledger, want %d", got, len(ids))
	}
	var ps []struct {
		State string `json:"state"`
	}
	h.jsonOf(&ps, "payment", "list")
	for _, p := range ps {
		if p.State != "confirmed" {
			t.Fatalf("payment left %s: %+v", p.State, ps)
		}
	}
}

// A real process killed at random moments of its sync (SIGKILL: no
// deferred cleanup runs) and started again never pays twice.
func TestKilledSyncProcessNeverPaysTwice(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	prov, url := demoProvider(t, providertest.Faults{})
	h := newHarness(t)
	h.ok("sync", "--provider", url)
	ids := decided(t, h)
	for _, id := range ids {
		h.ok("violation", "pay", id, "--method", "wechat")
	}
	before := len(prov.Ledger())
	prov.SetFaults(providertest.Faults{DropAfterCommit: 0.3, Latency: 15 * time.Millisecond})
	r := rand.New(rand.NewPCG(11, 12))
	killed := 0
	for range 12 {
		cmd := exec.Command(os.Args[0], "sync", "--provider", url, "--db", h.db)
		cmd.Env = append(os.Environ(), "TB_CLI_CHILD=1")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(time.Duration(30+r.IntN(400)) * time.Millisecond):
			_ = cmd.Process.Signal(syscall.SIGKILL)
			<-done
			killed++
		}
	}
	if killed == 0 {
		t.Fatal("no sync was killed: the test lost its point")
	}
	prov.SetFaults(providertest.Faults{})
	// The killed processes no longer run, so their leases are taken over
	// at once: everything goes through, each payment once.
	var rep syncReport
	h.jsonOf(&rep, "sync", "--provider", url)
	checkLedger(t, prov)
	if n := len(prov.Ledger()) - before; n != len(ids) || rep.Pending != 0 {
		t.Fatalf("%d charges for %d tickets, %d still pending", n, len(ids), rep.Pending)
	}
	var ps []struct {
		State string `json:"state"`
	}
	h.jsonOf(&ps, "payment", "list")
	for _, p := range ps {
		if p.State != "confirmed" {
			t.Fatalf("payment left %s: %+v", p.State, ps)
		}
	}
	t.Logf("%d of 12 syncs killed", killed)
}

func TestPayAppealConfirmQueueForTheProvider(t *testing.T) {
	prov, url := demoProvider(t, providertest.Faults{})
	h := newHarness(t)
	h.ok("sync", "--provider", url)
	var vs []struct {
		ID       int64  `json:"id"`
		Status   string `json:"status"`
		Points   int    `json:"points"`
		Record   string `json:"record_number"`
		Decision string `json:"decision_number"`
	}
	h.jsonOf(&vs, "violation", "list")
	var newID, decidedID string
	for _, v := range vs {
		if v.Status == "new" && v.Points > 0 && v.Points < 12 && newID == "" {
			newID = fmt.Sprint(v.ID)
		}
		if v.Status == "decided" && decidedID == "" {
			decidedID = fmt.Sprint(v.ID)
		}
	}
	if newID == "" || decidedID == "" {
		t.Fatalf("demo lacks a new and a decided record: %+v", vs)
	}
	errs := h.bad("violation", "pay", decidedID, "--method", "cash")
	if !strings.Contains(errs, "method") {
		t.Fatalf("cash cannot be paid online; the error must name the method: %s", errs)
	}
	h.bad("violation", "pay", newID, "--method", "alipay") // no decision yet
	h.ok("violation", "confirm", newID, "--driver", "张伟")
	evidence := filepath.Join(t.TempDir(), "photo.png")
	if err := os.WriteFile(evidence, []byte("\x89PNG\r\n\x1a\nnot really"), 0o600); err != nil {
		t.Fatal(err)
	}
	h.bad("violation", "appeal", decidedID, "--evidence", evidence) // reason missing
	h.ok("violation", "appeal", decidedID, "--reason", "the car was in the garage", "--evidence", evidence)
	var items []struct {
		Kind  string `json:"kind"`
		State string `json:"state"`
	}
	h.jsonOf(&items, "outbox", "list")
	if len(items) != 2 || items[0].Kind != "confirm" || items[1].Kind != "appeal" || items[0].State != "queued" {
		t.Fatalf("outbox: %+v", items)
	}
	var rep syncReport
	h.jsonOf(&rep, "sync", "--provider", url)
	if rep.Sent != 2 || len(rep.Failures) != 0 {
		t.Fatalf("sync: %+v", rep)
	}
	h.jsonOf(&items, "outbox", "list")
	if len(items) != 0 {
		t.Fatalf("nothing should wait after the sync: %+v", items)
	}
	kinds := map[string]int{}
	for _, a := range prov.Actions() {
		kinds[a.Kind]++
	}
	if kinds["confirm"] != 1 || kinds["appeal"] != 1 {
		t.Fatalf("provider actions %v", kinds)
	}
}

func TestProviderSetKeepsTokenOutOfSight(t *testing.T) {
	t.Setenv("TICKETBOOK_KEYRING", "off")
	t.Setenv("TICKETBOOK_PROVIDER_TOKEN", "")
	h := newHarness(t)
	h.bad("provider", "set", "http://provider.example.com") // plain http off this machine
	h.bad("sync", "--provider", "http://provider.example.com")
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintln(w, "s3cret-token-1234")
	w.Close()
	stdin := os.Stdin
	os.Stdin = r
	h.ok("provider", "set", "https://provider.example.com", "--token-stdin")
	os.Stdin = stdin
	fi, err := os.Stat(filepath.Join(filepath.Dir(h.db), "provider-token"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("token file: %v %v", fi, err)
	}
	out := h.ok("provider", "show")
	if strings.Contains(out, "s3cret") || !strings.Contains(out, "1234") || !strings.Contains(out, "file") {
		t.Fatalf("provider show must mask the token: %q", out)
	}
	var st struct {
		Provider string `json:"provider"`
		Token    string `json:"token"`
	}
	h.jsonOf(&st, "provider", "show")
	if st.Provider != "https://provider.example.com" || strings.Contains(st.Token, "s3cret") {
		t.Fatalf("provider show --json: %+v", st)
	}
	h.ok("provider", "set", "off")
	h.bad("sync")
}

func TestSyncWithoutTokenOrOfflineSaysSo(t *testing.T) {
	t.Setenv("TICKETBOOK_KEYRING", "off")
	t.Setenv("TICKETBOOK_PROVIDER_TOKEN", "")
	h := newHarness(t)
	errs := h.bad("sync", "--provider", "https://provider.example.com")
	if !strings.Contains(errs, "token") {
		t.Fatalf("want a token message: %s", errs)
	}
	t.Setenv("TICKETBOOK_PROVIDER_TOKEN", "x")
	_, errs, code := h.run("sync", "--provider", "http://127.0.0.1:1")
	if code != ExitFailure || !strings.Contains(errs, "offline") {
		t.Fatalf("unreachable provider: exit %d, %s", code, errs)
	}
	var rep syncReport
	out, _, _ := h.run("sync", "--provider", "http://127.0.0.1:1", "--json")
	if err := json.Unmarshal([]byte(out), &rep); err != nil || rep.Online {
		t.Fatalf("--json must still print the report: %q %v", out, err)
	}
}
