package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

type harness struct {
	t  *testing.T
	db string
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	t.Setenv("LANG", "en_US.UTF-8")
	t.Setenv("LC_ALL", "")
	return &harness{t: t, db: filepath.Join(t.TempDir(), "tb.db")}
}

// run calls the CLI in-process and returns stdout, stderr and the exit code.
func (h *harness) run(args ...string) (string, string, int) {
	h.t.Helper()
	var out, errb bytes.Buffer
	code := Main(context.Background(), append(args, "--db", h.db), &out, &errb, nil)
	return out.String(), errb.String(), code
}

// ok runs a command that must succeed.
func (h *harness) ok(args ...string) string {
	h.t.Helper()
	out, errs, code := h.run(args...)
	if code != 0 {
		h.t.Fatalf("%v: exit %d, stderr: %s", args, code, errs)
	}
	return out
}

// bad runs a command that must be refused as bad input, on one line.
func (h *harness) bad(args ...string) string {
	h.t.Helper()
	out, errs, code := h.run(args...)
	if code != ExitBadUse {
		h.t.Fatalf("%v: exit %d, want 2; stdout %q stderr %q", args, code, out, errs)
	}
	if strings.Count(strings.TrimSpace(errs), "\n") != 0 {
		h.t.Errorf("%v: error should be one line, got %q", args, errs)
	}
	return errs
}

func (h *harness) jsonOf(v any, args ...string) {
	h.t.Helper()
	out := h.ok(append(args, "--json")...)
	if err := json.Unmarshal([]byte(out), v); err != nil {
		h.t.Fatalf("%v: bad JSON %v:\n%s", args, err, out)
	}
}

func TestVehicleAddNormalisesPlateAndListsIt(t *testing.T) {
	h := newHarness(t)
	h.ok("vehicle", "add", "--plate", "粤b·d12345", "--plate-type", "52")
	var vs []map[string]any
	h.jsonOf(&vs, "vehicle", "list")
	if len(vs) != 1 {
		t.Fatalf("want 1 vehicle, got %d", len(vs))
	}
	if vs[0]["plate"] != "粤BD12345" || vs[0]["plate_type"] != "52" {
		t.Errorf("stored %v %v, want 粤BD12345 52", vs[0]["plate"], vs[0]["plate_type"])
	}
	if id, ok := vs[0]["id"].(float64); !ok || id < 1 {
		t.Errorf("id = %v", vs[0]["id"])
	}
}

func TestBadInputIsRefusedWithFieldNameAndNothingWritten(t *testing.T) {
	h := newHarness(t)
	cases := []struct {
		args  []string
		field string
	}{
		{[]string{"vehicle", "add", "--plate", "X1234"}, "plate"},
		{[]string{"vehicle", "add", "--plate", "粤B12345", "--vin", "1M8GDM9AXKP042789"}, "VIN"},
		{[]string{"vehicle", "add", "--plate", "粤B12345", "--plate-type", "52"}, "plate type"},
		{[]string{"vehicle", "add", "--plate", "粤B12345", "--owner-kind", "alien"}, "owner kind"},
		{[]string{"person", "add", "--name", "张三", "--id-number", "110105194912310021"}, "ID number"},
		{[]string{"person", "add", "--name", "张三", "--first-issued", "2015-02-30"}, "licence first issued"},
		{[]string{"person", "add", "--id-number", "11010519491231002X"}, "name"},
	}
	for _, c := range cases {
		errs := h.bad(c.args...)
		if !strings.Contains(errs, c.field) {
			t.Errorf("%v: error %q does not name field %q", c.args, errs, c.field)
		}
	}
	var vs, ps []any
	h.jsonOf(&vs, "vehicle", "list")
	h.jsonOf(&ps, "person", "list")
	if len(vs) != 0 || len(ps) != 0 {
		t.Errorf("bad input wrote %d vehicles and %d people", len(vs), len(ps))
	}
}

func TestMessagesFollowLang(t *testing.T) {
	h := newHarness(t)
	errs := h.bad("vehicle", "add", "--plate", "X1234", "--lang", "zh")
	if !strings.Contains(errs, "号牌号码") || !strings.Contains(errs, "错误") {
		t.Errorf("zh error = %q", errs)
	}
	out := h.ok("vehicle", "add", "--plate", "京A12345", "--lang", "zh")
	if !strings.Contains(out, "已添加车辆 京A12345") {
		t.Errorf("zh output = %q", out)
	}
	t.Setenv("LANG", "zh_CN.UTF-8")
	out = h.ok("vehicle", "list")
	if !strings.Contains(out, "号牌") {
		t.Errorf("locale zh list header = %q", out)
	}
	h.bad("vehicle", "list", "--lang", "fr")
}

func TestDuplicateVehicleIsAConflict(t *testing.T) {
	h := newHarness(t)
	h.ok("vehicle", "add", "--plate", "粤B12345")
	errs := h.bad("vehicle", "add", "--plate", "粤 b 12345")
	if !strings.Contains(errs, "already recorded") {
		t.Errorf("duplicate error = %q", errs)
	}
	// The same plate with another plate type is a different vehicle.
	h.ok("vehicle", "add", "--plate", "粤B12345", "--plate-type", "01")
	h.bad("vehicle", "show", "粤B12345")
	out := h.ok("vehicle", "show", "粤B12345", "--plate-type", "01")
	if !strings.Contains(out, "large car") {
		t.Errorf("show = %q", out)
	}
}

func TestVehicleEditArchiveDelete(t *testing.T) {
	h := newHarness(t)
	h.ok("vehicle", "add", "--plate", "沪AD12345", "--nickname", "白车", "--use", "non_operating", "--owner-kind", "company")
	var v map[string]any
	h.jsonOf(&v, "vehicle", "edit", "沪AD12345", "--nickname", "蓝车")
	if v["nickname"] != "蓝车" || v["use"] != "non_operating" || v["owner_kind"] != "company" {
		t.Errorf("edit changed more than asked: %v", v)
	}
	h.ok("vehicle", "archive", "沪AD12345")
	var vs []map[string]any
	h.jsonOf(&vs, "vehicle", "list")
	if len(vs) != 0 {
		t.Errorf("archived vehicle still listed")
	}
	h.jsonOf(&vs, "vehicle", "list", "--all")
	if len(vs) != 1 || vs[0]["archived"] != true {
		t.Errorf("list --all = %v", vs)
	}
	h.ok("vehicle", "delete", "沪AD12345")
	h.jsonOf(&vs, "vehicle", "list", "--all")
	if len(vs) != 0 {
		t.Errorf("deleted vehicle still listed")
	}
	h.bad("vehicle", "show", "沪AD12345")
}

func TestWholeFlowThroughTheCLI(t *testing.T) {
	h := newHarness(t)
	h.ok("vehicle", "add", "--plate", "粤B12345", "--owner", "客户陈先生", "--owner-kind", "customer", "--engine", "ab123456")
	h.ok("person", "add", "--name", "王五", "--id-number", "11010519491231002x", "--licence-class", "c1", "--first-issued", "2015-06-01", "--phone", "13800138000")

	var people []map[string]any
	h.jsonOf(&people, "person", "list")
	if len(people) != 1 || people[0]["name"] != "王五" {
		t.Fatalf("people = %v", people)
	}
	if got := people[0]["id_number"]; got == "11010519491231002X" || !strings.Contains(got.(string), "*") {
		t.Errorf("ID number not masked by default: %v", got)
	}
	h.jsonOf(&people, "person", "list", "--unmask")
	if got := people[0]["id_number"]; got != "11010519491231002X" {
		t.Errorf("--unmask id_number = %v", got)
	}

	var c map[string]any
	h.jsonOf(&c, "custody", "add", "--plate", "粤B12345", "--person", "11010519491231002X", "--from", "2026-03-01 08:00", "--odometer", "42100", "--purpose", "test drive")
	if c["plate"] != "粤B12345" || c["person"] != "王五" || c["to"] != nil {
		t.Errorf("custody = %v", c)
	}
	h.bad("custody", "add", "--plate", "粤B12345", "--person", "王五", "--from", "2026-03-02 08:00")
	h.bad("custody", "end", "--plate", "粤B12345", "--at", "2026-03-01 09:00", "--odometer", "100")
	h.jsonOf(&c, "custody", "end", "--plate", "粤B12345", "--at", "2026-03-01 18:00", "--odometer", "42180")
	if c["to"] == nil || c["odometer_in"] != float64(42180) {
		t.Errorf("ended custody = %v", c)
	}
	var cs []map[string]any
	h.jsonOf(&cs, "custody", "list", "--at", "2026-03-01 12:00")
	if len(cs) != 1 {
		t.Errorf("custody covering noon = %v", cs)
	}
	h.jsonOf(&cs, "custody", "list", "--at", "2026-03-02 12:00")
	if len(cs) != 0 {
		t.Errorf("custody covering next day = %v", cs)
	}

	var reg map[string]any
	h.jsonOf(&reg, "registration", "add", "--plate", "粤B12345", "--person", "王五", "--method", "sms", "--applied", "2026-02-27", "--approved", "2026-02-28")
	if reg["status"] != "approved" || reg["person"] != "王五" {
		t.Errorf("registration = %v", reg)
	}
	h.bad("registration", "add", "--plate", "粤B12345", "--person", "王五", "--method", "sms", "--applied", "2026-02-28")
	h.bad("registration", "add", "--plate", "粤B12345", "--person", "王五", "--method", "fax", "--applied", "2026-02-28")

	var v map[string]any
	_, warn, code := h.run("violation", "add", "--plate", "粤B12345", "--occurred", "2026-03-01 10:15", "--place", "深南大道", "--code", "1625",
		"--fine", "200", "--points", "6", "--description", "闯红灯", "--decision-number", "4403001234567890", "--decided", "2026-03-05", "--driver", "王五", "--json")
	if code != 0 {
		t.Fatalf("violation add exit %d: %s", code, warn)
	}
	if !strings.Contains(warn, "warning") {
		t.Errorf("a failing check digit should warn, stderr = %q", warn)
	}
	var vs []map[string]any
	h.jsonOf(&vs, "violation", "list")
	if len(vs) != 1 {
		t.Fatalf("violations = %v", vs)
	}
	v = vs[0]
	occurred, err := time.Parse(time.RFC3339, v["occurred_at"].(string))
	if err != nil || !occurred.Equal(time.Date(2026, 3, 1, 10, 15, 0, 0, time.Local)) {
		t.Errorf("occurred_at = %v (%v)", v["occurred_at"], err)
	}
	want := map[string]any{"plate": "粤B12345", "fine_fen": float64(20000), "points": float64(6), "decision_number": "4403001234567890", "status": "decided", "driver": "王五"}
	for k, w := range want {
		if v[k] != w {
			t.Errorf("violation %s = %v, want %v", k, v[k], w)
		}
	}
	id := jsonID(v)
	h.bad("violation", "add", "--plate", "粤B12345", "--occurred", "2026-03-02 10:15", "--place", "x", "--code", "1625", "--fine", "12.345", "--points", "3")
	h.bad("violation", "add", "--plate", "粤B12345", "--occurred", "2026-03-02 10:15", "--place", "x", "--code", "1625", "--fine", "50", "--points", "13")
	h.bad("violation", "add", "--plate", "粤B12345")

	h.jsonOf(&v, "violation", "edit", id, "--notes", "客户已知晓")
	if v["notes"] != "客户已知晓" || v["driver"] != "王五" {
		t.Errorf("edited violation = %v", v)
	}
	h.jsonOf(&v, "violation", "show", id)
	if v["notes"] != "客户已知晓" {
		t.Errorf("show = %v", v)
	}
	h.jsonOf(&vs, "violation", "list", "--driver", "王五", "--status", "decided")
	if len(vs) != 1 {
		t.Errorf("filtered list = %v", vs)
	}
	h.jsonOf(&vs, "violation", "list", "--search", "深南")
	if len(vs) != 1 {
		t.Errorf("search = %v", vs)
	}

	errs := h.bad("vehicle", "delete", "粤B12345")
	if !strings.Contains(errs, "archive") {
		t.Errorf("delete with violations: %q", errs)
	}

	var p map[string]any
	h.jsonOf(&p, "payment", "add", "--violation", id, "--method", "alipay", "--paid-at", "2026-03-06 09:00", "--receipt", "R-001")
	if p["fine_fen"] != float64(20000) || p["state"] != "confirmed" || p["idempotency_key"] == "" {
		t.Errorf("payment = %v", p)
	}
	h.bad("payment", "add", "--violation", id, "--method", "wechat")
	var ps []map[string]any
	h.jsonOf(&ps, "payment", "list")
	if len(ps) != 1 {
		t.Errorf("payments = %v", ps)
	}
	h.jsonOf(&v, "violation", "show", id)
	if v["status"] != "paid" {
		t.Errorf("status after payment = %v", v["status"])
	}

	h.jsonOf(&reg, "registration", "cancel", "1", "--on", "2026-03-07")
	if reg["status"] != "cancelled" {
		t.Errorf("cancelled registration = %v", reg)
	}
	var regs []map[string]any
	h.jsonOf(&regs, "registration", "list", "--active")
	if len(regs) != 0 {
		t.Errorf("active registrations = %v", regs)
	}
}

func jsonID(m map[string]any) string {
	return strings.TrimSuffix(strings.TrimSuffix(jsonNumber(m["id"]), ".0"), ".00")
}

func jsonNumber(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestEmptyListsPrintEmptyJSONArrays(t *testing.T) {
	h := newHarness(t)
	for _, args := range [][]string{{"vehicle", "list"}, {"person", "list"}, {"custody", "list"}, {"registration", "list"}, {"violation", "list"}, {"payment", "list"}} {
		out := h.ok(append(args, "--json")...)
		if strings.TrimSpace(out) != "[]" {
			t.Errorf("%v --json = %q, want []", args, out)
		}
	}
}

func TestHelpAndUsageErrors(t *testing.T) {
	h := newHarness(t)
	out := h.ok("--help")
	for _, want := range []string{"vehicle", "violation", "custody", "--db", "--lang"} {
		if !strings.Contains(out, want) {
			t.Errorf("help lacks %q", want)
		}
	}
	out = h.ok("vehicle", "add", "--help")
	if !strings.Contains(out, "--plate-type") || !strings.Contains(out, "粤b·d12345") {
		t.Errorf("vehicle add help = %q", out)
	}
	h.bad("vehicle", "add", "--plate", "粤B12345", "--no-such-flag")
	h.bad("violation", "show", "abc")
	h.bad("vehicle", "show")
	_, _, code := h.run("violation", "show", "999")
	if code != ExitBadUse {
		t.Errorf("missing violation exit %d, want 2", code)
	}
}
