package screens_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"ticketbook/core"
	"ticketbook/core/i18n"
	"ticketbook/core/syncer"
	"ticketbook/core/tickets"
	"ticketbook/ui/screens"
	"ticketbook/ui/uitest"
)

// fakeSync is screens.Sync over the fixture's real outbox; the run and the
// provider setting are the test's.
type fakeSync struct {
	tk     *tickets.Service
	status screens.SyncStatus
	run    func(ctx context.Context, progress func(syncer.Progress)) (syncer.Report, error)
	saved  [][2]string
}

func (f *fakeSync) Run(ctx context.Context, progress func(syncer.Progress)) (syncer.Report, error) {
	rep, err := f.run(ctx, progress)
	f.status.Last = &rep
	f.status.Online = rep.Online
	return rep, err
}

func (f *fakeSync) Status(ctx context.Context) (screens.SyncStatus, error) {
	st := f.status
	var err error
	st.Outbox, err = f.tk.Outbox(ctx, core.OutboxFilter{States: []core.OutboxState{core.OutboxQueued,
		core.OutboxSending, core.OutboxUnknown, core.OutboxFailed}})
	return st, err
}

func (f *fakeSync) SetProvider(ctx context.Context, target, token string) (screens.SyncStatus, error) {
	target, err := tickets.CheckProvider(target)
	if err != nil {
		return screens.SyncStatus{}, err
	}
	f.saved = append(f.saved, [2]string{target, token})
	f.status = screens.SyncStatus{Provider: target, Demo: target == tickets.ProviderDemo, Off: target == tickets.ProviderOff}
	if token != "" {
		f.status.TokenSource, f.status.TokenMasked = "file", "••••••••"+token[len(token)-4:]
	}
	return f.Status(ctx)
}

// syncBook is a fixture with a fake sync and a decided violation that can be
// paid online.
type syncBook struct {
	f    *uitest.Fixture
	sync *fakeSync
	v    core.Violation
}

func newSyncBook(t *testing.T, lang i18n.Lang) *syncBook {
	t.Helper()
	f := uitest.New(t, lang)
	fs := &fakeSync{tk: f.Tickets, status: screens.SyncStatus{Provider: "demo", Demo: true, Online: true}}
	f.Env.Services.Sync = fs
	ctx := t.Context()
	car := vtMust(f.Fleet.AddVehicle(ctx, core.Vehicle{Plate: "粤B12345"}))(t)
	v, _, err := f.Tickets.AddViolation(ctx, core.Violation{VehicleID: car.ID, OccurredAt: vtTime("2026-03-01 08:30"),
		Place: "深南大道", Code: "1625", FineFen: 20000, Points: 6, DecisionNumber: "4403001234567891",
		RecordNumber: "4403000000123456", DecidedOn: vtDay("2026-03-10"), ReceivedOn: vtDay("2026-03-12")})
	if err != nil {
		t.Fatal(err)
	}
	return &syncBook{f: f, sync: fs, v: v}
}

// failEntry marks an outbox entry refused, as the engine does.
func (b *syncBook) failEntry(t *testing.T, id int64) {
	t.Helper()
	it := vtMust(b.f.Store.Outbox().Get(t.Context(), id))(t)
	it.State, it.Attempts, it.ErrorCode, it.LastError = core.OutboxFailed, 1, "decision_mismatch", "the decision number does not match"
	if err := b.f.Store.Outbox().Update(t.Context(), &it); err != nil {
		t.Fatal(err)
	}
	if it.PaymentID != nil { // a refused payment's row fails with it
		p := vtMust(b.f.Store.Payments().Get(t.Context(), *it.PaymentID))(t)
		p.State = core.PayFailed
		if err := b.f.Store.Payments().Update(t.Context(), &p); err != nil {
			t.Fatal(err)
		}
	}
}

func TestSyncNowShowsProgressThenTheReport(t *testing.T) {
	b := newSyncBook(t, i18n.EN)
	s := screens.NewSyncPanel(b.f.Env)
	b.f.Window.SetContent(s.Content())
	s.Refresh()
	if !s.Badge.Visible() || !strings.Contains(s.Provider.Text, "Demo provider (sample data, not a real authority)") {
		t.Fatalf("provider %q, badge %v", s.Provider.Text, s.Badge.Visible())
	}
	if !strings.Contains(s.Counts.Text, "No sync has run yet") {
		t.Errorf("counts before any sync = %q", s.Counts.Text)
	}
	var during []string
	b.sync.run = func(ctx context.Context, progress func(syncer.Progress)) (syncer.Report, error) {
		progress(syncer.Progress{Phase: "push", Done: 1, Total: 2})
		during = append(during, s.Progress.Label.Text)
		if !s.Progress.Box.Visible() || s.SyncNow.Disabled() == false || s.Progress.Bar.Value != 0.5 {
			t.Errorf("while running: box %v, sync now disabled %v, bar %v", s.Progress.Box.Visible(), s.SyncNow.Disabled(), s.Progress.Bar.Value)
		}
		progress(syncer.Progress{Phase: "pull", Done: 1, Total: 4, Detail: "粤B12345"})
		during = append(during, s.Progress.Label.Text)
		return syncer.Report{Provider: "demo", Demo: true, Online: true, StartedAt: uitest.Now.Add(-time.Second),
			FinishedAt: uitest.Now, Sent: 1, ViolationsAdded: 13, VehiclesAdded: 5, PeopleAdded: 3, ViolationsUpdated: 2,
			PhotosFetched: 20, PaidElsewhere: 1, Failures: []syncer.Problem{}, Conflicts: []syncer.Conflict{
				{ViolationID: b.v.ID, Field: "fine", Local: "150.00", Provider: "200.00"}}}, nil
	}
	test.Tap(s.SyncNow)

	if strings.Join(during, "|") != "Sending queued actions (1 of 2)|Bringing in changes (1 of 4 vehicles) 粤B12345" {
		t.Errorf("progress lines = %q", during)
	}
	if s.Progress.Box.Visible() || s.SyncNow.Disabled() {
		t.Error("the progress stays after the run")
	}
	if s.Result.Text != "Sync finished: sent 1, 13 new violations, 2 updated." {
		t.Errorf("result = %q", s.Result.Text)
	}
	if !strings.Contains(s.Counts.Text, "Last sync 2026-03-20 10:00: sent 1 · 13 new violations, 5 new vehicles, 3 new people · 2 updated · 20 photos · 1 paid elsewhere") {
		t.Errorf("counts = %q", s.Counts.Text)
	}
	if len(s.Problems) != 1 || s.Problems[0] != "粤B12345 2026-03-01: your fine 150.00 was replaced by the provider's 200.00" {
		t.Errorf("problems = %q", s.Problems)
	}
	if !strings.Contains(s.State.Text, "online · last sync 10:00") {
		t.Errorf("state = %q", s.State.Text)
	}
}

func TestSyncCancelKeepsTheOutbox(t *testing.T) {
	b := newSyncBook(t, i18n.ZH)
	ctx := t.Context()
	if _, err := b.f.Tickets.Pay(ctx, b.v.ID, core.PayAlipay, "zh"); err != nil {
		t.Fatal(err)
	}
	s := screens.NewSyncPanel(b.f.Env)
	s.Refresh()
	b.sync.run = func(ctx context.Context, progress func(syncer.Progress)) (syncer.Report, error) {
		progress(syncer.Progress{Phase: "push", Done: 0, Total: 1})
		test.Tap(s.Progress.Cancel) // the user cancels while it runs
		select {
		case <-ctx.Done():
		case <-time.After(5 * time.Second):
			t.Error("Cancel did not cancel the run's context")
		}
		return syncer.Report{Error: ctx.Err().Error()}, ctx.Err()
	}
	s.Run()
	if !strings.Contains(s.Result.Text, "同步已取消") {
		t.Errorf("result = %q", s.Result.Text)
	}
	if len(s.Rows) != 1 || s.Rows[0].Item.State != core.OutboxQueued || s.Rows[0].Retry != nil {
		t.Fatalf("rows after cancel = %+v", s.Rows)
	}
	if !strings.Contains(s.Rows[0].Text, "缴款 · 粤B12345 2026-03-01 · 排队中") {
		t.Errorf("row = %q", s.Rows[0].Text)
	}
}

func TestSyncFailuresListedWithRetryAndDismiss(t *testing.T) {
	b := newSyncBook(t, i18n.ZH)
	ctx := t.Context()
	if _, err := b.f.Tickets.Pay(ctx, b.v.ID, core.PayWeChat, "zh"); err != nil {
		t.Fatal(err)
	}
	items := vtMust(b.f.Tickets.Outbox(ctx, core.OutboxFilter{}))(t)
	id := items[0].ID
	b.failEntry(t, id)
	b.sync.status.Last = &syncer.Report{Online: true, FinishedAt: uitest.Now, Failures: []syncer.Problem{{OutboxID: id,
		ViolationID: b.v.ID, Code: "decision_mismatch", Message: "the provider refused the payment", MessageZh: "服务方拒绝了缴款",
		ToDo: "check the decision number", ToDoZh: "请核对决定书编号"}}}
	var opened []screens.Target
	b.f.Env.Open = func(t screens.Target) { opened = append(opened, t) }
	s := screens.NewSyncPanel(b.f.Env)
	s.Refresh()

	row, ok := s.Row(id)
	if !ok || row.Retry == nil || row.Dismiss == nil {
		t.Fatalf("failed row = %+v", row)
	}
	if !strings.Contains(row.Text, "失败") || !strings.Contains(row.Text, "服务方拒绝了缴款 — 处理办法：请核对决定书编号") {
		t.Errorf("row text = %q", row.Text)
	}
	if len(s.Problems) != 1 || !strings.Contains(s.Problems[0], "请核对决定书编号") {
		t.Errorf("problems = %q", s.Problems)
	}
	if !strings.Contains(screens.SyncLine(b.f.Env.Text, s.Status, uitest.Now), "1 项失败") {
		t.Errorf("sync line = %q", screens.SyncLine(b.f.Env.Text, s.Status, uitest.Now))
	}

	test.Tap(row.Retry)
	it := vtMust(b.f.Store.Outbox().Get(ctx, id))(t)
	if it.State != core.OutboxQueued || it.Attempts != 0 || it.LastError != "" {
		t.Fatalf("after Retry: %+v %v", it, b.f.Errors)
	}
	if row, _ := s.Row(id); row.Retry != nil || row.Item.State != core.OutboxQueued {
		t.Errorf("the panel still shows it failed: %+v", row)
	}

	b.failEntry(t, id)
	s.Refresh()
	row, _ = s.Row(id)
	test.Tap(row.Dismiss)
	it = vtMust(b.f.Store.Outbox().Get(ctx, id))(t)
	if it.State != core.OutboxDone || it.Outcome != core.OutcomeDismissed {
		t.Fatalf("after Dismiss: %+v", it)
	}
	if _, shown := s.Row(id); shown {
		t.Error("a dismissed entry is still listed")
	}
	if len(b.f.Errors) != 0 {
		t.Errorf("errors: %v", b.f.Errors)
	}
}

func TestSyncLineForEachState(t *testing.T) {
	b := newSyncBook(t, i18n.EN)
	ctx := t.Context()
	if _, err := b.f.Tickets.Pay(ctx, b.v.ID, core.PayAlipay, "en"); err != nil {
		t.Fatal(err)
	}
	st := vtMust(b.sync.Status(ctx))(t)
	last := &syncer.Report{Online: true, FinishedAt: time.Date(2026, 3, 20, 14, 2, 0, 0, time.Local)}
	tx := b.f.Env.Text
	now := time.Date(2026, 3, 20, 15, 0, 0, 0, time.Local)
	for _, c := range []struct {
		name string
		edit func(*screens.SyncStatus)
		want string
	}{
		{"demo online", func(s *screens.SyncStatus) { s.Last = last },
			"Demo provider (sample data) · online · last sync 14:02 · 1 queued"},
		{"offline", func(s *screens.SyncStatus) { s.Last, s.Online = last, false },
			"Demo provider (sample data) · offline — 1 actions wait in the outbox · last sync 14:02"},
		{"real provider, yesterday", func(s *screens.SyncStatus) {
			s.Demo, s.Provider = false, "https://api.example.cn/v1"
			s.Last = &syncer.Report{Online: true, FinishedAt: time.Date(2026, 3, 19, 9, 5, 0, 0, time.Local)}
		}, "api.example.cn · online · last sync 2026-03-19 09:05 · 1 queued"},
		{"off", func(s *screens.SyncStatus) { s.Off, s.Demo, s.Provider = true, false, "off" }, "Sync off"},
		{"running", func(s *screens.SyncStatus) { s.Running = true }, "Demo provider (sample data) · syncing… · 1 queued"},
	} {
		s := st
		c.edit(&s)
		if got := screens.SyncLine(tx, s, now); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
	if got := screens.SyncLine(screens.Text{Catalog: tx.Catalog, Lang: i18n.ZH}, screens.SyncStatus{Demo: true, Provider: "demo",
		Last: last, Outbox: st.Outbox}, now); got != "演示服务（示例数据） · 离线 — 1 项操作在待发送队列中等待 · 上次同步 14:02" {
		t.Errorf("zh offline = %q", got)
	}
}

func TestPayOnlineQueuesAnOutboxEntry(t *testing.T) {
	b := newSyncBook(t, i18n.EN)
	changed := 0
	b.f.Env.SyncChanged = func() { changed++ }
	s := screens.NewViolations(b.f.Env)
	b.f.Window.SetContent(s.Content())
	s.Refresh()
	s.Select(b.v.ID)
	d := s.Detail
	if d == nil || d.PayOnlineBtn.Disabled() || d.Pending.Visible() {
		t.Fatalf("detail %v; pay online disabled or pending shown", d)
	}
	a := d.PayOnline()
	a.Method.SetSelectedIndex(1) // wechat
	a.Confirm()
	if a.Open() || a.Error.Text != "" {
		t.Fatalf("dialog open %v, error %q", a.Open(), a.Error.Text)
	}
	items := vtMust(b.f.Tickets.Outbox(t.Context(), core.OutboxFilter{ViolationID: b.v.ID}))(t)
	if len(items) != 1 || items[0].Kind != core.OutboxPay || items[0].State != core.OutboxQueued || !strings.Contains(items[0].Payload, "wechat") {
		t.Fatalf("outbox = %+v", items)
	}
	if !d.Pending.Visible() || d.Pending.Text != "pay: queued — waiting for sync" {
		t.Errorf("pending = %q (visible %v)", d.Pending.Text, d.Pending.Visible())
	}
	if !strings.Contains(d.PaymentRows.Text, "WeChat Pay · queued") && !strings.Contains(d.PaymentRows.Text, "· queued") {
		t.Errorf("payments = %q", d.PaymentRows.Text)
	}
	if !d.PayOnlineBtn.Disabled() {
		t.Error("a second online payment can be queued while one waits")
	}
	if changed != 1 {
		t.Errorf("the shell heard of %d changes", changed)
	}
}

func TestAppealAndConfirmOnline(t *testing.T) {
	b := newSyncBook(t, i18n.EN)
	ctx := t.Context()
	// A new camera record with its record number: confirmable online.
	rec, _, err := b.f.Tickets.AddViolation(ctx, core.Violation{VehicleID: b.v.VehicleID, OccurredAt: vtTime("2026-03-15 08:00"),
		Place: "北环大道", Code: "1352", FineFen: 10000, Points: 3, RecordNumber: "4403000000999999"})
	if err != nil {
		t.Fatal(err)
	}
	vtMust(b.f.Fleet.AddPerson(ctx, core.Person{Name: "李四"}))(t)
	wang := vtMust(b.f.Fleet.AddPerson(ctx, core.Person{Name: "王五", IDNumber: "11010519491231002X", LicenceFile: "440300123456"}))(t)
	s := screens.NewViolations(b.f.Env)
	s.Refresh()
	s.Select(rec.ID)
	d := s.Detail
	if d.ConfirmOnlineBtn.Disabled() {
		t.Fatal("confirm online disabled on a new record with a record number")
	}
	c := d.ConfirmOnline()
	if len(c.Person.Options) != 1 || c.Person.Options[0] != "王五" {
		t.Fatalf("drivers offered = %v (only those with a licence)", c.Person.Options)
	}
	c.Confirm()
	if c.Open() {
		t.Fatalf("confirm: %q", c.Error.Text)
	}
	got := vtMust(b.f.Tickets.AssessOne(ctx, rec.ID, core.DateOf(uitest.Now), "en"))(t)
	if got.DriverID == nil || *got.DriverID != wang.ID || got.Status != core.StatusConfirmed {
		t.Errorf("after confirm online: driver %v status %s", got.DriverID, got.Status)
	}

	s.Select(b.v.ID)
	d = s.Detail
	a := d.AppealOnline()
	a.Confirm()
	if !a.Open() || a.Error.Text == "" {
		t.Fatal("an appeal without a reason was accepted")
	}
	test.Type(a.Reason, "the car was sold before that day")
	a.AddEvidence("contract.png", []byte("\x89PNG\r\n\x1a\nfake"))
	if !strings.Contains(a.Evidence.Text, "contract.png") {
		t.Errorf("evidence list = %q", a.Evidence.Text)
	}
	a.Confirm()
	if a.Open() {
		t.Fatalf("appeal: %q", a.Error.Text)
	}
	items := vtMust(b.f.Tickets.Outbox(ctx, core.OutboxFilter{ViolationID: b.v.ID}))(t)
	if len(items) != 1 || items[0].Kind != core.OutboxAppeal || !strings.Contains(items[0].Payload, "contract.png") {
		t.Fatalf("outbox = %+v", items)
	}
	if !strings.Contains(d.Pending.Text, "appeal: queued — waiting for sync") {
		t.Errorf("pending = %q", d.Pending.Text)
	}
}

func TestProviderSettingsKeepTheTokenMasked(t *testing.T) {
	b := newSyncBook(t, i18n.EN)
	s := screens.NewSettings(b.f.Env, test.NewTempApp(t).Preferences(), "test.db")
	s.Refresh()
	if s.Provider.SelectedIndex() != 0 || !s.DemoBadge.Visible() || s.ProviderURL.Visible() {
		t.Fatalf("demo: choice %d, badge %v, url shown %v", s.Provider.SelectedIndex(), s.DemoBadge.Visible(), s.ProviderURL.Visible())
	}
	if !s.Token.Password {
		t.Fatal("the token entry shows what is typed")
	}
	s.Provider.SetSelectedIndex(2)
	test.Type(s.ProviderURL, "ftp://nope")
	test.Type(s.Token, "tok-secret-1234")
	test.Tap(s.SaveProvider)
	if s.ProviderError.Text == "" || len(b.sync.saved) != 0 {
		t.Fatalf("a bad URL was saved: %v", b.sync.saved)
	}
	s.ProviderURL.SetText("https://api.example.cn")
	test.Tap(s.SaveProvider)
	if len(b.sync.saved) != 1 || b.sync.saved[0] != [2]string{"https://api.example.cn", "tok-secret-1234"} {
		t.Fatalf("saved = %v (error %q)", b.sync.saved, s.ProviderError.Text)
	}
	if s.Token.Text != "" || s.DemoBadge.Visible() || strings.Contains(s.TokenInfo.Text, "secret") ||
		s.TokenInfo.Text != "Token ••••••••1234, kept in the 0600 file in the data folder" {
		t.Errorf("after save: entry %q, info %q", s.Token.Text, s.TokenInfo.Text)
	}
	s.Provider.SetSelectedIndex(1)
	test.Tap(s.SaveProvider)
	if b.sync.saved[1] != [2]string{"off", ""} || !b.sync.status.Off {
		t.Errorf("off: %v", b.sync.saved)
	}
}
