package providertest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"image/jpeg"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"ticketbook/core/ident"
	"ticketbook/core/provider"
)

const token = "s3cret"

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// 2025-06-10 10:00 in Beijing.
var day0 = time.Date(2025, 6, 10, 2, 0, 0, 0, time.UTC)

type env struct {
	t   *testing.T
	p   *Provider
	srv *httptest.Server
	clk *clock
}

func newEnv(t *testing.T, o Options) *env {
	t.Helper()
	clk := &clock{t: day0}
	if o.Token == "" {
		o.Token = token
	}
	o.Now = clk.Now
	p, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	return &env{t: t, p: p, srv: srv, clk: clk}
}

// fixture: one bound car, one licence, one record decided today.
func (e *env) fixture() provider.Violation {
	e.t.Helper()
	must(e.t, e.p.AddVehicle(provider.Vehicle{PlateType: "02", Plate: "京AF0236", VIN: "LFV2A21K8N3012345"}, true))
	must(e.t, e.p.AddLicence(provider.Licence{Name: "张伟", LicenceFile: "110104207316", Points: 2}))
	v, err := e.p.AddViolation(provider.Violation{PlateType: "02", Plate: "京AF0236", OccurredAt: day0.AddDate(0, 0, -3),
		Code: "1039", FineFen: 20000, Status: "decided"}, [][]byte{[]byte("\xff\xd8\xff\xe0fake jpeg")})
	must(e.t, err)
	return v
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// do sends a request; body may be nil, a []byte or a value to encode.
func (e *env) do(method, path, key string, body any) (*http.Response, []byte, error) {
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, _ := json.Marshal(b)
		rd = bytes.NewReader(j)
	}
	req, _ := http.NewRequest(method, e.srv.URL+path, rd)
	req.Header.Set("Authorization", "Bearer "+token)
	if key != "" {
		req.Header.Set(provider.HeaderIdempotencyKey, key)
	}
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	return resp, out, err
}

func (e *env) call(method, path, key string, body any, wantStatus int, out any) *http.Response {
	e.t.Helper()
	resp, b, err := e.do(method, path, key, body)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	if resp.StatusCode != wantStatus {
		e.t.Fatalf("%s %s: status %d, want %d: %s", method, path, resp.StatusCode, wantStatus, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			e.t.Fatalf("%s %s: %v in %s", method, path, err, b)
		}
	}
	return resp
}

func (e *env) callErr(method, path, key string, body any, wantStatus int, wantCode string) provider.Error {
	e.t.Helper()
	var eb provider.ErrorBody
	e.call(method, path, key, body, wantStatus, &eb)
	if eb.Error.Code != wantCode || eb.Error.Message == "" {
		e.t.Fatalf("%s %s: error %+v, want code %s with a message", method, path, eb.Error, wantCode)
	}
	return eb.Error
}

func violationsPath(plateType, plate, query string) string {
	return "/v1/vehicles/" + plateType + "/" + url.PathEscape(plate) + "/violations" + query
}

func TestAuth(t *testing.T) {
	e := newEnv(t, Options{})
	for _, h := range []string{"", "Bearer wrong", "Basic " + token, token} {
		req, _ := http.NewRequest("GET", e.srv.URL+"/v1/account", nil)
		if h != "" {
			req.Header.Set("Authorization", h)
		}
		resp, err := e.srv.Client().Do(req)
		must(t, err)
		var eb provider.ErrorBody
		json.NewDecoder(resp.Body).Decode(&eb)
		resp.Body.Close()
		if resp.StatusCode != 401 || eb.Error.Code != provider.CodeUnauthorized {
			t.Errorf("Authorization %q: %d %+v", h, resp.StatusCode, eb)
		}
	}
	var a provider.Account
	e.call("GET", "/v1/account", "", nil, 200, &a)
	if a.Vehicles == nil || a.Licences == nil {
		t.Errorf("empty account lists must be [] not null: %+v", a)
	}
}

func payReq(v provider.Violation, amount int64) provider.PayRequest {
	return provider.PayRequest{DecisionNumber: v.DecisionNumber, AmountFen: amount, Method: "alipay"}
}

func TestPayReplaysSameKeyAndBody(t *testing.T) {
	e := newEnv(t, Options{})
	v := e.fixture()
	var first, second provider.Payment
	r1 := e.call("POST", "/v1/payments", "k1", payReq(v, 20000), 201, &first)
	// Whitespace and unknown fields do not make it another request.
	body := []byte(fmt.Sprintf(`{ "method":"alipay", "amount_fen":20000, "decision_number":%q, "client":"x" }`, v.DecisionNumber))
	r2 := e.call("POST", "/v1/payments", "k1", body, 201, &second)
	if r1.Header.Get(provider.HeaderReplayed) != "" || r2.Header.Get(provider.HeaderReplayed) != "true" {
		t.Errorf("replayed headers: %q, %q", r1.Header.Get(provider.HeaderReplayed), r2.Header.Get(provider.HeaderReplayed))
	}
	if first != second || first.ID == "" || first.ReceiptNumber == "" || first.IdempotencyKey != "k1" {
		t.Errorf("replay differs or incomplete:\n%+v\n%+v", first, second)
	}
	if l := e.p.Ledger(); len(l) != 1 || l[0] != first {
		t.Errorf("ledger %+v", l)
	}
	if a := e.p.Actions(); len(a) != 1 || a[0].Kind != "pay" || a[0].IdempotencyKey != "k1" || a[0].Target != v.DecisionNumber {
		t.Errorf("actions %+v", a)
	}
	var byKey provider.Payment
	e.call("GET", "/v1/payments/k1", "", nil, 200, &byKey)
	if byKey != first {
		t.Errorf("lookup by key %+v", byKey)
	}
	e.callErr("GET", "/v1/payments/nope", "", nil, 404, provider.CodeNotFound)
	got, _ := e.p.Violation(v.RecordNumber)
	if got.Status != "paid" || got.Payment == nil || *got.Payment != first || got.Version <= v.Version {
		t.Errorf("violation after pay: %+v", got)
	}
}

func TestKeyReusedWithOtherBodyConflicts(t *testing.T) {
	e := newEnv(t, Options{})
	v := e.fixture()
	e.call("POST", "/v1/payments", "k1", payReq(v, 20000), 201, nil)
	other := payReq(v, 20000)
	other.Method = "wechat"
	e.callErr("POST", "/v1/payments", "k1", other, 422, provider.CodeIdempotencyConflict)
	// Same key on another route is another request too.
	e.callErr("POST", "/v1/violations/"+v.RecordNumber+"/appeals", "k1", provider.AppealRequest{Reason: "x"}, 422, provider.CodeIdempotencyConflict)
	if n := len(e.p.Ledger()); n != 1 {
		t.Errorf("ledger has %d rows", n)
	}
	e.callErr("POST", "/v1/payments", "", payReq(v, 20000), 400, provider.CodeInvalidRequest)
}

func TestAlreadyPaidElsewhere(t *testing.T) {
	e := newEnv(t, Options{})
	v := e.fixture()
	pay, err := e.p.PayElsewhere(v.DecisionNumber, "wechat")
	must(t, err)
	if !strings.HasPrefix(pay.IdempotencyKey, "elsewhere-") {
		t.Errorf("key %q", pay.IdempotencyKey)
	}
	er := e.callErr("POST", "/v1/payments", "k2", payReq(v, 20000), 409, provider.CodeAlreadyPaid)
	if er.Payment == nil || *er.Payment != pay {
		t.Errorf("already_paid carries %+v, want %+v", er.Payment, pay)
	}
	e.callErr("GET", "/v1/quote?decision_number="+v.DecisionNumber, "", nil, 409, provider.CodeAlreadyPaid)
	if n := len(e.p.Ledger()); n != 1 {
		t.Errorf("ledger has %d rows", n)
	}
	if n := len(e.p.Actions()); n != 0 {
		t.Errorf("a provider-side payment added %d action rows", n)
	}
}

func TestAmountMismatchThenRetrySameKey(t *testing.T) {
	e := newEnv(t, Options{})
	v := e.fixture()
	e.clk.Add(20 * 24 * time.Hour) // 5 days past the window: 5 × 3 % of 200 yuan
	var q provider.Quote
	e.call("GET", "/v1/quote?decision_number="+v.DecisionNumber, "", nil, 200, &q)
	if q.FineFen != 20000 || q.LateFeeFen != 3000 || q.TotalFen != 23000 || q.DueOn != "2025-06-25" || q.AsOf != "2025-06-30" {
		t.Fatalf("quote %+v", q)
	}
	er := e.callErr("POST", "/v1/payments", "k1", payReq(v, 20000), 409, provider.CodeAmountMismatch)
	if er.Quote == nil || *er.Quote != q {
		t.Errorf("amount_mismatch carries %+v", er.Quote)
	}
	if len(e.p.Ledger()) != 0 || len(e.p.Actions()) != 0 {
		t.Fatal("a refused payment left a trace")
	}
	// Errors are not remembered under the key: the corrected request goes through.
	var pay provider.Payment
	e.call("POST", "/v1/payments", "k1", payReq(v, 23000), 201, &pay)
	if pay.LateFeeFen != 3000 || pay.AmountFen != 23000 {
		t.Errorf("payment %+v", pay)
	}
}

func TestLateFee(t *testing.T) {
	for _, c := range []struct {
		day  string
		want int64
	}{
		{"2025-06-01", 0}, {"2025-06-16", 0}, {"2025-06-17", 600}, {"2025-07-19", 19800}, {"2025-07-20", 20000}, {"2026-01-01", 20000},
	} {
		if got, due := lateFee(20000, "2025-06-01", c.day); got != c.want || due != "2025-06-16" {
			t.Errorf("%s: fee %d due %s, want %d", c.day, got, due, c.want)
		}
	}
}

func TestConfirm(t *testing.T) {
	e := newEnv(t, Options{})
	e.fixture()
	rec, err := e.p.AddViolation(provider.Violation{PlateType: "02", Plate: "京AF0236", Code: "1625", FineFen: 20000, Points: 6}, nil)
	must(t, err)
	path := "/v1/violations/" + rec.RecordNumber + "/confirm"
	e.callErr("POST", path, "c0", provider.ConfirmRequest{LicenceFile: "999999999999", Name: "张伟"}, 409, provider.CodeLicenceRejected)
	var got provider.Violation
	e.call("POST", path, "c1", provider.ConfirmRequest{LicenceFile: "110104207316", Name: "张伟"}, 200, &got)
	d, err := ident.ParseDecisionNumber(got.DecisionNumber)
	if err != nil || !d.HasCheck || !d.CheckOK || d.Kind != ident.DocSimpleDecision || d.Region != "110105" {
		t.Errorf("decision number %q: %+v %v", got.DecisionNumber, d, err)
	}
	if got.Status != "decided" || got.DecidedOn != "2025-06-10" || got.DriverLicence != "1101****7316" || got.LateFeeFen == nil || *got.LateFeeFen != 0 {
		t.Errorf("confirmed: %+v", got)
	}
	if l, _ := e.p.Licence("110104207316"); l.Points != 8 {
		t.Errorf("points %d, want 8", l.Points)
	}
	var again provider.Violation
	e.call("POST", path, "c1", provider.ConfirmRequest{LicenceFile: "110104207316", Name: "张伟"}, 200, &again)
	if again.DecisionNumber != got.DecisionNumber {
		t.Error("replayed confirm made another decision")
	}
	e.callErr("POST", path, "c2", provider.ConfirmRequest{LicenceFile: "110104207316"}, 409, provider.CodeWrongState)

	big, _ := e.p.AddViolation(provider.Violation{PlateType: "02", Plate: "京AF0236", Code: "1625", FineFen: 20000, Points: 6}, nil)
	e.callErr("POST", "/v1/violations/"+big.RecordNumber+"/confirm", "c3", provider.ConfirmRequest{LicenceFile: "110104207316"}, 409, provider.CodeLicenceRejected)
	ip, _ := e.p.AddViolation(provider.Violation{PlateType: "02", Plate: "京AF0236", Code: "1344", FineFen: 150000, Points: 12, InPersonOnly: true}, nil)
	e.callErr("POST", "/v1/violations/"+ip.RecordNumber+"/confirm", "c4", provider.ConfirmRequest{LicenceFile: "110104207316"}, 409, provider.CodeInPersonOnly)
	e.callErr("POST", "/v1/violations/nope/confirm", "c5", provider.ConfirmRequest{LicenceFile: "110104207316"}, 404, provider.CodeNotFound)
	if n := len(e.p.Actions()); n != 1 {
		t.Errorf("%d actions, want 1", n)
	}
	var a provider.Appeal
	e.call("POST", "/v1/violations/"+rec.RecordNumber+"/appeals", "a1", provider.AppealRequest{Reason: "套牌"}, 201, &a)
	must(t, e.p.DecideAppeal(a.ID, true))
	if l, _ := e.p.Licence("110104207316"); l.Points != 2 {
		t.Errorf("an upheld appeal left %d points, want 2", l.Points)
	}
	if got, _ := e.p.Violation(rec.RecordNumber); got.Status != "appeal_upheld" || got.Appeal.Status != provider.AppealUpheld {
		t.Errorf("upheld: %+v", got)
	}
}

func TestCursorPagingReturnsChangesSince(t *testing.T) {
	e := newEnv(t, Options{})
	e.fixture()
	for i := 0; i < 4; i++ {
		_, err := e.p.AddViolation(provider.Violation{PlateType: "02", Plate: "京AF0236", Code: "1039", FineFen: 20000}, nil)
		must(t, err)
	}
	// Another vehicle's records never show.
	must(t, e.p.AddVehicle(provider.Vehicle{PlateType: "52", Plate: "京AD12345"}, true))
	e.p.AddViolation(provider.Violation{PlateType: "52", Plate: "京AD12345", Code: "1039", FineFen: 20000}, nil)

	var all []provider.Violation
	cursor := ""
	for pages := 0; ; pages++ {
		var pg provider.ViolationPage
		e.call("GET", violationsPath("02", "京AF0236", "?limit=2&cursor="+cursor), "", nil, 200, &pg)
		all = append(all, pg.Violations...)
		cursor = pg.Cursor
		if !pg.More {
			if pages != 2 || len(pg.Violations) != 1 {
				t.Errorf("last page %d has %d rows", pages, len(pg.Violations))
			}
			break
		}
	}
	if len(all) != 5 {
		t.Fatalf("%d rows, want 5", len(all))
	}
	for i := 1; i < len(all); i++ {
		if all[i].Version <= all[i-1].Version {
			t.Errorf("not ordered by version: %d after %d", all[i].Version, all[i-1].Version)
		}
	}
	var pg provider.ViolationPage
	e.call("GET", violationsPath("02", "京AF0236", "?cursor="+cursor), "", nil, 200, &pg)
	if len(pg.Violations) != 0 || pg.More || pg.Cursor != cursor {
		t.Errorf("nothing changed, got %+v", pg)
	}
	must(t, e.p.Decide(all[2].RecordNumber, ""))
	e.call("GET", violationsPath("02", "京AF0236", "?cursor="+cursor), "", nil, 200, &pg)
	if len(pg.Violations) != 1 || pg.Violations[0].RecordNumber != all[2].RecordNumber || pg.Violations[0].Status != "decided" {
		t.Errorf("changes since: %+v", pg)
	}
	e.callErr("GET", violationsPath("02", "京AF0236", "?cursor=bogus"), "", nil, 400, provider.CodeInvalidRequest)
	e.callErr("GET", violationsPath("02", "京AF0236", "?limit=0"), "", nil, 400, provider.CodeInvalidRequest)
}

func TestVINTailAndCJKPlates(t *testing.T) {
	e := newEnv(t, Options{})
	v := e.fixture()
	er := e.callErr("GET", violationsPath("02", "京AF0236", "?vin_tail=000000"), "", nil, 403, provider.CodeVehicleMismatch)
	if er.Field != "vin_tail" {
		t.Errorf("field %q", er.Field)
	}
	var pg provider.ViolationPage
	// The escaped CJK plate, a lower-case tail, and the middle dot users type.
	for _, q := range []string{violationsPath("02", "京AF0236", "?vin_tail=012345"), "/v1/vehicles/02/%E4%BA%AC" + "A%C2%B7F0236/violations"} {
		e.call("GET", q, "", nil, 200, &pg)
		if len(pg.Violations) != 1 || pg.Violations[0].RecordNumber != v.RecordNumber || pg.Violations[0].Plate != "京AF0236" {
			t.Errorf("%s: %+v", q, pg)
		}
	}
	e.call("GET", violationsPath("02", "沪A00000", "?vin_tail=123456"), "", nil, 200, &pg)
	if len(pg.Violations) != 0 || pg.More {
		t.Errorf("unknown vehicle: %+v", pg)
	}
	e.call("GET", violationsPath("52", "京AF0236", ""), "", nil, 200, &pg)
	if len(pg.Violations) != 0 {
		t.Error("plate type is part of the vehicle's identity")
	}
	resp := e.call("GET", "/v1/violations/"+v.RecordNumber+"/photos/0", "", nil, 200, nil)
	if ct := resp.Header.Get("Content-Type"); ct != "image/jpeg" {
		t.Errorf("photo content type %q", ct)
	}
	e.callErr("GET", "/v1/violations/"+v.RecordNumber+"/photos/1", "", nil, 404, provider.CodeNotFound)
}

func TestAsyncQueryAnswers202ThenResult(t *testing.T) {
	e := newEnv(t, Options{AsyncQueries: 5 * time.Second})
	e.fixture()
	path := violationsPath("02", "京AF0236", "")
	for _, want := range []string{"5", "2"} {
		resp := e.call("GET", path, "", nil, 202, nil)
		if resp.Header.Get(provider.HeaderRetryAfter) != want {
			t.Errorf("Retry-After %q, want %s", resp.Header.Get(provider.HeaderRetryAfter), want)
		}
		e.clk.Add(3 * time.Second)
	}
	var pg provider.ViolationPage
	e.call("GET", path, "", nil, 200, &pg)
	if len(pg.Violations) != 1 {
		t.Errorf("after the wait: %+v", pg)
	}
	er := e.callErr("GET", violationsPath("52", "京AD12345", ""), "", nil, 202, provider.CodeProcessing)
	if er.RetryAfter != 5 {
		t.Errorf("another vehicle starts its own query: %+v", er)
	}
}

func TestRateLimitAndUnavailable(t *testing.T) {
	e := newEnv(t, Options{Faults: Faults{RateLimit: 1, RetryAfterSeconds: 2}})
	v := e.fixture()
	resp := e.call("POST", "/v1/payments", "k1", payReq(v, 20000), 429, nil)
	if resp.Header.Get(provider.HeaderRetryAfter) != "2" {
		t.Errorf("Retry-After %q", resp.Header.Get(provider.HeaderRetryAfter))
	}
	e.p.SetFaults(Faults{ErrorRate: 1})
	e.callErr("GET", "/v1/account", "", nil, 503, provider.CodeUnavailable)
	if len(e.p.Ledger()) != 0 {
		t.Error("a refused request paid")
	}
	e.p.SetFaults(Faults{})
	e.call("POST", "/v1/payments", "k1", payReq(v, 20000), 201, nil)
}

func TestDropAfterCommitKeepsTheChange(t *testing.T) {
	e := newEnv(t, Options{Faults: Faults{DropAfterCommit: 1}})
	v := e.fixture()
	if _, _, err := e.do("POST", "/v1/payments", "k1", payReq(v, 20000)); err == nil {
		t.Fatal("the client got a reply")
	}
	if len(e.p.Ledger()) != 1 || len(e.p.Actions()) != 1 {
		t.Fatalf("the change was not committed: %+v", e.p.Ledger())
	}
	// Reads are never dropped after commit.
	e.call("GET", "/v1/payments/k1", "", nil, 200, nil)
	e.p.SetFaults(Faults{})
	resp := e.call("POST", "/v1/payments", "k1", payReq(v, 20000), 201, nil)
	if resp.Header.Get(provider.HeaderReplayed) != "true" || len(e.p.Ledger()) != 1 || len(e.p.Actions()) != 1 {
		t.Error("the retry acted again")
	}
}

func TestDropBeforeDoesNothing(t *testing.T) {
	e := newEnv(t, Options{Faults: Faults{DropBefore: 1}})
	v := e.fixture()
	if _, _, err := e.do("POST", "/v1/payments", "k1", payReq(v, 20000)); err == nil {
		t.Fatal("the client got a reply")
	}
	if len(e.p.Ledger()) != 0 {
		t.Fatal("a dropped request paid")
	}
}

func TestFaultsAreRepeatableForASeed(t *testing.T) {
	run := func() (out []int) {
		e := newEnv(t, Options{Seed: 7, Faults: Faults{ErrorRate: 0.3, RateLimit: 0.3}})
		for i := 0; i < 20; i++ {
			resp, _, err := e.do("GET", "/v1/account", "", nil)
			must(t, err)
			out = append(out, resp.StatusCode)
		}
		return out
	}
	a, b := run(), run()
	if fmt.Sprint(a) != fmt.Sprint(b) || !strings.Contains(fmt.Sprint(a), "503") || !strings.Contains(fmt.Sprint(a), "200") {
		t.Errorf("%v\n%v", a, b)
	}
}

func TestJournalRoundTrip(t *testing.T) {
	j := &MemJournal{}
	e := newEnv(t, Options{Journal: j})
	must(t, SeedDemo(e.p, day0))
	var d provider.Violation
	for _, v := range e.p.Violations() {
		if v.Status == "decided" && v.Plate == "京AF0236" {
			d = v
		}
	}
	q := e.p.quote(t, d.DecisionNumber)
	var pay provider.Payment
	e.call("POST", "/v1/payments", "k1", payReq(d, q.TotalFen), 201, &pay)

	p2, err := New(Options{Journal: j, Now: e.clk.Now})
	must(t, err)
	if js(p2.Violations()) != js(e.p.Violations()) || js(p2.Ledger()) != js(e.p.Ledger()) || js(p2.Actions()) != js(e.p.Actions()) {
		t.Fatalf("state differs after reload:\n%s\n%s", js(p2.Violations()), js(e.p.Violations()))
	}
	// Keys and photos survive too: the retry is a replay, the photo the same bytes.
	srv2 := httptest.NewServer(p2)
	defer srv2.Close()
	e2 := &env{t: t, p: p2, srv: srv2, clk: e.clk}
	var again provider.Payment
	resp := e2.call("POST", "/v1/payments", "k1", payReq(d, q.TotalFen), 201, &again)
	if again != pay || resp.Header.Get(provider.HeaderReplayed) != "true" || len(p2.Ledger()) != 2 {
		t.Errorf("after reload: %+v, ledger %d", again, len(p2.Ledger()))
	}
	_, b1, _ := e.do("GET", "/v1/violations/"+d.RecordNumber+"/photos/0", "", nil)
	_, b2, _ := e2.do("GET", "/v1/violations/"+d.RecordNumber+"/photos/0", "", nil)
	if len(b1) < 1000 || !bytes.Equal(b1, b2) {
		t.Error("photo lost in the journal")
	}
}

func js(v any) string { b, _ := json.Marshal(v); return string(b) }

func (p *Provider) quote(t *testing.T, decision string) provider.Quote {
	t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.quoteLocked(p.byDecisionLocked(decision))
}

func TestJournalFailureChangesNothing(t *testing.T) {
	j := &MemJournal{}
	e := newEnv(t, Options{Journal: j})
	v := e.fixture()
	j.SetFail(errors.New("disk full"))
	e.callErr("POST", "/v1/payments", "k1", payReq(v, 20000), 500, provider.CodeInternal)
	if got, _ := e.p.Violation(v.RecordNumber); got.Status != "decided" || len(e.p.Ledger()) != 0 || len(e.p.Actions()) != 0 {
		t.Fatalf("memory ran ahead of the journal: %+v", got)
	}
	j.SetFail(nil)
	resp := e.call("POST", "/v1/payments", "k1", payReq(v, 20000), 201, nil)
	if resp.Header.Get(provider.HeaderReplayed) != "" {
		t.Error("a failed commit was remembered under the key")
	}
}

func TestRequestBodiesAreBounded(t *testing.T) {
	e := newEnv(t, Options{})
	v := e.fixture()
	big := []byte(`{"decision_number":"` + strings.Repeat("1", 70<<10) + `"}`)
	er := e.callErr("POST", "/v1/payments", "k1", big, 413, provider.CodeInvalidRequest)
	if er.Field != "body" {
		t.Errorf("field %q", er.Field)
	}
	e.callErr("POST", "/v1/payments", "k1", []byte(`{not json`), 400, provider.CodeInvalidRequest)
	path := "/v1/violations/" + v.RecordNumber + "/appeals"
	seven := provider.AppealRequest{Reason: "r", Evidence: make([]provider.Evidence, 7)}
	if er := e.callErr("POST", path, "a1", seven, 400, provider.CodeInvalidRequest); er.Field != "evidence" {
		t.Errorf("field %q", er.Field)
	}
	// Just over the evidence limit once decoded, yet within the body limit.
	huge := []byte(`{"reason":"r","evidence":[{"name":"a.jpg","mime":"image/jpeg","data":"` +
		strings.Repeat("AAAA", provider.MaxEvidenceBytes/3+1) + `"}]}`)
	e.callErr("POST", path, "a2", huge, 413, provider.CodeInvalidRequest)
	if got, _ := e.p.Violation(v.RecordNumber); got.Status != "decided" {
		t.Error("a refused appeal changed the record")
	}
}

func TestAppeal(t *testing.T) {
	e := newEnv(t, Options{})
	v := e.fixture()
	path := "/v1/violations/" + v.RecordNumber + "/appeals"
	var a provider.Appeal
	req := provider.AppealRequest{Reason: "车牌被套用", Evidence: []provider.Evidence{{Name: "x.jpg", Mime: "image/jpeg", Data: []byte{1, 2}}}}
	e.call("POST", path, "a1", req, 201, &a)
	if a.Status != provider.AppealPending || a.EvidenceCount != 1 || a.FiledOn != "2025-06-10" {
		t.Errorf("appeal %+v", a)
	}
	e.callErr("POST", "/v1/payments", "k1", payReq(v, 20000), 409, provider.CodeWrongState)
	e.callErr("POST", path, "a2", req, 409, provider.CodeWrongState)
	must(t, e.p.DecideAppeal(a.ID, false))
	var got provider.Appeal
	e.call("GET", "/v1/appeals/"+a.ID, "", nil, 200, &got)
	if got.Status != provider.AppealRejected || got.DecidedOn == "" {
		t.Errorf("decided appeal %+v", got)
	}
	// A rejected appeal leaves the decision to be paid.
	e.call("POST", "/v1/payments", "k1", payReq(v, 20000), 201, nil)

	// and a camera record to be confirmed; an upheld one gives no points.
	cam, _ := e.p.AddViolation(provider.Violation{PlateType: "02", Plate: "京AF0236", Code: "1625", FineFen: 20000, Points: 6}, nil)
	e.call("POST", "/v1/violations/"+cam.RecordNumber+"/appeals", "a3", req, 201, &a)
	e.callErr("POST", "/v1/violations/"+cam.RecordNumber+"/confirm", "c1", provider.ConfirmRequest{LicenceFile: "110104207316"}, 409, provider.CodeWrongState)
	must(t, e.p.DecideAppeal(a.ID, false))
	e.call("POST", "/v1/violations/"+cam.RecordNumber+"/confirm", "c1", provider.ConfirmRequest{LicenceFile: "110104207316"}, 200, nil)
	if l, _ := e.p.Licence("110104207316"); l.Points != 8 {
		t.Errorf("points %d", l.Points)
	}
	e.callErr("GET", "/v1/appeals/nope", "", nil, 404, provider.CodeNotFound)
}

func TestRegistration(t *testing.T) {
	e := newEnv(t, Options{AutoApproveAfter: time.Minute})
	e.fixture()
	must(t, e.p.AddVehicle(provider.Vehicle{PlateType: "02", Plate: "京N5H2M7", VIN: "LHGRT3850K8041762"}, false))
	req := provider.RegisterRequest{PlateType: "02", Plate: "京N5H2M7", VINTail: "041762", LicenceFile: "110104207316", Name: "张伟", Method: "sms"}
	bad := req
	bad.VINTail = "999999"
	e.callErr("POST", "/v1/registrations", "r0", bad, 403, provider.CodeVehicleMismatch)
	var g provider.Registration
	e.call("POST", "/v1/registrations", "r1", req, 201, &g)
	if g.Status != "applied" || g.LicenceFile != "1101****7316" {
		t.Errorf("registration %+v", g)
	}
	e.call("POST", "/v1/registrations", "r2", req, 201, nil)
	e.call("POST", "/v1/registrations", "r3", req, 201, nil)
	e.callErr("POST", "/v1/registrations", "r4", req, 409, provider.CodeQuotaExceeded)
	e.call("POST", "/v1/registrations", "r1", req, 201, nil) // a replay is not a new application

	e.clk.Add(time.Minute)
	var now provider.Registration
	e.call("GET", "/v1/registrations/"+g.ID, "", nil, 200, &now)
	if now.Status != "approved" || now.ApprovedOn != "2025-06-10" {
		t.Errorf("auto-approval: %+v", now)
	}
	e.call("DELETE", "/v1/registrations/"+g.ID, "d1", nil, 200, &now)
	if now.Status != "cancelled" || now.CancelledOn == "" {
		t.Errorf("cancel: %+v", now)
	}
	e.call("DELETE", "/v1/registrations/"+g.ID, "d2", nil, 200, &now)
	kinds := ""
	for _, a := range e.p.Actions() {
		kinds += a.Kind + " "
	}
	if kinds != "register register register cancel_registration " {
		t.Errorf("actions: %s", kinds)
	}
}

func TestSeedDemo(t *testing.T) {
	p1, _ := New(Options{Now: func() time.Time { return day0 }})
	p2, _ := New(Options{Now: func() time.Time { return day0 }})
	must(t, SeedDemo(p1, day0))
	must(t, SeedDemo(p2, day0))
	if !errors.Is(SeedDemo(p1, day0), ErrNotEmpty) {
		t.Error("seeding twice")
	}
	s1, _ := json.Marshal(p1.st)
	s2, _ := json.Marshal(p2.st)
	if !bytes.Equal(s1, s2) {
		t.Error("the demo is not deterministic")
	}
	statuses := map[string]int{}
	var capped, overdue bool
	for _, v := range p1.Violations() {
		statuses[v.Status]++
		if v.DecisionNumber != "" {
			if d, err := ident.ParseDecisionNumber(v.DecisionNumber); err != nil || !d.CheckOK {
				t.Errorf("%s: decision %s", v.RecordNumber, v.DecisionNumber)
			}
		}
		if v.LateFeeFen != nil && *v.LateFeeFen == v.FineFen {
			capped = true
		} else if v.LateFeeFen != nil && *v.LateFeeFen > 0 {
			overdue = true
		}
		if v.PhotoCount < 1 || v.PhotoCount > 2 {
			t.Errorf("%s: %d photos", v.RecordNumber, v.PhotoCount)
		}
		for _, ph := range p1.st.Photos[v.RecordNumber] {
			if _, err := jpeg.Decode(bytes.NewReader(ph)); err != nil || len(ph) > 60<<10 {
				t.Errorf("%s: photo of %d bytes: %v", v.RecordNumber, len(ph), err)
			}
		}
	}
	if len(p1.Violations()) < 12 || statuses["new"] < 4 || statuses["decided"] < 4 || statuses["paid"] != 1 || statuses["appealed"] != 1 || !capped || !overdue {
		t.Errorf("demo states %v capped=%v overdue=%v", statuses, capped, overdue)
	}
	if l := p1.Ledger(); len(l) != 1 || !strings.HasPrefix(l[0].IdempotencyKey, "elsewhere-") {
		t.Errorf("ledger %+v", l)
	}
	bound := 0
	for _, v := range p1.st.Vehicles {
		if _, err := ident.ParseVIN(v.VIN, false); err != nil {
			t.Errorf("%s: VIN %s: %v", v.Plate, v.VIN, err)
		}
		if _, err := ident.ParsePlate(v.Plate); err != nil {
			t.Errorf("plate %s: %v", v.Plate, err)
		}
		if v.Bound {
			bound++
		}
	}
	if bound < 4 || len(p1.st.Licences) != 3 || !p1.st.Demo {
		t.Errorf("account: %d bound vehicles, %d licences", bound, len(p1.st.Licences))
	}
}

func TestConcurrentPaymentsPayOnce(t *testing.T) {
	e := newEnv(t, Options{})
	v := e.fixture()
	var wg sync.WaitGroup
	statuses := make([]int, 16)
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			key := "same"
			if i%2 == 1 {
				key = fmt.Sprintf("other-%d", i) // another desktop paying the same ticket
			}
			resp, _, err := e.do("POST", "/v1/payments", key, payReq(v, 20000))
			if err != nil {
				t.Error(err)
				return
			}
			statuses[i] = resp.StatusCode
		}()
	}
	wg.Wait()
	created := 0
	for _, s := range statuses {
		switch s {
		case 201:
			created++
		case 409:
		default:
			t.Errorf("status %d", s)
		}
	}
	if n := len(e.p.Ledger()); n != 1 || len(e.p.Actions()) != 1 || created < 1 {
		t.Errorf("ledger %d, actions %d, 201s %d: %v", n, len(e.p.Actions()), created, statuses)
	}
}
