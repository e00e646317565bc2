package screens_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"ticketbook/assets"
	"ticketbook/core"
	"ticketbook/core/fleet"
	"ticketbook/core/i18n"
	"ticketbook/core/tickets"
	"ticketbook/storage/storagetest"
	"ticketbook/ui/screens"
	"ticketbook/ui/uitest"
)

// violationsBook is a small fleet: a car 张三 had in February with an
// overdue ticket from then, a van with a fresh decision and a paid ticket.
type violationsBook struct {
	f              *uitest.Fixture
	s              *screens.Violations
	car, van       core.Vehicle
	zhang, li      core.Person
	overdue, fresh core.Violation
	paid           core.Violation
	ctx            context.Context
}

func vtTime(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, time.Local)
	if err != nil {
		panic(err)
	}
	return t
}

func vtDay(s string) core.Date {
	d, err := core.ParseDate("date", s)
	if err != nil {
		panic(err)
	}
	return d
}

func vtMust[T any](v T, err error) func(testing.TB) T {
	return func(t testing.TB) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func newViolationsBook(t *testing.T, lang i18n.Lang) *violationsBook {
	t.Helper()
	f := uitest.New(t, lang)
	b := &violationsBook{f: f, ctx: t.Context()}
	b.car = vtMust(f.Fleet.AddVehicle(b.ctx, core.Vehicle{Plate: "粤B12345"}))(t)
	b.van = vtMust(f.Fleet.AddVehicle(b.ctx, core.Vehicle{Plate: "京A88888", Nickname: "van"}))(t)
	b.zhang = vtMust(f.Fleet.AddPerson(b.ctx, core.Person{Name: "张三", IDNumber: "11010519491231002X", FirstIssued: vtDay("2015-06-01")}))(t)
	b.li = vtMust(f.Fleet.AddPerson(b.ctx, core.Person{Name: "李四"}))(t)
	end := vtTime("2026-02-28 18:00")
	if _, _, err := f.Fleet.StartCustody(b.ctx, core.Custody{VehicleID: b.car.ID, PersonID: b.zhang.ID, From: vtTime("2026-02-01 09:00"), To: &end}); err != nil {
		t.Fatal(err)
	}
	add := func(v core.Violation) core.Violation {
		t.Helper()
		out, _, err := f.Tickets.AddViolation(b.ctx, v)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	b.overdue = add(core.Violation{VehicleID: b.car.ID, OccurredAt: vtTime("2026-02-10 08:30"), Place: "深南大道",
		Code: "1625", FineFen: 20000, Points: 6, DecidedOn: vtDay("2026-02-20"), ReceivedOn: vtDay("2026-02-22")})
	b.fresh = add(core.Violation{VehicleID: b.van.ID, OccurredAt: vtTime("2026-03-05 09:00"), Place: "长安街",
		Code: "1039", FineFen: 10000, DecidedOn: vtDay("2026-03-15"), ReceivedOn: vtDay("2026-03-16")})
	b.paid = add(core.Violation{VehicleID: b.van.ID, OccurredAt: vtTime("2026-01-15 17:45"), Place: "三环路",
		Code: "1039", FineFen: 5000, Status: core.StatusPaid})
	b.s = screens.NewViolations(f.Env)
	f.Window.SetContent(b.s.Content())
	b.s.Refresh()
	return b
}

func (b *violationsBook) assess(t *testing.T, id int64) tickets.Assessed {
	t.Helper()
	return vtMust(b.f.Tickets.AssessOne(b.ctx, id, core.DateOf(uitest.Now), "en"))(t)
}

func (b *violationsBook) column(col int) []string {
	out := make([]string, b.s.Rows())
	for i := range out {
		out[i] = b.s.Cell(i, col)
	}
	return out
}

func TestViolationsTableShowsTheRowsAndTheirCells(t *testing.T) {
	b := newViolationsBook(t, i18n.EN)
	s := b.s
	if got := strings.Join(b.column(screens.ViolationColPlate), ","); got != "京A88888,粤B12345,京A88888" {
		t.Fatalf("plates newest first = %s", got)
	}
	a := b.assess(t, b.overdue.ID)
	want := map[int]string{
		screens.ViolationColOccurred: "2026-02-10 08:30",
		screens.ViolationColPlace:    "深南大道",
		screens.ViolationColFine:     "200.00",
		screens.ViolationColPoints:   "6",
		screens.ViolationColStatus:   "decided",
		screens.ViolationColDriver:   "张三?",
		screens.ViolationColTotal:    a.TotalDueFen.Yuan(),
		screens.ViolationColDue:      "2026-03-09",
		screens.ViolationColNext:     a.NextActionText,
	}
	for col, w := range want {
		if got := s.Cell(1, col); got != w {
			t.Errorf("row 1 col %d = %q, want %q", col, got, w)
		}
	}
	if a.LateFeeFen == 0 || a.TotalDueFen != 20000+a.LateFeeFen {
		t.Errorf("the overdue ticket should carry a late fee: %+v", a)
	}
	if s.Cell(2, screens.ViolationColStatus) != "paid" || s.Cell(2, screens.ViolationColTotal) != "" {
		t.Errorf("paid row = %q / %q", s.Cell(2, screens.ViolationColStatus), s.Cell(2, screens.ViolationColTotal))
	}
	if s.Status.Text != "3 violations, 2 open" {
		t.Errorf("status = %q", s.Status.Text)
	}
	if len(b.f.Errors) != 0 {
		t.Errorf("errors shown: %v", b.f.Errors)
	}
}

func TestViolationsSearchAndFiltersNarrowTheTable(t *testing.T) {
	b := newViolationsBook(t, i18n.EN)
	s := b.s
	test.Type(s.Search, "深南")
	if s.Rows() != 1 || s.Cell(0, screens.ViolationColPlate) != "粤B12345" {
		t.Errorf("search by place: %v", b.column(screens.ViolationColPlate))
	}
	s.Search.SetText("张") // nobody is assigned yet: a suggestion is not a driver
	if s.Rows() != 0 || s.Status.Text != "No violations match." {
		t.Errorf("search by driver: %d rows, %q", s.Rows(), s.Status.Text)
	}
	s.Search.SetText("")

	s.StatusFilter.SetSelected("Open")
	if got := strings.Join(b.column(screens.ViolationColPlace), ","); got != "长安街,深南大道" || s.Status.Text != "2 violations, 2 open" {
		t.Errorf("open = %s, %q", got, s.Status.Text)
	}
	s.StatusFilter.SetSelected("paid")
	if got := strings.Join(b.column(screens.ViolationColPlace), ","); got != "三环路" || !strings.HasSuffix(s.Status.Text, ", 0 open") {
		t.Errorf("paid = %s, %q", got, s.Status.Text)
	}
	s.StatusFilter.SetSelected("All statuses")

	s.VehicleFilter.SetSelected("京A88888 · van")
	if s.Rows() != 2 {
		t.Errorf("van filter: %v", b.column(screens.ViolationColPlate))
	}
	s.VehicleFilter.SetSelectedIndex(0)

	test.Type(s.From, "2026-02-01")
	test.Type(s.To, "2026-02-28")
	if got := strings.Join(b.column(screens.ViolationColPlace), ","); got != "深南大道" {
		t.Errorf("february = %s", got)
	}
	s.To.SetText("2026-02-30")
	if !s.FilterHint.Visible() || !strings.Contains(s.FilterHint.Text, "to:") {
		t.Errorf("bad date hint = %q", s.FilterHint.Text)
	}
	s.From.SetText("")
	s.To.SetText("")
	if s.FilterHint.Visible() || s.Rows() != 3 {
		t.Errorf("cleared dates: hint %q, %d rows", s.FilterHint.Text, s.Rows())
	}

	s.Sort.SetSelected("Largest fine first")
	if got := strings.Join(b.column(screens.ViolationColFine), ","); got != "200.00,100.00,50.00" {
		t.Errorf("by amount = %s", got)
	}

	// Once 张三 is the driver, the person filter and the search both find him.
	if _, err := b.f.Tickets.AssignDriver(b.ctx, b.overdue.ID, &b.zhang.ID); err != nil {
		t.Fatal(err)
	}
	s.PersonFilter.SetSelected("张三")
	if s.Rows() != 1 || s.Cell(0, screens.ViolationColDriver) != "张三" {
		t.Errorf("person filter: %v", b.column(screens.ViolationColDriver))
	}
}

func TestViolationsLoadPagesAsTheTableScrolls(t *testing.T) {
	f := uitest.New(t, i18n.EN)
	car := vtMust(f.Fleet.AddVehicle(t.Context(), core.Vehicle{Plate: "粤B12345"}))(t)
	seedViolations(t, f.Store, []int64{car.ID}, 1050, nil)
	s := screens.NewViolations(f.Env)
	f.Window.SetContent(s.Content())
	s.Refresh()

	if s.Rows() != 1050 || s.Status.Text != "1,050 violations, 1,050 open" {
		t.Fatalf("rows = %d, status %q", s.Rows(), s.Status.Text)
	}
	if !s.PageLoaded(0) || s.PageLoaded(420) || s.PageLoaded(1020) {
		t.Fatal("only the first page should be loaded")
	}
	s.Table.ScrollTo(widget.TableCellID{Row: 420, Col: screens.ViolationColPlace})
	if !s.PageLoaded(420) || s.PageLoaded(1020) {
		t.Error("scrolling to row 420 should load its page, and only that")
	}
	if got := s.Cell(420, screens.ViolationColPlace); got != "Place 420" {
		t.Errorf("row 420 place = %q", got)
	}
	if got := s.Cell(1020, screens.ViolationColPlace); got != "Place 1020" {
		t.Errorf("row 1020 place = %q", got)
	}
	if len(f.Errors) != 0 {
		t.Errorf("errors shown: %v", f.Errors)
	}
}

func TestViolationsBatchAssignSetsEveryDriver(t *testing.T) {
	b := newViolationsBook(t, i18n.EN)
	s := b.s
	if !s.AssignBtn.Disabled() {
		t.Error("batch buttons should wait for a selection")
	}
	s.Check(0, true)
	s.Check(1, true)
	if len(s.Selected()) != 2 || s.AssignBtn.Disabled() || !strings.HasSuffix(s.Status.Text, "2 selected") {
		t.Fatalf("selected %v, status %q", s.Selected(), s.Status.Text)
	}
	a := s.AssignSelected()
	a.Person.SetSelected("李四")
	a.Confirm()
	for _, id := range []int64{b.fresh.ID, b.overdue.ID} {
		if got := b.assess(t, id); got.DriverID == nil || *got.DriverID != b.li.ID || got.DriverMatch != "manual" {
			t.Errorf("violation %d driver = %v (%s)", id, got.DriverID, got.DriverMatch)
		}
	}
	if !strings.Contains(s.Notice.Text, "2 of 2") || len(s.Selected()) != 0 {
		t.Errorf("notice %q, still selected %v", s.Notice.Text, s.Selected())
	}
	if s.Cell(1, screens.ViolationColDriver) != "李四" {
		t.Errorf("driver cell = %q", s.Cell(1, screens.ViolationColDriver))
	}
}

func TestViolationsBatchPaymentReportsEachFailure(t *testing.T) {
	b := newViolationsBook(t, i18n.EN)
	s := b.s
	s.Check(0, true) // fresh, open
	s.Check(2, true) // already paid
	a := s.PaySelected()
	a.Method.SetSelected("WeChat Pay")
	a.Confirm()
	if got := b.assess(t, b.fresh.ID); got.Status != core.StatusPaid {
		t.Errorf("fresh ticket status = %s", got.Status)
	}
	pays := vtMust(b.f.Tickets.Payments(b.ctx, core.PaymentFilter{ViolationID: b.fresh.ID}))(t)
	if len(pays) != 1 || pays[0].FineFen != 10000 || pays[0].Method != core.PayWeChat || len(pays[0].IdempotencyKey) != 32 {
		t.Errorf("payments = %+v", pays)
	}
	if !strings.Contains(s.Notice.Text, "1 of 2") || !strings.Contains(s.Notice.Text, "京A88888 2026-01-15 17:45: ") ||
		!strings.Contains(s.Notice.Text, "already paid") {
		t.Errorf("summary = %q", s.Notice.Text)
	}
}

func TestViolationFormRefusesABadFineAndSavesAGoodOne(t *testing.T) {
	b := newViolationsBook(t, i18n.EN)
	s := b.s
	s.NewViolation()
	fm := s.Form
	fm.Vehicle.SetSelected("粤B12345")
	test.Type(fm.Occurred, "2026-03-18 07:45")
	test.Type(fm.Place, "滨海大道")
	test.Type(fm.Code, "13441")
	test.Type(fm.Fine, "2OO")
	if fm.Hint("fine") == "" || fm.Hint("occurred") != "" || fm.Hint("code") != "" {
		t.Errorf("hints: fine %q, occurred %q, code %q", fm.Hint("fine"), fm.Hint("occurred"), fm.Hint("code"))
	}
	fm.Points.SetSelected("3")
	// The check digit should be 1 ((123456789 mod 7)): a warning, not a refusal.
	test.Type(fm.Decision, "4403001234567890")
	if fm.Hint("decision_number") == "" {
		t.Error("no check-digit warning under the decision number")
	}
	test.Type(fm.Decided, "2026-03-19")
	fm.Save()
	if !fm.Open() || !strings.HasPrefix(fm.Error(), "fine: ") || s.Rows() != 3 {
		t.Fatalf("bad fine: open %v, error %q, rows %d", fm.Open(), fm.Error(), s.Rows())
	}
	fm.Fine.SetText("¥200")
	fm.Save()
	if fm.Open() {
		t.Fatalf("form still open: %q", fm.Error())
	}
	if s.Rows() != 4 || s.Cell(0, screens.ViolationColPlace) != "滨海大道" || s.Cell(0, screens.ViolationColFine) != "200.00" ||
		s.Cell(0, screens.ViolationColPoints) != "3" {
		t.Errorf("saved row: %v", b.column(screens.ViolationColPlace))
	}
	if !strings.Contains(s.Notice.Text, "decision number") {
		t.Errorf("warning after save = %q", s.Notice.Text)
	}
}

func TestViolationsInChinese(t *testing.T) {
	b := newViolationsBook(t, i18n.ZH)
	s := b.s
	if s.StatusFilter.Options[0] != "全部状态" || s.Status.Text != "共 3 条违法记录，2 条未结" {
		t.Errorf("filter %q, status %q", s.StatusFilter.Options[0], s.Status.Text)
	}
	if got := s.Cell(1, screens.ViolationColStatus); got != "已决定" {
		t.Errorf("status cell = %q", got)
	}
	if got := s.Cell(1, screens.ViolationColNext); !strings.Contains(got, "张三") || !strings.Contains(got, "确认") {
		t.Errorf("next step = %q", got)
	}
	s.Select(b.overdue.ID)
	d := s.Detail
	if !strings.Contains(d.LateFee.Text, "滞纳金") || d.ConfirmBtn.Text != "确认 张三" {
		t.Errorf("detail late fee %q, confirm %q", d.LateFee.Text, d.ConfirmBtn.Text)
	}
	test.Tap(d.BackBtn)
	s.NewViolation()
	test.Type(s.Form.Fine, "-5")
	s.Form.Save()
	if !strings.Contains(s.Form.Error(), "罚款金额") || !strings.Contains(s.Form.Hint("fine"), "负数") {
		t.Errorf("form error %q, hint %q", s.Form.Error(), s.Form.Hint("fine"))
	}
}

// seedViolations inserts n violations straight into the store, a batch per
// transaction, newest first one minute apart; every third one is decided
// and driven by one of drivers (when given).
func seedViolations(tb testing.TB, st core.Store, vehicles []int64, n int, drivers []int64) {
	tb.Helper()
	ctx := context.Background()
	base := vtTime("2026-03-01 12:00")
	for start := 0; start < n; start += 5000 {
		err := st.InTx(ctx, func(r core.Repos) error {
			for i := start; i < min(start+5000, n); i++ {
				v := core.Violation{VehicleID: vehicles[i%len(vehicles)], OccurredAt: base.Add(-time.Duration(i) * time.Minute).UTC(),
					Place: fmt.Sprintf("Place %03d", i), Code: "1625", FineFen: core.Fen(100+i%5) * 100, Points: 3,
					Source: core.SourceCamera, Status: core.StatusNew}
				if i%3 == 0 {
					v.Status, v.DecidedOn = core.StatusDecided, core.DateOf(v.OccurredAt.AddDate(0, 0, 7))
					if len(drivers) > 0 {
						v.DriverID, v.DriverManual = &drivers[i%len(drivers)], true
					}
				}
				if err := r.Violations().Insert(ctx, &v); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
}

// BenchmarkViolationsPage measures what scrolling deep into a 100k-ticket
// book costs: the counts and one assessed page far from the start. With
// drivers assigned, every driver on the page has their standing computed,
// which is most of the cost.
func BenchmarkViolationsPage(b *testing.B) {
	for _, drivers := range []int{0, 20} {
		b.Run(fmt.Sprintf("drivers=%d", drivers), func(b *testing.B) {
			test.NewTempApp(b)
			st := storagetest.Open(b)
			clock := func() time.Time { return uitest.Now }
			fl, tk := fleet.New(st, clock), tickets.New(st, clock)
			ctx := context.Background()
			var vehicles, people []int64
			for i := range 40 {
				v := vtMust(fl.AddVehicle(ctx, core.Vehicle{Plate: fmt.Sprintf("粤B%05d", 10000+i)}))(b)
				vehicles = append(vehicles, v.ID)
			}
			for i := range drivers {
				p := vtMust(fl.AddPerson(ctx, core.Person{Name: fmt.Sprintf("Driver %d", i), FirstIssued: vtDay("2015-06-01")}))(b)
				people = append(people, p.ID)
			}
			seedViolations(b, st, vehicles, 100_000, people)
			s := screens.NewViolations(screens.Env{
				Text: screens.Text{Catalog: assets.Catalog(), Lang: i18n.EN}, Run: screens.Inline, Now: clock,
				Present:  func(err error) { b.Fatal(err) },
				Services: screens.Services{Fleet: fl, Tickets: tk},
			})
			b.ResetTimer()
			for b.Loop() {
				p, err := s.Load(ctx, core.ViolationFilter{}, 400) // rows 80,000-80,199
				if err != nil || p.Total != 100_000 || len(p.Rows) != 200 {
					b.Fatalf("total %d, %d rows, %v", p.Total, len(p.Rows), err)
				}
			}
		})
	}
}
