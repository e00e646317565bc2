package cli

import (
	"slices"
	"strings"
	"testing"
)

// The four situations the rules exist for, built through the CLI as a user
// would, checked through `--json --as-of` as a script would.

func assessed(h *harness, id, asOf string) map[string]any {
	h.t.Helper()
	var v map[string]any
	h.jsonOf(&v, "violation", "show", id, "--as-of", asOf)
	return v
}

func blockers(v map[string]any) []string {
	var out []string
	for _, b := range v["blockers"].([]any) {
		out = append(out, b.(string))
	}
	return out
}

func TestBorrowedFamilyCar(t *testing.T) {
	h := newHarness(t)
	h.ok("person", "add", "--name", "李建国", "--id-number", "11010519491231002X", "--first-issued", "1995-03-10", "--role", "family")
	h.ok("person", "add", "--name", "李明", "--id-number", "110101199003071233", "--first-issued", "2012-07-01", "--role", "family")
	h.ok("vehicle", "add", "--plate", "京N·A1234", "--owner", "李建国", "--owner-kind", "family", "--owner-person", "李建国")
	h.ok("custody", "add", "--plate", "京NA1234", "--person", "李明", "--from", "2026-03-06 18:00", "--to", "2026-03-09 20:00", "--purpose", "借车回家")
	h.ok("violation", "add", "--plate", "京NA1234", "--occurred", "2026-03-07 14:20", "--place", "京港澳高速", "--code", "1352", "--fine", "200", "--points", "3", "--notified", "2026-03-10")

	v := assessed(h, "1", "2026-03-20")
	if v["suggested_driver"] != "李明" || v["driver_match"] != "matched" {
		t.Errorf("suggested_driver = %v (%v), want 李明 from custody", v["suggested_driver"], v["driver_match"])
	}
	if v["late_fee_fen"] != float64(0) || v["due_on"] != nil || v["handling_deadline"] != "2026-04-09" {
		t.Errorf("camera record: late fee %v, due %v, handle by %v", v["late_fee_fen"], v["due_on"], v["handling_deadline"])
	}
	if v["online_ok"] != false || !slices.Contains(blockers(v), "not_owner_no_registration") {
		t.Errorf("blockers = %v", v["blockers"])
	}
	if v["next_action"] != "confirm_driver" {
		t.Errorf("next_action = %v", v["next_action"])
	}
	// Once the son is registered on his father's car, before the offence, it can go online.
	h.ok("registration", "add", "--plate", "京NA1234", "--person", "李明", "--method", "qr", "--applied", "2026-03-01", "--approved", "2026-03-02")
	h.ok("violation", "edit", "1", "--driver", "李明")
	v = assessed(h, "1", "2026-03-20")
	if v["online_ok"] != true || v["next_action"] != "confirm_with_licence" || v["driver"] != "李明" {
		t.Errorf("after registration: online_ok %v, blockers %v, next %v", v["online_ok"], v["blockers"], v["next_action"])
	}
}

func TestShopEmployeeMovingACustomersCar(t *testing.T) {
	h := newHarness(t)
	h.ok("person", "add", "--name", "张伟", "--id-number", "440301198506152011", "--first-issued", "2008-09-01", "--role", "employee")
	h.ok("vehicle", "add", "--plate", "粤B5T2Q8", "--owner", "陈先生", "--owner-kind", "customer")
	h.ok("custody", "add", "--plate", "粤B5T2Q8", "--person", "张伟", "--from", "2026-03-03 09:00", "--to", "2026-03-03 11:00", "--purpose", "移车到喷漆间")
	h.ok("violation", "add", "--plate", "粤B5T2Q8", "--occurred", "2026-03-03 10:05", "--place", "南山大道", "--code", "1345", "--fine", "100", "--points", "3", "--notified", "2026-03-05")
	// The registration came after the offence: a point-bearing record from
	// before it cannot be handled through it.
	h.ok("registration", "add", "--plate", "粤B5T2Q8", "--person", "张伟", "--method", "sms", "--applied", "2026-03-04", "--approved", "2026-03-05")
	v := assessed(h, "1", "2026-03-10")
	if v["suggested_driver"] != "张伟" {
		t.Errorf("suggested_driver = %v", v["suggested_driver"])
	}
	if !slices.Contains(blockers(v), "occurred_before_registration") || v["online_ok"] != false {
		t.Errorf("blockers = %v", v["blockers"])
	}
	if v["instead"] == "" {
		t.Error("a blocked violation must say what to do instead")
	}
}

func TestCompanyDriverNearTwelvePoints(t *testing.T) {
	h := newHarness(t)
	h.ok("person", "add", "--name", "赵强", "--id-number", "440304199208083314", "--first-issued", "2014-05-01", "--role", "employee")
	h.ok("vehicle", "add", "--plate", "粤B12345", "--owner", "顺达物流", "--owner-kind", "company", "--use", "non_operating")
	h.ok("registration", "add", "--plate", "粤B12345", "--person", "赵强", "--method", "window", "--applied", "2025-06-01", "--approved", "2025-06-03")
	h.ok("violation", "add", "--plate", "粤B12345", "--occurred", "2025-07-10 08:00", "--place", "A", "--code", "1625", "--fine", "200", "--points", "6", "--decision-number", "4403001000123456", "--decided", "2025-07-20", "--driver", "赵强", "--status", "paid")
	h.ok("violation", "add", "--plate", "粤B12345", "--occurred", "2025-12-01 08:00", "--place", "B", "--code", "1345", "--fine", "100", "--points", "3", "--decision-number", "4403001000123460", "--decided", "2025-12-05", "--driver", "赵强", "--status", "paid")
	h.ok("violation", "add", "--plate", "粤B12345", "--occurred", "2026-03-01 08:00", "--place", "C", "--code", "1625", "--fine", "200", "--points", "6", "--driver", "赵强", "--notified", "2026-03-03")

	var people []map[string]any
	h.jsonOf(&people, "person", "list", "--as-of", "2026-03-10")
	p := people[0]
	if p["points_in_cycle"] != float64(9) || p["cycle_start"] != "2025-05-01" || p["cycle_end"] != "2026-04-30" || p["points_carried"] != float64(0) {
		t.Errorf("standing = %v %v~%v carried %v", p["points_in_cycle"], p["cycle_start"], p["cycle_end"], p["points_carried"])
	}
	v := assessed(h, "3", "2026-03-10")
	if v["points_after"] != float64(15) || !slices.Contains(blockers(v), "would_reach_limit") || v["needs_trip"] != true {
		t.Errorf("points_after %v blockers %v needs_trip %v", v["points_after"], v["blockers"], v["needs_trip"])
	}
	if v["next_action"] != "go_to_window" {
		t.Errorf("next_action = %v", v["next_action"])
	}
	// A new cycle clears points below 12 of paid fines.
	h.jsonOf(&people, "person", "list", "--as-of", "2026-05-01")
	if people[0]["points_in_cycle"] != float64(0) {
		t.Errorf("new cycle points = %v", people[0]["points_in_cycle"])
	}
}

func TestOverdueFine(t *testing.T) {
	h := newHarness(t)
	h.ok("person", "add", "--name", "王芳", "--id-number", "310115197801014563", "--first-issued", "2000-01-15")
	h.ok("vehicle", "add", "--plate", "沪A12345", "--owner", "王芳", "--owner-person", "王芳")
	h.ok("violation", "add", "--plate", "沪A12345", "--occurred", "2026-02-20 09:00", "--place", "延安高架", "--code", "1039", "--fine", "200", "--points", "0",
		"--decision-number", "3101001000777772", "--decided", "2026-03-01", "--received", "2026-03-02", "--driver", "王芳")
	cases := []struct {
		asOf                 string
		daysLeft, fee, total float64
	}{
		{"2026-03-17", 0, 0, 20000},        // day 15 after delivery: still free
		{"2026-03-18", -1, 600, 20600},     // day 16: 3 % of 200 yuan
		{"2026-04-10", -24, 14400, 34400},  // 24 late days
		{"2026-04-20", -34, 20000, 40000},  // the 34th late day reaches the cap
		{"2026-12-31", -289, 20000, 40000}, // and it stays there
	}
	for _, c := range cases {
		v := assessed(h, "1", c.asOf)
		if v["due_on"] != "2026-03-17" || v["days_left"] != c.daysLeft || v["late_fee_fen"] != c.fee || v["total_due_fen"] != c.total {
			t.Errorf("as of %s: due %v left %v fee %v total %v; want left %v fee %v total %v",
				c.asOf, v["due_on"], v["days_left"], v["late_fee_fen"], v["total_due_fen"], c.daysLeft, c.fee, c.total)
		}
		if v["next_action"] != "pay" {
			t.Errorf("as of %s next_action = %v", c.asOf, v["next_action"])
		}
	}
	var list []map[string]any
	h.jsonOf(&list, "violation", "list", "--as-of", "2026-04-10")
	if len(list) != 1 || list[0]["late_fee_fen"] != float64(14400) || list[0]["online_ok"] != true {
		t.Errorf("list = %v", list)
	}
	for _, k := range []string{"late_fee_fen", "total_due_fen", "due_on", "days_left", "suggested_driver", "online_ok", "blockers", "next_action"} {
		if _, ok := list[0][k]; !ok {
			t.Errorf("violation list --json lacks %q", k)
		}
	}
	// The user's convention setting moves the deadline by a day.
	h.ok("settings", "set", "late_fee_convention", "same_day")
	if v := assessed(h, "1", "2026-03-17"); v["due_on"] != "2026-03-16" || v["late_fee_fen"] != float64(600) {
		t.Errorf("same_day: due %v fee %v", v["due_on"], v["late_fee_fen"])
	}
	h.bad("settings", "set", "late_fee_convention", "whenever")
}

func TestRulesListShowsSources(t *testing.T) {
	h := newHarness(t)
	var rs []map[string]any
	h.jsonOf(&rs, "rules", "list")
	found := false
	for _, r := range rs {
		if r["Source"] == "" && r["source"] == "" {
			t.Errorf("rule without a source: %v", r)
		}
		if r["Key"] == "late_fee_bp_per_day" || r["key"] == "late_fee_bp_per_day" {
			found = true
		}
	}
	if !found {
		t.Errorf("late fee rule missing from %v", rs)
	}
	out := h.ok("rules", "list")
	if !strings.Contains(out, "art. 109") {
		t.Errorf("rules list lacks the law's article:\n%s", out)
	}
}

func TestRegistrationQuotasAndCancelReminder(t *testing.T) {
	h := newHarness(t)
	h.ok("person", "add", "--name", "张伟", "--id-number", "440301198506152011")
	plates := []string{"粤B11111", "粤B22222", "粤B33333", "粤B44444"}
	for _, p := range plates {
		h.ok("vehicle", "add", "--plate", p, "--owner-kind", "customer")
	}
	for i, p := range plates[:3] {
		day := []string{"2026-01-05", "2026-01-06", "2026-01-07"}[i]
		h.ok("registration", "add", "--plate", p, "--person", "张伟", "--method", "sms", "--applied", day, "--approved", day)
	}
	errs := h.bad("registration", "add", "--plate", plates[3], "--person", "张伟", "--method", "sms", "--applied", "2026-01-08")
	if !strings.Contains(errs, "3") {
		t.Errorf("fourth vehicle: %q", errs)
	}
	h.ok("registration", "cancel", "1", "--on", "2026-01-08")
	errs = h.bad("registration", "add", "--plate", plates[3], "--person", "张伟", "--method", "sms", "--applied", "2026-01-07")
	if !strings.Contains(errs, "day") {
		t.Errorf("second application the same day: %q", errs)
	}
	h.ok("registration", "add", "--plate", plates[3], "--person", "张伟", "--method", "sms", "--applied", "2026-01-09", "--approved", "2026-01-09")

	// No open ticket for 张伟 on these cars: every approved registration can go.
	var regs []map[string]any
	h.jsonOf(&regs, "registration", "list", "--active")
	if len(regs) != 3 {
		t.Fatalf("active registrations = %d", len(regs))
	}
	for _, r := range regs {
		if r["cancel_reminder"] == nil {
			t.Errorf("registration %v has no cancel reminder", r["id"])
		}
	}
	// An open ticket he drove keeps the registration needed.
	h.ok("violation", "add", "--plate", plates[1], "--occurred", "2026-01-10 10:00", "--place", "x", "--code", "1345", "--fine", "100", "--points", "3", "--driver", "张伟")
	h.jsonOf(&regs, "registration", "list", "--plate", plates[1])
	if regs[0]["cancel_reminder"] != nil {
		t.Errorf("reminder despite an open ticket: %v", regs[0]["cancel_reminder"])
	}
}

// The demo must show every situation the start screen talks about, and only
// go into an empty database.
func TestDemoCoversTheStartScreen(t *testing.T) {
	h := newHarness(t)
	h.ok("demo")
	var today map[string]any
	h.jsonOf(&today, "today")
	for _, k := range []string{"overdue", "due_this_week", "need_trip", "no_driver", "drivers_at_risk", "registrations_to_cancel"} {
		if xs, _ := today[k].([]any); len(xs) == 0 {
			t.Errorf("demo has nothing in %s", k)
		}
	}
	if today["late_fees_fen"] == float64(0) {
		t.Error("demo has no late fee running")
	}
	h.bad("demo")
	out := h.ok("today", "--lang", "zh")
	if !strings.Contains(out, "未缴罚款") {
		t.Errorf("today = %s", out)
	}
}

func TestChargeBackAndRecovery(t *testing.T) {
	h := newHarness(t)
	h.ok("person", "add", "--name", "李娜")
	h.ok("vehicle", "add", "--plate", "粤B6K2M8", "--owner-kind", "company")
	h.ok("violation", "add", "--plate", "粤B6K2M8", "--occurred", "2026-03-01 09:00", "--place", "x", "--code", "1352", "--fine", "200", "--points", "3", "--driver", "李娜")
	h.bad("violation", "edit", "1", "--recovered", "2026-03-20")
	var v map[string]any
	h.jsonOf(&v, "violation", "edit", "1", "--charge-to", "李娜")
	if v["charge_back_name"] != "李娜" || v["recovered_on"] != nil {
		t.Errorf("charged back: %v %v", v["charge_back_name"], v["recovered_on"])
	}
	h.jsonOf(&v, "violation", "edit", "1", "--recovered", "2026-03-20")
	if v["recovered_on"] != "2026-03-20" {
		t.Errorf("recovered_on = %v", v["recovered_on"])
	}
	h.jsonOf(&v, "violation", "edit", "1", "--charge-to", "")
	if v["charge_back_to"] != nil || v["recovered_on"] != nil {
		t.Errorf("cleared: %v %v", v["charge_back_to"], v["recovered_on"])
	}
}
