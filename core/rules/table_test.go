package rules

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestDefaultLoadsWithEveryKey(t *testing.T) {
	tb := Default()
	want := map[string]int64{
		KeyPaymentDays: 15, KeyLateFeeBPPerDay: 300, KeyLateFeeCapPercent: 100,
		KeyCameraHandlingDays: 30, KeyExtensionMaxMonths: 3, KeyPointsLimit: 12, KeyPointsWarn: 9,
		KeyOnlineMaxFineFen: 20000, KeyRegMaxVehiclesPerPerson: 3, KeyRegMaxRegistrantsPerVehicle: 3,
		KeyRegPerDay: 1, KeyRegPerYear: 5, KeyCycleMonths: 12, KeyStudyMaxPoints: 6,
	}
	if len(want) != len(Keys()) {
		t.Fatalf("test knows %d keys, package %d", len(want), len(Keys()))
	}
	for k, v := range want {
		r, ok := tb.Value(k, "", d("2026-01-01"))
		if !ok || r.Value != v {
			t.Errorf("%s = %d, %v; want %d", k, r.Value, ok, v)
		}
		if r.Source == "" || r.Confidence == "" {
			t.Errorf("%s has no source or confidence", k)
		}
	}
	if r, _ := tb.Value(KeyPointsWarn, "", d("2026-01-01")); r.Confidence != ConfidencePractice || !strings.Contains(r.Source, "own") {
		t.Errorf("points_warn must say it is our own threshold: %+v", r)
	}
	if r, _ := tb.Value(KeyPaymentDays, "", d("2026-01-01")); !strings.Contains(r.Source, "art. 108") {
		t.Errorf("payment_days source = %q", r.Source)
	}
	if got := tb.InPersonCodes(); len(got) != 0 {
		t.Errorf("in-person list should ship empty until codes are verified, got %v", got)
	}
}

func TestRegionalOverrideIsMarkedExample(t *testing.T) {
	tb := Default()
	r, ok := tb.Value(KeyOnlineMaxFineFen, "440300", d("2026-01-01"))
	if !ok || r.Region != "440300" || !strings.Contains(r.Note, "EXAMPLE") {
		t.Fatalf("Shenzhen override = %+v, %v", r, ok)
	}
	national, _ := tb.Value(KeyOnlineMaxFineFen, "", d("2026-01-01"))
	if r.Value != national.Value {
		t.Errorf("the example override must not invent a different legal number: %d vs %d", r.Value, national.Value)
	}
}

func TestValueLookupOrder(t *testing.T) {
	tb := mustLoad(t, withRules(baseRules(),
		map[string]any{"key": KeyPaymentDays, "region": "440000", "value": 20, "unit": "days", "effective_from": "2020-01-01", "source": "test", "confidence": "unsure"},
		map[string]any{"key": KeyPaymentDays, "region": "440300", "value": 25, "unit": "days", "effective_from": "2025-01-01", "source": "test", "confidence": "unsure"},
		map[string]any{"key": KeyPaymentDays, "region": "", "value": 16, "unit": "days", "effective_from": "2026-01-01", "source": "test", "confidence": "unsure"},
	))
	cases := []struct {
		region, on string
		want       int64
		wantRegion string
	}{
		{"", "2025-06-01", 15, ""},
		{"", "2026-01-01", 16, ""}, // a later national rule takes over on its first day
		{"", "2025-12-31", 15, ""}, // ...and not a day before
		{"440300", "2025-06-01", 25, "440300"},
		{"440305", "2025-06-01", 25, "440300"}, // a district falls back to its city
		{"440300", "2024-06-01", 20, "440000"}, // the city rule is not in force yet: province
		{"440100", "2025-06-01", 20, "440000"}, // another city of the province
		{"440100", "2019-06-01", 15, ""},       // before the province rule: national
		{"110000", "2025-06-01", 15, ""},
		{"bogus", "2025-06-01", 15, ""},
	}
	for _, c := range cases {
		r, ok := tb.Value(KeyPaymentDays, c.region, d(c.on))
		if !ok || r.Value != c.want || r.Region != c.wantRegion {
			t.Errorf("Value(%q, %s) = %d in %q (%v); want %d in %q", c.region, c.on, r.Value, r.Region, ok, c.want, c.wantRegion)
		}
	}
	if _, ok := tb.Value(KeyPaymentDays, "", d("1990-01-01")); ok {
		t.Error("Value before any rule is in force must say so")
	}
	if got := tb.MustValue(KeyPaymentDays, "", d("1990-01-01")); got != 15 {
		t.Errorf("MustValue before the table's history = %d; want the oldest national rule", got)
	}
	if _, ok := tb.Value("no_such_key", "", d("2025-01-01")); ok {
		t.Error("unknown key found")
	}
}

func TestMustValuePanicsOnUnknownKey(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("MustValue of an unknown key must panic: it is a programming error")
		}
	}()
	Default().MustValue("no_such_key", "", d("2026-01-01"))
}

func TestRulesSorted(t *testing.T) {
	rs := Default().Rules()
	if len(rs) < len(Keys())+1 {
		t.Fatalf("only %d rules", len(rs))
	}
	for i := 1; i < len(rs); i++ {
		a, b := rs[i-1], rs[i]
		if a.Key > b.Key || (a.Key == b.Key && (a.Region > b.Region || (a.Region == b.Region && !a.EffectiveFrom.Before(b.EffectiveFrom)))) {
			t.Errorf("rules %d and %d out of order: %+v, %+v", i-1, i, a, b)
		}
	}
	rs[0].Value = -1
	if Default().Rules()[0].Value == -1 {
		t.Error("Rules must return a copy")
	}
}

func TestLoadReportsWhatIsWrong(t *testing.T) {
	type entry = map[string]any
	good := func() entry {
		return entry{"key": KeyPaymentDays, "region": "440000", "value": 15, "unit": "days", "effective_from": "2022-04-01", "source": "RTSL art. 108", "confidence": "law"}
	}
	with := func(k string, v any) []entry {
		e := good()
		if v == nil {
			delete(e, k)
		} else {
			e[k] = v
		}
		return []entry{e}
	}
	cases := []struct {
		name  string
		extra []entry
		want  []string
	}{
		{"unknown key", with("key", "paymnt_days"), []string{"entry 15", `field "key"`, "not a known key"}},
		{"empty source", with("source", "  "), []string{"entry 15", `field "source"`, "empty"}},
		{"bad date", with("effective_from", "2022-13-01"), []string{`field "effective_from"`, "not a date"}},
		{"loose date", with("effective_from", "2022/4/1"), []string{`field "effective_from"`}},
		{"negative", with("value", -1), []string{`field "value"`, "negative"}},
		{"fraction", with("value", 1.5), []string{`field "value"`, "whole number"}},
		{"quoted number", with("value", "15"), []string{`field "value"`, "whole number"}},
		{"missing value", with("value", nil), []string{`field "value"`, "missing"}},
		{"huge value", with("value", 99999999), []string{`field "value"`, "outside"}},
		{"unknown unit", with("unit", "weeks"), []string{`field "unit"`, "not a known unit"}},
		{"unit of another key", with("unit", "months"), []string{`field "unit"`, `"days"`}},
		{"unknown confidence", with("confidence", "sure"), []string{`field "confidence"`, "law, practice, unsure"}},
		{"bad region", with("region", "Shenzhen"), []string{`field "region"`}},
		{"unknown field", with("efective_from", "2022-04-01"), []string{`field "efective_from"`, "not a field"}},
		{"wrong type", with("source", 7), []string{`field "source"`, "string"}},
		{"duplicate", []entry{good(), good()}, []string{"entry 16", "duplicates entry 15"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Load(withRules(baseRules(), c.extra...))
			if err == nil {
				t.Fatal("loaded")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			var le *LoadError
			if !errors.As(err, &le) {
				t.Errorf("error %T does not unwrap to *LoadError", err)
			}
		})
	}
}

func TestLoadWholeFileProblems(t *testing.T) {
	cases := map[string]struct {
		data string
		want string
	}{
		"not json":         {"nope", "JSON array"},
		"object":           {`{"key": "x"}`, "JSON array"},
		"truncated":        {`[{"key": "payment_days"`, "JSON array"},
		"entry not object": {`[1]`, "entry 0"},
		"empty":            {`[]`, `key "cycle_months" has no national rule`},
		"too large":        {"[" + strings.Repeat(" ", MaxTableBytes) + "]", "at most 1048576"},
	}
	for name, c := range cases {
		_, err := Load([]byte(c.data))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v; want it to mention %q", name, err, c.want)
		}
	}
	// A key with only a regional rule has no default.
	rules := baseRules()[1:] // drops cycle_months' national rule
	rules = append(rules, map[string]any{"key": KeyCycleMonths, "region": "440000", "value": 12, "unit": "months", "effective_from": "2022-04-01", "source": "x", "confidence": "law"})
	if _, err := Load(withRules(rules)); err == nil || !strings.Contains(err.Error(), `"cycle_months" has no national rule`) {
		t.Errorf("missing national default: %v", err)
	}
}

func TestLoadErrorsAreCapped(t *testing.T) {
	var bad []map[string]any
	for i := 0; i < 30; i++ {
		bad = append(bad, map[string]any{"key": "x"})
	}
	_, err := Load(withRules(baseRules(), bad...))
	if err == nil || !strings.Contains(err.Error(), "more") || len(err.Error()) > 4000 {
		t.Errorf("a hopeless file should give a short message: %v", err)
	}
}

func TestLoadInPerson(t *testing.T) {
	codes, err := LoadInPerson([]byte(`{"note": "n", "in_person_codes": [{"code": " 1234a ", "what": "test", "source": "test source", "confidence": "unsure"}]}`))
	if err != nil || len(codes) != 1 || codes[0].Code != "1234A" {
		t.Fatalf("LoadInPerson = %+v, %v", codes, err)
	}
	tb := Default().WithInPerson(codes)
	if _, ok := tb.InPerson("1234a"); !ok {
		t.Error("code not found case-insensitively")
	}
	if _, ok := Default().InPerson("1234A"); ok {
		t.Error("WithInPerson changed the shared default table")
	}
	bad := map[string]string{
		`[]`: "not a JSON object",
		`{"in_person_codes": [{"code": "12", "source": "s", "confidence": "law"}]}`:                                                         `field "code"`,
		`{"in_person_codes": [{"code": "1234", "source": "", "confidence": "law"}]}`:                                                        `field "source"`,
		`{"in_person_codes": [{"code": "1234", "source": "s", "confidence": "x"}]}`:                                                         `field "confidence"`,
		`{"in_person_codes": [{"code": "1234", "source": "s", "confidence": "law", "points": 12}]}`:                                         `field "points"`,
		`{"in_person_codes": [{"code": "1234", "source": "s", "confidence": "law"}, {"code": "1234", "source": "s", "confidence": "law"}]}`: "duplicates entry 0",
		`{"codes": []}`: `field "codes"`,
	}
	for in, want := range bad {
		if _, err := LoadInPerson([]byte(in)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("LoadInPerson(%s) error %v; want %q", in, err, want)
		}
	}
}

func TestParseRegion(t *testing.T) {
	for _, ok := range []string{"", " 440300 ", "110000"} {
		if _, err := ParseRegion(ok); err != nil {
			t.Errorf("ParseRegion(%q): %v", ok, err)
		}
	}
	for _, bad := range []string{"44030", "shenzhen", "000000", "4403001"} {
		if _, err := ParseRegion(bad); err == nil {
			t.Errorf("ParseRegion(%q) accepted", bad)
		}
	}
}

// baseRules is the embedded table as generic JSON, cycle_months first, so a
// test can add to or drop from a known-good file.
func baseRules() []map[string]any {
	var rs []map[string]any
	if err := json.Unmarshal(embeddedRules, &rs); err != nil {
		panic(err)
	}
	for i, r := range rs {
		if r["key"] == KeyCycleMonths {
			rs[0], rs[i] = rs[i], rs[0]
		}
	}
	return rs
}

func withRules(base []map[string]any, extra ...map[string]any) []byte {
	b, err := json.Marshal(append(base, extra...))
	if err != nil {
		panic(err)
	}
	return b
}

func mustLoad(t *testing.T, data []byte) *Table {
	t.Helper()
	tb, err := Load(data)
	if err != nil {
		t.Fatal(err)
	}
	return tb
}
