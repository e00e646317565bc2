package report

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"ticketbook/core"
	"ticketbook/core/field"
	"ticketbook/core/tickets"
)

// MonthData is everything the monthly fleet report shows, grouped and
// summed; the window can show it without the PDF.
type MonthData struct {
	Month      string    // "2026-03"
	Start, End time.Time // the month in the report's zone, End exclusive
	// AsOf is the day the views were assessed: open amounts and late fees
	// are as of then.
	AsOf      core.Date
	Generated time.Time

	Total    Line   // the whole fleet
	Vehicles []Line // by plate, with anything to report
	Drivers  []Line // by driver name; Unassigned for tickets with no driver
	Open     []OpenItem
	Recover  []RecoverLine
	// Chart is fines incurred per month, the 12 months ending with Month.
	Chart []MonthTotal
}

// Line is one vehicle's, one driver's or the fleet's month.
type Line struct {
	Name string
	// New violations that occurred in the month, their fines and points.
	New        int
	NewFineFen core.Fen
	Points     int
	// Confirmed payments made in the month.
	PaidFineFen    core.Fen
	PaidLateFeeFen core.Fen
	// Still open as of AsOf, whatever month they occurred in.
	OpenCount  int
	OpenDueFen core.Fen
	NextDue    core.Date
}

func (l Line) empty() bool {
	return l.New == 0 && l.PaidFineFen == 0 && l.PaidLateFeeFen == 0 && l.OpenCount == 0
}

// OpenItem is a ticket still to be dealt with, and by when.
type OpenItem struct {
	ID         int64
	Plate      string
	Driver     string // the assigned driver, else custody's suggestion marked with "?"
	OccurredAt time.Time
	DueFen     core.Fen  // fine plus late fee so far
	DueOn      core.Date // pay-by date, else the handling deadline; zero when unknown
	DaysLate   int
	Status     core.ViolationStatus
}

// RecoverLine is a fine to get back from the person who caused it: still
// outstanding, or recovered within the month.
type RecoverLine struct {
	Person      string
	Plate       string
	ViolationID int64
	Fen         core.Fen
	Recovered   bool
	RecoveredOn core.Date
}

type MonthTotal struct {
	Month   string // "2026-03"
	FineFen core.Fen
	Count   int
}

// ParseMonth reads 2026-03, 2026-3, 2026/03, 2026年3月 or a date in the month.
func ParseMonth(s string) (int, time.Month, error) {
	in := strings.TrimSpace(s)
	in = strings.NewReplacer("/", "-", ".", "-", "年", "-", "月", "", "日", "").Replace(in)
	parts := strings.Split(in, "-")
	bad := field.New("month", "month_format", fmt.Sprintf("%q is not a month like 2026-03", s), fmt.Sprintf("“%s”不是月份，应为 2026-03 这样的格式", s))
	if len(parts) < 2 || len(parts) > 3 {
		return 0, 0, bad
	}
	y, err1 := strconv.Atoi(parts[0])
	m, err2 := strconv.Atoi(parts[1])
	if err1 != nil || err2 != nil || y < 1900 || y > 2200 || m < 1 || m > 12 {
		return 0, 0, bad
	}
	if len(parts) == 3 {
		if _, err := core.ParseDate("month", s); err != nil {
			return 0, 0, bad
		}
	}
	return y, time.Month(m), nil
}

// Unassigned names the driver of tickets nobody is assigned to.
func Unassigned(lang string) string { return tr(lang, "(no driver)", "（未指定驾驶人）") }

// BuildMonth groups the month's violations and payments. views should be
// every violation of the fleet (or of the vehicles reported on), assessed as
// of the report's day; payments every payment of them.
func BuildMonth(month string, views []tickets.Assessed, payments []tickets.PaymentView, lk Lookup, lang string, now time.Time) (MonthData, error) {
	y, m, err := ParseMonth(month)
	if err != nil {
		return MonthData{}, err
	}
	loc := lk.loc()
	d := MonthData{
		Month:     fmt.Sprintf("%04d-%02d", y, m),
		Start:     time.Date(y, m, 1, 0, 0, 0, 0, loc),
		End:       time.Date(y, m+1, 1, 0, 0, 0, 0, loc),
		AsOf:      core.DateOf(now.In(loc)),
		Generated: now,
		Total:     Line{Name: tr(lang, "Fleet", "全部车辆")},
	}
	if len(views) > 0 {
		d.AsOf = views[0].AsOf
	}
	in := func(t time.Time) bool { return !t.Before(d.Start) && t.Before(d.End) }
	vehicles := map[string]*Line{}
	drivers := map[string]*Line{}
	line := func(m map[string]*Line, name string) *Line {
		l, ok := m[name]
		if !ok {
			l = &Line{Name: name}
			m[name] = l
		}
		return l
	}
	driverOf := func(v tickets.Assessed) string {
		if v.Driver != "" {
			return v.Driver
		}
		return Unassigned(lang)
	}
	byID := make(map[int64]tickets.Assessed, len(views))
	for _, v := range views {
		byID[v.ID] = v
		lines := []*Line{&d.Total, line(vehicles, v.Plate), line(drivers, driverOf(v))}
		if in(v.OccurredAt) {
			for _, l := range lines {
				l.New++
				l.NewFineFen += v.FineFen
				l.Points += v.Points
			}
		}
		if v.Status.Open() {
			driver := v.Driver
			if driver == "" && v.SuggestedDriver != nil {
				// Custody says who it probably was; marked as a guess
				// until someone confirms it.
				driver = tr(lang, "("+*v.SuggestedDriver+"?)", "（"+*v.SuggestedDriver+"？）")
			}
			item := OpenItem{ID: v.ID, Plate: v.Plate, Driver: driver, OccurredAt: v.OccurredAt.In(loc), DueFen: dueFen(v), DueOn: dueOn(v), DaysLate: v.DaysLate, Status: v.Status}
			d.Open = append(d.Open, item)
			for _, l := range lines {
				l.OpenCount++
				l.OpenDueFen += item.DueFen
				if !item.DueOn.IsZero() && (l.NextDue.IsZero() || item.DueOn.Before(l.NextDue)) {
					l.NextDue = item.DueOn
				}
			}
		}
	}
	paid := map[int64]core.Fen{}
	for _, p := range payments {
		if p.State != core.PayConfirmed {
			continue
		}
		paid[p.ViolationID] += p.TotalFen()
		if p.PaidAt == nil || !in(*p.PaidAt) {
			continue
		}
		lines := []*Line{&d.Total, line(vehicles, p.Plate)}
		if v, ok := byID[p.ViolationID]; ok {
			lines = append(lines, line(drivers, driverOf(v)))
		}
		for _, l := range lines {
			l.PaidFineFen += p.FineFen
			l.PaidLateFeeFen += p.LateFeeFen
		}
	}
	for _, v := range views {
		if v.ChargeBackTo == nil {
			continue
		}
		recovered := !v.RecoveredOn.IsZero()
		if recovered && !in(v.RecoveredOn.In(loc)) {
			continue
		}
		fen, ok := paid[v.ID]
		if !ok {
			fen = dueFen(v)
		}
		d.Recover = append(d.Recover, RecoverLine{Person: personName(lk, *v.ChargeBackTo), Plate: v.Plate, ViolationID: v.ID, Fen: fen, Recovered: recovered, RecoveredOn: v.RecoveredOn})
	}
	d.Vehicles = sortedLines(vehicles, "")
	d.Drivers = sortedLines(drivers, Unassigned(lang))
	sort.SliceStable(d.Open, func(i, j int) bool {
		a, b := d.Open[i].DueOn, d.Open[j].DueOn
		if a.IsZero() != b.IsZero() {
			return !a.IsZero()
		}
		if !a.IsZero() && a != b {
			return a.Before(b)
		}
		return d.Open[i].ID < d.Open[j].ID
	})
	sort.SliceStable(d.Recover, func(i, j int) bool {
		a, b := d.Recover[i], d.Recover[j]
		if a.Recovered != b.Recovered {
			return !a.Recovered
		}
		if a.Person != b.Person {
			return a.Person < b.Person
		}
		return a.ViolationID < b.ViolationID
	})
	d.Chart = finesByMonth(views, y, m, loc)
	return d, nil
}

func dueFen(v tickets.Assessed) core.Fen {
	if v.TotalDueFen > 0 {
		return v.TotalDueFen
	}
	return v.FineFen
}

func dueOn(v tickets.Assessed) core.Date {
	if !v.DueOn.IsZero() {
		return v.DueOn
	}
	return v.HandlingDeadline
}

// sortedLines drops lines with nothing in them and sorts by name; the
// unassigned driver goes last so the named people come first.
func sortedLines(m map[string]*Line, last string) []Line {
	out := make([]Line, 0, len(m))
	for _, l := range m {
		if !l.empty() {
			out = append(out, *l)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if li, lj := out[i].Name == last, out[j].Name == last; li != lj {
			return lj
		}
		return out[i].Name < out[j].Name
	})
	return out
}

func finesByMonth(views []tickets.Assessed, y int, m time.Month, loc *time.Location) []MonthTotal {
	out := make([]MonthTotal, 12)
	first := time.Date(y, m-11, 1, 0, 0, 0, 0, loc)
	index := map[string]int{}
	for i := range out {
		t := first.AddDate(0, i, 0)
		out[i].Month = t.Format("2006-01")
		index[out[i].Month] = i
	}
	for _, v := range views {
		if i, ok := index[v.OccurredAt.In(loc).Format("2006-01")]; ok {
			out[i].FineFen += v.FineFen
			out[i].Count++
		}
	}
	return out
}
