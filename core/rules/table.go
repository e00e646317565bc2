package rules

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"ticketbook/core"
	"ticketbook/core/field"
)

// The keys of the rule table. Code refers to a number only through these.
const (
	KeyPaymentDays                 = "payment_days"
	KeyLateFeeBPPerDay             = "late_fee_bp_per_day"
	KeyLateFeeCapPercent           = "late_fee_cap_percent"
	KeyCameraHandlingDays          = "camera_handling_days"
	KeyExtensionMaxMonths          = "extension_max_months"
	KeyPointsLimit                 = "points_limit"
	KeyPointsWarn                  = "points_warn"
	KeyOnlineMaxFineFen            = "online_max_fine_fen"
	KeyRegMaxVehiclesPerPerson     = "reg_max_vehicles_per_person"
	KeyRegMaxRegistrantsPerVehicle = "reg_max_registrants_per_vehicle"
	KeyRegPerDay                   = "reg_per_day"
	KeyRegPerYear                  = "reg_per_year"
	KeyCycleMonths                 = "cycle_months"
	KeyStudyMaxPoints              = "study_max_points"
)

// Confidence levels, as DOMAIN.md marks its rules.
const (
	ConfidenceLaw      = "law"
	ConfidencePractice = "practice"
	ConfidenceUnsure   = "unsure"
)

// keySpec pins each key to its unit so a table cannot say "15 months" where
// the code reads days, and bounds it so no computation can overflow on a
// typo. A minimum above 0 is for numbers that would make no sense as 0 (a
// 0-month cycle would never end).
type keySpec struct {
	unit     string
	min, max int64
}

var keySpecs = map[string]keySpec{
	KeyPaymentDays:                 {"days", 0, 3660},
	KeyLateFeeBPPerDay:             {"bp_per_day", 0, 10000},
	KeyLateFeeCapPercent:           {"percent", 0, 10000},
	KeyCameraHandlingDays:          {"days", 0, 3660},
	KeyExtensionMaxMonths:          {"months", 0, 120},
	KeyPointsLimit:                 {"points", 1, 100},
	KeyPointsWarn:                  {"points", 0, 100},
	KeyOnlineMaxFineFen:            {"fen", 0, 100_000_000_00},
	KeyRegMaxVehiclesPerPerson:     {"count", 0, 1000},
	KeyRegMaxRegistrantsPerVehicle: {"count", 0, 1000},
	KeyRegPerDay:                   {"count", 0, 1000},
	KeyRegPerYear:                  {"count", 0, 1000},
	KeyCycleMonths:                 {"months", 1, 120},
	KeyStudyMaxPoints:              {"points", 0, 100},
}

var units = map[string]bool{"days": true, "fen": true, "bp_per_day": true, "percent": true, "points": true, "count": true, "months": true}

var confidences = map[string]bool{ConfidenceLaw: true, ConfidencePractice: true, ConfidenceUnsure: true}

// Keys lists every key a table must define, sorted.
func Keys() []string {
	out := make([]string, 0, len(keySpecs))
	for k := range keySpecs {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Rule is one number of the law or of practice, valid from a date in a region.
type Rule struct {
	Key           string
	Region        string // "" national; a province "440000" or a city "440300" overrides it
	Value         int64
	Unit          string
	EffectiveFrom core.Date
	Source        string
	Confidence    string
	Note          string
}

// Table is an immutable, validated set of rules; safe for concurrent use.
type Table struct {
	rules    []Rule                       // sorted by key, region, effective_from
	byKey    map[string]map[string][]Rule // key -> region -> sorted by effective_from
	inPerson []InPersonCode
}

// InPersonCode is an offence code that always has to be handled at a service
// window (drink driving, 50 %+ speeding), kept as data with its source.
type InPersonCode struct {
	Code       string
	What       string
	Source     string
	Confidence string
	Note       string
}

// MaxTableBytes bounds what Load reads: a rule file is a few kilobytes, so
// anything near a megabyte is a mistake, not a table.
const MaxTableBytes = 1 << 20

// LoadError is one problem in a rule file. Index is the entry (from 0), or
// -1 for the file as a whole; Field is the JSON field at fault, if any.
type LoadError struct {
	Index   int
	Key     string
	Field   string
	Problem string
}

func (e *LoadError) Error() string {
	var b strings.Builder
	b.WriteString("rules")
	if e.Index >= 0 {
		fmt.Fprintf(&b, ": entry %d", e.Index)
		if e.Key != "" {
			fmt.Fprintf(&b, " (%s)", e.Key)
		}
	}
	if e.Field != "" {
		fmt.Fprintf(&b, ": field %q", e.Field)
	}
	b.WriteString(": ")
	b.WriteString(e.Problem)
	return b.String()
}

// LoadErrors is every problem found, so a hand-edited file can be fixed in one pass.
type LoadErrors []*LoadError

// shownErrors keeps a message readable when a whole file is wrong.
const shownErrors = 10

func (es LoadErrors) Error() string {
	parts := make([]string, 0, shownErrors+1)
	for i, e := range es {
		if i == shownErrors {
			parts = append(parts, fmt.Sprintf("and %d more", len(es)-shownErrors))
			break
		}
		parts = append(parts, e.Error())
	}
	return strings.Join(parts, "; ")
}

func (es LoadErrors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

type ruleJSON struct {
	Key           string          `json:"key"`
	Region        string          `json:"region"`
	Value         json.RawMessage `json:"value"`
	Unit          string          `json:"unit"`
	EffectiveFrom string          `json:"effective_from"`
	Source        string          `json:"source"`
	Confidence    string          `json:"confidence"`
	Note          string          `json:"note"`
}

// Load reads a JSON array of rules and validates all of it: a table that
// loads always has a national rule for every key, so lookups of a known key
// cannot fail at run time.
func Load(data []byte) (*Table, error) {
	if len(data) > MaxTableBytes {
		return nil, LoadErrors{{Index: -1, Problem: fmt.Sprintf("input is %d bytes; a rule file may be at most %d", len(data), MaxTableBytes)}}
	}
	entries, err := splitArray(data, "a JSON array of rules")
	if err != nil {
		return nil, err
	}
	var errs LoadErrors
	add := func(i int, key, fieldName, format string, args ...any) {
		errs = append(errs, &LoadError{Index: i, Key: key, Field: fieldName, Problem: fmt.Sprintf(format, args...)})
	}
	rules := make([]Rule, 0, len(entries))
	seen := map[string]int{}
	for i, raw := range entries {
		var rj ruleJSON
		if err := decodeStrict(raw, &rj); err != nil {
			errs = append(errs, entryDecodeError(i, err))
			continue
		}
		r := Rule{Key: rj.Key, Region: rj.Region, Unit: rj.Unit, Source: strings.TrimSpace(rj.Source),
			Confidence: rj.Confidence, Note: strings.TrimSpace(rj.Note)}
		spec, known := keySpecs[rj.Key]
		if !known {
			add(i, "", "key", "%q is not a known key (known: %s)", rj.Key, strings.Join(Keys(), ", "))
		}
		if !validRegion(rj.Region) {
			add(i, rj.Key, "region", "%q is not \"\" (national) or a 6-digit region code such as 440000 or 440300", rj.Region)
		}
		v, verr := parseWhole(rj.Value)
		switch {
		case verr != "":
			add(i, rj.Key, "value", "%s", verr)
		case v < 0:
			add(i, rj.Key, "value", "%d is negative", v)
		case known && (v < spec.min || v > spec.max):
			add(i, rj.Key, "value", "%d is outside %d..%d, the sane range for this key", v, spec.min, spec.max)
		}
		r.Value = v
		switch {
		case !units[rj.Unit]:
			add(i, rj.Key, "unit", "%q is not a known unit (days, fen, bp_per_day, percent, points, count, months)", rj.Unit)
		case known && rj.Unit != spec.unit:
			add(i, rj.Key, "unit", "is %q but %s is counted in %q", rj.Unit, rj.Key, spec.unit)
		}
		if d, ok := parseISODate(rj.EffectiveFrom); ok {
			r.EffectiveFrom = d
		} else {
			add(i, rj.Key, "effective_from", "%q is not a date like 2022-04-01 between 1900 and 2200", rj.EffectiveFrom)
		}
		if r.Source == "" {
			add(i, rj.Key, "source", "is empty; every number must say where it comes from")
		}
		if !confidences[rj.Confidence] {
			add(i, rj.Key, "confidence", "%q is not one of law, practice, unsure", rj.Confidence)
		}
		if !r.EffectiveFrom.IsZero() {
			id := r.Key + "\x00" + r.Region + "\x00" + r.EffectiveFrom.String()
			if j, dup := seen[id]; dup {
				add(i, rj.Key, "effective_from", "duplicates entry %d (same key, region and effective_from)", j)
			} else {
				seen[id] = i
			}
		}
		rules = append(rules, r)
	}
	t := newTable(rules)
	for _, k := range Keys() {
		if len(t.byKey[k][""]) == 0 {
			add(-1, "", "region", "key %q has no national rule (region \"\"); every key needs one as the default", k)
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return t, nil
}

func newTable(rules []Rule) *Table {
	sorted := append([]Rule(nil), rules...)
	sort.SliceStable(sorted, func(i, j int) bool {
		a, b := sorted[i], sorted[j]
		if a.Key != b.Key {
			return a.Key < b.Key
		}
		if a.Region != b.Region {
			return a.Region < b.Region
		}
		return dayNum(a.EffectiveFrom) < dayNum(b.EffectiveFrom)
	})
	t := &Table{rules: sorted, byKey: map[string]map[string][]Rule{}}
	for _, r := range sorted {
		if t.byKey[r.Key] == nil {
			t.byKey[r.Key] = map[string][]Rule{}
		}
		t.byKey[r.Key][r.Region] = append(t.byKey[r.Key][r.Region], r)
	}
	return t
}

// splitArray parses the top level only, so each entry can then be decoded on
// its own and its problems reported with its index.
func splitArray(data []byte, what string) ([]json.RawMessage, error) {
	trimmed := bytes.Trim(data, jsonSpace)
	if len(trimmed) == 0 || trimmed[0] != '[' {
		return nil, LoadErrors{{Index: -1, Problem: "is not " + what + " (it must start with '[')"}}
	}
	var entries []json.RawMessage
	if err := json.Unmarshal(trimmed, &entries); err != nil {
		return nil, LoadErrors{{Index: -1, Problem: "is not " + what + ": " + err.Error()}}
	}
	return entries, nil
}

// jsonSpace is the whitespace JSON allows around values (RFC 8259), and no other.
const jsonSpace = " \t\r\n"

// decodeStrict refuses unknown fields: a misspelt "efective_from" must be
// reported, not silently read as a missing date.
func decodeStrict(raw json.RawMessage, v any) error {
	trimmed := bytes.Trim(raw, jsonSpace)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return errNotObject
	}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

var errNotObject = errors.New("is not a JSON object")

func entryDecodeError(i int, err error) *LoadError {
	var te *json.UnmarshalTypeError
	switch {
	case errors.Is(err, errNotObject):
		return &LoadError{Index: i, Problem: "is not a JSON object"}
	case errors.As(err, &te) && te.Field == "":
		return &LoadError{Index: i, Problem: fmt.Sprintf("is a JSON %s but must be an object", te.Value)}
	case errors.As(err, &te):
		return &LoadError{Index: i, Field: te.Field, Problem: fmt.Sprintf("is a JSON %s but must be a %s", te.Value, te.Type.Kind())}
	}
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		return &LoadError{Index: i, Field: strings.Trim(name, `"`), Problem: "is not a field of a rule (key, region, value, unit, effective_from, source, confidence, note)"}
	}
	return &LoadError{Index: i, Problem: "cannot be read: " + msg}
}

// parseWhole accepts only a JSON integer literal: "15" as a string or 1.5
// would hide a mistake in the file.
func parseWhole(raw json.RawMessage) (int64, string) {
	s := string(bytes.Trim(raw, jsonSpace))
	if s == "" || s == "null" {
		return 0, "is missing"
	}
	if s[0] != '-' && (s[0] < '0' || s[0] > '9') {
		return 0, fmt.Sprintf("%s is not a whole number", truncate(s, 40))
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, fmt.Sprintf("%s is not a whole number that fits in 64 bits", truncate(s, 40))
	}
	return v, ""
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

func parseISODate(s string) (core.Date, bool) {
	t, err := time.Parse("2006-01-02", s)
	if err != nil || t.Year() < 1900 || t.Year() > 2200 {
		return core.Date{}, false
	}
	return core.DateOf(t), true
}

func validRegion(r string) bool {
	if r == "" {
		return true
	}
	if len(r) != 6 || r == "000000" {
		return false
	}
	for i := 0; i < len(r); i++ {
		if r[i] < '0' || r[i] > '9' {
			return false
		}
	}
	return true
}

// ParseRegion reads a region setting: empty for national, or a 6-digit
// administrative division code (440000 Guangdong, 440300 Shenzhen).
func ParseRegion(s string) (string, error) {
	r := strings.TrimSpace(s)
	if !validRegion(r) {
		return "", field.New("region", "region_format",
			fmt.Sprintf("%q is not a 6-digit region code such as 440000 (a province) or 440300 (a city); leave it empty for the national rules", s),
			fmt.Sprintf("“%s”不是 6 位行政区划代码（如省 440000、市 440300）；留空则使用全国规则", s))
	}
	return r, nil
}

// regionChain is the lookup order: the region itself, then its city, its
// province, then the national default. Division codes nest by digits
// (GB/T 2260): 440305 is in city 440300, which is in province 440000.
func regionChain(region string) []string {
	if region == "" || !validRegion(region) {
		return []string{""}
	}
	chain := []string{region}
	for _, parent := range []string{region[:4] + "00", region[:2] + "0000"} {
		if parent != chain[len(chain)-1] && parent != "000000" {
			chain = append(chain, parent)
		}
	}
	return append(chain, "")
}

// Value finds the rule for key in region on a date: the most specific region
// that has a rule in force, and in it the latest rule in force on that date.
func (t *Table) Value(key, region string, on core.Date) (Rule, bool) {
	regions := t.byKey[key]
	for _, r := range regionChain(region) {
		rs := regions[r]
		for i := len(rs) - 1; i >= 0; i-- {
			if !rs[i].EffectiveFrom.After(on) {
				return rs[i], true
			}
		}
	}
	return Rule{}, false
}

// rule is Value for the package's own computations. A date older than the
// table's history (a 1999 licence, a zero date) uses the oldest national
// rule: an estimate is more use than a refusal, and the rule returned shows
// its effective date. A key without any national rule is a programming error.
func (t *Table) rule(key, region string, on core.Date) Rule {
	if r, ok := t.Value(key, region, on); ok {
		return r
	}
	if rs := t.byKey[key][""]; len(rs) > 0 {
		return rs[0]
	}
	panic("rules: no national rule for key " + strconv.Quote(key))
}

// MustValue is the number for key; see rule for dates before the table's history.
func (t *Table) MustValue(key, region string, on core.Date) int64 {
	return t.rule(key, region, on).Value
}

// Rules is every rule, sorted by key, region and effective date.
func (t *Table) Rules() []Rule { return append([]Rule(nil), t.rules...) }

// InPerson reports whether an offence code always needs a service window.
func (t *Table) InPerson(code string) (InPersonCode, bool) {
	c := strings.ToUpper(strings.TrimSpace(code))
	if c == "" {
		return InPersonCode{}, false
	}
	for _, ip := range t.inPerson {
		if ip.Code == c {
			return ip, true
		}
	}
	return InPersonCode{}, false
}

// InPersonCodes is the in-person offence list, sorted by code.
func (t *Table) InPersonCodes() []InPersonCode { return append([]InPersonCode(nil), t.inPerson...) }

// WithInPerson returns a copy of t with the given in-person list; t itself
// never changes, so a shared table stays safe for concurrent readers.
func (t *Table) WithInPerson(codes []InPersonCode) *Table {
	c := *t
	c.inPerson = append([]InPersonCode(nil), codes...)
	sort.Slice(c.inPerson, func(i, j int) bool { return c.inPerson[i].Code < c.inPerson[j].Code })
	return &c
}

type inPersonJSON struct {
	Code       string `json:"code"`
	What       string `json:"what"`
	Source     string `json:"source"`
	Confidence string `json:"confidence"`
	Note       string `json:"note"`
}

type inPersonFile struct {
	Note  string            `json:"note"`
	Codes []json.RawMessage `json:"in_person_codes"`
}

// LoadInPerson reads the in-person offence list: a JSON object
// {"note": ..., "in_person_codes": [{code, what, source, confidence, note}]}.
// Each code needs a source, because a code presented as fact sends people on
// a trip to a service window.
func LoadInPerson(data []byte) ([]InPersonCode, error) {
	if len(data) > MaxTableBytes {
		return nil, LoadErrors{{Index: -1, Problem: fmt.Sprintf("input is %d bytes; an in-person list may be at most %d", len(data), MaxTableBytes)}}
	}
	var f inPersonFile
	if err := decodeStrict(data, &f); err != nil {
		le := entryDecodeError(-1, err)
		if strings.HasPrefix(le.Problem, "is not a field of a rule") {
			le.Problem = "is not a field of the in-person list (note, in_person_codes)"
		}
		return nil, LoadErrors{le}
	}
	var errs LoadErrors
	var out []InPersonCode
	seen := map[string]int{}
	for i, raw := range f.Codes {
		var ij inPersonJSON
		if err := decodeStrict(raw, &ij); err != nil {
			le := entryDecodeError(i, err)
			if strings.HasPrefix(le.Problem, "is not a field of a rule") {
				le.Problem = "is not a field of an in-person code (code, what, source, confidence, note)"
			}
			errs = append(errs, le)
			continue
		}
		c := InPersonCode{Code: strings.ToUpper(strings.TrimSpace(ij.Code)), What: strings.TrimSpace(ij.What),
			Source: strings.TrimSpace(ij.Source), Confidence: ij.Confidence, Note: strings.TrimSpace(ij.Note)}
		if !validCode(c.Code) {
			errs = append(errs, &LoadError{Index: i, Field: "code", Problem: fmt.Sprintf("%q is not a 4 to 6 character offence code", ij.Code)})
		} else if j, dup := seen[c.Code]; dup {
			errs = append(errs, &LoadError{Index: i, Field: "code", Problem: fmt.Sprintf("duplicates entry %d", j)})
		} else {
			seen[c.Code] = i
		}
		if c.Source == "" {
			errs = append(errs, &LoadError{Index: i, Field: "source", Problem: "is empty; every code must say where it comes from"})
		}
		if !confidences[c.Confidence] {
			errs = append(errs, &LoadError{Index: i, Field: "confidence", Problem: fmt.Sprintf("%q is not one of law, practice, unsure", ij.Confidence)})
		}
		out = append(out, c)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return out, nil
}

func validCode(s string) bool {
	if len(s) < 4 || len(s) > 6 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9') && !(c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

//go:embed rules.json
var embeddedRules []byte

//go:embed in_person.json
var embeddedInPerson []byte

var (
	defaultOnce  sync.Once
	defaultTable *Table
)

// Default is the table shipped with Ticketbook. It panics only if the
// embedded files are broken, which a test rules out.
func Default() *Table {
	defaultOnce.Do(func() {
		t, err := Load(embeddedRules)
		if err != nil {
			panic("rules: embedded rules.json: " + err.Error())
		}
		codes, err := LoadInPerson(embeddedInPerson)
		if err != nil {
			panic("rules: embedded in_person.json: " + err.Error())
		}
		defaultTable = t.WithInPerson(codes)
	})
	return defaultTable
}
