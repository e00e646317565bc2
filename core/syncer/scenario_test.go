package syncer_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"ticketbook/core"
	"ticketbook/core/fleet"
	"ticketbook/core/provider"
	"ticketbook/core/provider/providertest"
	"ticketbook/core/syncer"
)

// fixedWorld is a provider with one car and one decided ticket, and a
// desktop that has synced it.
func fixedWorld(t *testing.T) (*world, core.Violation) {
	t.Helper()
	w := &world{t: t, seed: 1, clock: newClock(time.Date(2026, 3, 20, 2, 0, 0, 0, time.UTC))}
	var err error
	w.prov, err = providertest.New(providertest.Options{Token: "tok", Now: w.clock.Now, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.prov.AddVehicle(provider.Vehicle{PlateType: "02", Plate: plates[0], VIN: vins[0], OwnerName: "张伟", Use: "private"}, true); err != nil {
		t.Fatal(err)
	}
	if err := w.prov.AddLicence(provider.Licence{Name: "张伟", LicenceFile: "110104207316", FirstIssued: "2015-06-01"}); err != nil {
		t.Fatal(err)
	}
	pv, err := w.prov.AddViolation(provider.Violation{PlateType: "02", Plate: plates[0], OccurredAt: w.clock.Now().AddDate(0, 0, -10),
		Place: "北京市朝阳区建国路", Code: "1625", Description: "闯红灯", FineFen: 20000, Points: 0, Status: "new"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.prov.Decide(pv.RecordNumber, w.clock.Now().AddDate(0, 0, -5).Format(time.DateOnly)); err != nil {
		t.Fatal(err)
	}
	w.gate = &gate{h: w.prov}
	w.srv = startServer(t, w.gate)
	w.desktop()
	w.run(t)
	found, err := w.st.Violations().FindByNumbers(context.Background(), pv.RecordNumber, "")
	if err != nil || len(found) != 1 {
		t.Fatalf("the decided ticket was not pulled: %v %v", found, err)
	}
	return w, found[0]
}

func (w *world) run(t *testing.T) syncer.Report {
	t.Helper()
	rep, err := w.eng.Run(context.Background(), nil)
	if err != nil {
		t.Fatalf("sync: %v", err)
	}
	return rep
}

func (w *world) outbox(t *testing.T) []core.OutboxItem {
	t.Helper()
	items, err := w.st.Outbox().List(context.Background(), core.OutboxFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return items
}

func (w *world) payment(t *testing.T, id int64) core.Payment {
	t.Helper()
	p, err := w.st.Payments().Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func ledgerCount(p *providertest.Provider, decision string) int {
	n := 0
	for _, e := range p.Ledger() {
		if e.DecisionNumber == decision {
			n++
		}
	}
	return n
}

func TestPaymentRetriedAfterLostReply(t *testing.T) {
	w, v := fixedWorld(t)
	pay, err := w.tk.Pay(context.Background(), v.ID, core.PayAlipay, "en")
	if err != nil {
		t.Fatal(err)
	}
	if it := w.outbox(t); len(it) != 1 || it[0].State != core.OutboxQueued || it[0].PaymentID == nil || *it[0].PaymentID != pay.ID {
		t.Fatalf("pay must queue one outbox entry with its payment: %+v", it)
	}
	// The provider charges, then the connection drops: the reply is lost,
	// and the provider stays unreachable for the rest of the run.
	w.prov.SetFaults(providertest.Faults{DropAfterCommit: 1})
	w.gate.downAtPost.Store(true)
	if _, err := w.eng.Run(context.Background(), nil); err != nil {
		t.Fatalf("a lost reply must not fail the run: %v", err)
	}
	if got := w.payment(t, pay.ID).State; got != core.PayUnknown {
		t.Fatalf("after a lost reply the payment is %s, want unknown", got)
	}
	if it := w.outbox(t)[0]; it.State != core.OutboxUnknown || it.Attempts != 1 {
		t.Fatalf("the entry must wait as unknown: %+v", it)
	}
	if n := ledgerCount(w.prov, v.DecisionNumber); n != 1 {
		t.Fatalf("the provider charged %d times, want 1", n)
	}
	w.gate.downAtPost.Store(false)
	w.gate.down.Store(false)
	w.prov.SetFaults(providertest.Faults{})
	w.clock.Add(time.Hour)
	rep := w.run(t)
	p := w.payment(t, pay.ID)
	if p.State != core.PayConfirmed || p.ReceiptNumber == "" || rep.Sent != 1 {
		t.Fatalf("the lookup must confirm the payment: %+v (sent %d)", p, rep.Sent)
	}
	if n := ledgerCount(w.prov, v.DecisionNumber); n != 1 {
		t.Fatalf("charged %d times after the retry, want 1", n)
	}
	if got, _ := w.st.Violations().Get(context.Background(), v.ID); got.Status != core.StatusPaid {
		t.Fatalf("violation is %s, want paid", got.Status)
	}
}

func TestPaymentResumedAfterRestart(t *testing.T) {
	w, v := fixedWorld(t)
	pay, err := w.tk.Pay(context.Background(), v.ID, core.PayWeChat, "en")
	if err != nil {
		t.Fatal(err)
	}
	// The desktop dies right after the provider committed: the entry is left
	// "sending" under a lease that nobody will release.
	w.prov.SetFaults(providertest.Faults{DropAfterCommit: 1})
	ctx, cancel := context.WithCancel(context.Background())
	w.prov.SetFaults(providertest.Faults{DropAfterCommit: 1, Latency: 50 * time.Millisecond})
	go func() { time.Sleep(120 * time.Millisecond); w.st.Close(); cancel() }()
	_, _ = w.eng.Run(ctx, nil)
	w.prov.SetFaults(providertest.Faults{})
	w.open() // restart
	// Within the lease nothing is resent.
	w.run(t)
	if n := ledgerCount(w.prov, v.DecisionNumber); n > 1 {
		t.Fatalf("charged %d times", n)
	}
	w.clock.Add(5 * time.Minute)
	w.run(t)
	if p := w.payment(t, pay.ID); p.State != core.PayConfirmed {
		t.Fatalf("after the restart the payment is %s, want confirmed", p.State)
	}
	if n := ledgerCount(w.prov, v.DecisionNumber); n != 1 {
		t.Fatalf("charged %d times, want 1", n)
	}
}

// A second desktop holding a copy of the same database (a restored backup,
// a second office PC) sends the same entry with the same key: one charge.
func TestPaymentFromSecondDesktopWithSameData(t *testing.T) {
	w, v := fixedWorld(t)
	if _, err := w.tk.Pay(context.Background(), v.ID, core.PayCard, "en"); err != nil {
		t.Fatal(err)
	}
	w.st.Close()
	second := &world{t: t, seed: 2, clock: w.clock, prov: w.prov, srv: w.srv, blobs: w.blobs,
		path: filepath.Join(t.TempDir(), "copy.db")}
	copyFile(t, w.path, second.path)
	w.open()
	second.open()
	t.Cleanup(func() { second.st.Close() })
	w.prov.SetFaults(providertest.Faults{DropAfterCommit: 0.5})
	for range 4 {
		_, _ = w.eng.Run(context.Background(), nil)
		_, _ = second.eng.Run(context.Background(), nil)
		w.clock.Add(time.Hour)
	}
	w.prov.SetFaults(providertest.Faults{})
	w.run(t)
	second.run(t)
	if n := ledgerCount(w.prov, v.DecisionNumber); n != 1 {
		t.Fatalf("two desktops charged %d times, want 1", n)
	}
	for _, d := range []*world{w, second} {
		ps, _ := d.st.Payments().List(context.Background(), core.PaymentFilter{ViolationID: v.ID})
		if len(ps) != 1 || ps[0].State != core.PayConfirmed {
			t.Fatalf("each desktop must hold its one payment confirmed: %+v", ps)
		}
	}
}

// Paid in the official app meanwhile: our payment is not sent again and the
// other payment is recorded as made elsewhere.
func TestPaymentMadeElsewhere(t *testing.T) {
	w, v := fixedWorld(t)
	pay, err := w.tk.Pay(context.Background(), v.ID, core.PayAlipay, "en")
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := w.prov.PayElsewhere(v.DecisionNumber, "wechat")
	if err != nil {
		t.Fatal(err)
	}
	rep := w.run(t)
	if rep.PaidElsewhere != 1 || rep.Sent != 0 {
		t.Fatalf("report: paid elsewhere %d, sent %d", rep.PaidElsewhere, rep.Sent)
	}
	if n := ledgerCount(w.prov, v.DecisionNumber); n != 1 {
		t.Fatalf("charged %d times", n)
	}
	if p := w.payment(t, pay.ID); p.State != core.PayFailed {
		t.Fatalf("our payment is %s, want failed (never charged)", p.State)
	}
	other, err := w.st.Payments().GetByKey(context.Background(), theirs.IdempotencyKey)
	if err != nil || !other.Elsewhere || other.State != core.PayConfirmed || other.Method != core.PayWeChat {
		t.Fatalf("the payment made elsewhere must be recorded: %+v %v", other, err)
	}
	if it := w.outbox(t); it[0].State != core.OutboxDone || it[0].Outcome != core.OutcomeElsewhere {
		t.Fatalf("outbox entry: %+v", it[0])
	}
}

// Days pass between the frozen quote and the retry: the provider refuses
// the stale amount (nothing charged) and the engine pays the new quote
// under a new key.
func TestPaymentRequotedAfterAmountChanged(t *testing.T) {
	w, v := fixedWorld(t)
	pay, err := w.tk.Pay(context.Background(), v.ID, core.PayAlipay, "en")
	if err != nil {
		t.Fatal(err)
	}
	w.prov.SetFaults(providertest.Faults{DropBefore: 1})
	_, _ = w.eng.Run(context.Background(), nil) // frozen, never arrived
	w.prov.SetFaults(providertest.Faults{})
	w.clock.Add(20 * 24 * time.Hour) // the late fee starts
	w.run(t)
	p := w.payment(t, pay.ID)
	if p.State != core.PayConfirmed || p.LateFeeFen == 0 {
		t.Fatalf("want a confirmed payment with the late fee of the new day: %+v", p)
	}
	ledger := w.prov.Ledger()
	if len(ledger) != 1 || ledger[0].LateFeeFen != int64(p.LateFeeFen) || ledger[0].IdempotencyKey != p.IdempotencyKey {
		t.Fatalf("ledger %+v, payment %+v", ledger, p)
	}
}

func TestOfflineLeavesEntriesQueued(t *testing.T) {
	w, v := fixedWorld(t)
	if _, err := w.tk.Pay(context.Background(), v.ID, core.PayAlipay, "en"); err != nil {
		t.Fatal(err)
	}
	w.srv.Close()
	_, err := w.eng.Run(context.Background(), nil)
	if !errors.Is(err, provider.ErrOffline) {
		t.Fatalf("want offline, got %v", err)
	}
	it := w.outbox(t)
	if it[0].State != core.OutboxQueued || it[0].Request != "" {
		t.Fatalf("nothing was sent, so the entry stays queued: %+v", it[0])
	}
	last, err := syncer.LastReport(context.Background(), w.st)
	if err != nil || last == nil || last.Online || last.Pending != 1 {
		t.Fatalf("the last report must say offline with 1 pending: %+v %v", last, err)
	}
}

func TestRetryAfterIsHonoured(t *testing.T) {
	w, v := fixedWorld(t)
	if _, err := w.tk.Pay(context.Background(), v.ID, core.PayAlipay, "en"); err != nil {
		t.Fatal(err)
	}
	w.gate.limitPosts.Store(true)
	_, _ = w.eng.Run(context.Background(), nil)
	w.gate.limitPosts.Store(false)
	it := w.outbox(t)[0]
	if it.NextAt == nil || it.NextAt.Sub(w.clock.Now()) < 119*time.Second {
		t.Fatalf("a 429 with Retry-After 120 must hold the entry 120 s: %+v", it)
	}
	w.run(t)
	if got := w.outbox(t)[0]; got.State == core.OutboxDone {
		t.Fatal("the entry was sent before Retry-After ran out")
	}
	w.clock.Add(121 * time.Second)
	w.run(t)
	if got := w.outbox(t)[0]; got.State != core.OutboxDone {
		t.Fatalf("after Retry-After the entry must go: %+v", got)
	}
}

// The provider owns the fine: a local edit is overwritten and reported.
func TestProviderWinsOwnedFieldsAndReportsConflicts(t *testing.T) {
	w, v := fixedWorld(t)
	driver, err := w.st.People().List(context.Background(), core.PersonFilter{})
	if err != nil || len(driver) == 0 {
		t.Fatalf("the account's licence must have been added: %v", err)
	}
	if _, _, err := w.tk.EditViolation(context.Background(), v.ID, func(x *core.Violation) {
		x.FineFen = 15000
		x.Notes = "my note"
		x.DriverID = &driver[0].ID
	}); err != nil {
		t.Fatal(err)
	}
	// Any change at the provider brings the record back in the next pull.
	if _, err := w.prov.PayElsewhere(v.DecisionNumber, "alipay"); err != nil {
		t.Fatal(err)
	}
	rep := w.run(t)
	got, _ := w.st.Violations().Get(context.Background(), v.ID)
	if got.FineFen != 20000 || got.Status != core.StatusPaid {
		t.Fatalf("provider-owned fields must follow the provider: %+v", got)
	}
	if got.Notes != "my note" || got.DriverID == nil || *got.DriverID != driver[0].ID {
		t.Fatalf("user-owned fields must stay: %+v", got)
	}
	if len(rep.Conflicts) != 1 || rep.Conflicts[0].Field != "fine" || rep.Conflicts[0].Local != "150.00" || rep.Conflicts[0].Provider != "200.00" {
		t.Fatalf("want one fine conflict, got %+v", rep.Conflicts)
	}
}

func TestConfirmAndAppealReachTheProvider(t *testing.T) {
	w, _ := fixedWorld(t)
	pv, err := w.prov.AddViolation(provider.Violation{PlateType: "02", Plate: plates[0], OccurredAt: w.clock.Now().AddDate(0, 0, -3),
		Place: "北京市东城区", Code: "1625", FineFen: 20000, Points: 6, Status: "new"}, [][]byte{tinyPNG})
	if err != nil {
		t.Fatal(err)
	}
	rep := w.run(t)
	if rep.PhotosFetched != 1 {
		t.Fatalf("the record's photo must be fetched once: %d", rep.PhotosFetched)
	}
	found, _ := w.st.Violations().FindByNumbers(context.Background(), pv.RecordNumber, "")
	people, _ := w.st.People().List(context.Background(), core.PersonFilter{})
	if _, err := w.tk.Confirm(context.Background(), found[0].ID, people[0].ID); err != nil {
		t.Fatal(err)
	}
	w.run(t)
	got, _ := w.st.Violations().Get(context.Background(), found[0].ID)
	if got.Status != core.StatusDecided || got.DecisionNumber == "" || len(got.Photos) != 1 {
		t.Fatalf("confirm must bring back the decision: %+v", got)
	}
	if _, err := w.tk.Appeal(context.Background(), w.blobs, got.ID, "the plate in the photo is not mine", nil); err != nil {
		t.Fatal(err)
	}
	w.run(t)
	at, _ := w.prov.Violation(pv.RecordNumber)
	if at.Status != "appealed" || at.Appeal == nil {
		t.Fatalf("the provider must hold the appeal: %+v", at)
	}
	if err := w.prov.DecideAppeal(at.Appeal.ID, true); err != nil {
		t.Fatal(err)
	}
	w.run(t)
	got, _ = w.st.Violations().Get(context.Background(), got.ID)
	if got.Status != core.StatusAppealUpheld || got.AppealDecidedOn.IsZero() {
		t.Fatalf("the upheld appeal must come back: %+v", got)
	}
	kinds := map[string]int{}
	for _, a := range w.prov.Actions() {
		kinds[a.Kind]++
	}
	if kinds["confirm"] != 1 || kinds["appeal"] != 1 {
		t.Fatalf("provider actions: %v", kinds)
	}
}

// tinyPNG is a 1x1 PNG.
var tinyPNG = []byte{0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
	0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00,
	0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x00, 0x01, 0x00, 0x00, 0x05, 0x00, 0x01, 0x0d, 0x0a, 0x2d, 0xb4, 0x00,
	0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82}

func TestRegistrationAppliedApprovedAndCancelled(t *testing.T) {
	w, v := fixedWorld(t)
	if err := w.prov.AddLicence(provider.Licence{Name: "李娜", LicenceFile: "310115116842", FirstIssued: "2018-03-12"}); err != nil {
		t.Fatal(err)
	}
	w.run(t) // brings in the new licence as a person
	people, _ := w.st.People().List(context.Background(), core.PersonFilter{Search: "李娜"})
	if len(people) != 1 {
		t.Fatalf("the account's new licence must arrive: %+v", people)
	}
	fl := fleet.New(w.st, w.clock.Now)
	reg, err := fl.AddRegistration(context.Background(), core.Registration{VehicleID: v.VehicleID, PersonID: people[0].ID,
		Method: core.RegSMS, Applied: core.DateOf(w.clock.Now())})
	if err != nil {
		t.Fatal(err)
	}
	w.run(t)
	got, _ := w.st.Registrations().Get(context.Background(), reg.ID)
	if got.ProviderRef == "" || got.Status != core.RegApplied {
		t.Fatalf("the application must reach the provider: %+v", got)
	}
	if err := w.prov.ApproveRegistration(got.ProviderRef); err != nil {
		t.Fatal(err)
	}
	w.run(t)
	got, _ = w.st.Registrations().Get(context.Background(), reg.ID)
	if got.Status != core.RegApproved || got.Approved.IsZero() {
		t.Fatalf("the approval must come back: %+v", got)
	}
	if _, err := fl.CancelRegistration(context.Background(), reg.ID, core.DateOf(w.clock.Now())); err != nil {
		t.Fatal(err)
	}
	w.run(t)
	kinds := map[string]int{}
	for _, a := range w.prov.Actions() {
		kinds[a.Kind]++
	}
	if kinds["register"] != 1 || kinds["cancel_registration"] != 1 {
		t.Fatalf("provider actions %v", kinds)
	}
	for _, it := range w.outbox(t) {
		if it.State != core.OutboxDone || it.Outcome != core.OutcomeApplied {
			t.Fatalf("entry %+v", it)
		}
	}
}

// A registration made at a service window is already done there: nothing
// is queued for it.
func TestWindowRegistrationIsNotQueued(t *testing.T) {
	w, v := fixedWorld(t)
	people, _ := w.st.People().List(context.Background(), core.PersonFilter{})
	fl := fleet.New(w.st, w.clock.Now)
	if _, err := fl.AddRegistration(context.Background(), core.Registration{VehicleID: v.VehicleID, PersonID: people[0].ID,
		Method: core.RegWindow, Applied: core.DateOf(w.clock.Now())}); err != nil {
		t.Fatal(err)
	}
	if it := w.outbox(t); len(it) != 0 {
		t.Fatalf("nothing to send for a window registration: %+v", it)
	}
}

// A provider that answers "processing, retry after N s" for a new query is
// asked again later; the run reports it and loses nothing.
func TestSlowAsyncQueryIsPickedUpLater(t *testing.T) {
	c := newClock(time.Date(2026, 3, 20, 2, 0, 0, 0, time.UTC))
	prov, err := providertest.New(providertest.Options{Token: "tok", Now: c.Now, AsyncQueries: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if err := prov.AddVehicle(provider.Vehicle{PlateType: "02", Plate: plates[0], VIN: vins[0], OwnerName: "张伟", Use: "private"}, true); err != nil {
		t.Fatal(err)
	}
	if _, err := prov.AddViolation(provider.Violation{PlateType: "02", Plate: plates[0], OccurredAt: c.Now().AddDate(0, 0, -3),
		Place: "北京市东城区", Code: "1625", FineFen: 20000, Points: 6, Status: "new"}, nil); err != nil {
		t.Fatal(err)
	}
	w := &world{t: t, seed: 5, clock: c, prov: prov, srv: startServer(t, prov)}
	w.desktop()
	rep := w.run(t)
	if rep.ViolationsAdded != 0 || len(rep.Warnings) != 1 || rep.Warnings[0].Code != provider.CodeProcessing {
		t.Fatalf("first run: %+v", rep)
	}
	c.Add(6 * time.Second)
	if rep = w.run(t); rep.ViolationsAdded != 1 {
		t.Fatalf("once the query is ready the record must arrive: %+v", rep)
	}
}
