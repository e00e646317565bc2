package rules

import (
	"encoding/json"
	"strings"
	"testing"
)

// FuzzLoad: no input makes Load (or LoadInPerson) panic; a refusal always says what is wrong,
// and for a JSON array it names an entry or a field; a table that loads
// answers every key.
func FuzzLoad(f *testing.F) {
	f.Add(embeddedRules)
	f.Add([]byte(`[]`))
	f.Add([]byte(`null`))
	f.Add([]byte(`[{}]`))
	f.Add([]byte(`[null, 1, "x", []]`))
	f.Add([]byte(`{"key": "payment_days"}`))
	f.Add([]byte(`[{"key": "payment_days", "region": "", "value": 15, "unit": "days", "effective_from": "2004-05-01", "source": "x", "confidence": "law"}]`))
	f.Add([]byte(`[{"key": "payment_days", "value": 1e400, "effective_from": "9999-99-99"}]`))
	f.Add([]byte(`[{"value": -9223372036854775808}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		// The in-person list shares the loader's machinery: it must not panic either.
		if _, err := LoadInPerson(data); err != nil && strings.TrimSpace(err.Error()) == "" {
			t.Fatal("empty error message from LoadInPerson")
		}
		tb, err := Load(data)
		if err != nil {
			msg := err.Error()
			if strings.TrimSpace(msg) == "" {
				t.Fatal("empty error message")
			}
			var arr []json.RawMessage
			isArray := json.Unmarshal(data, &arr) == nil && arr != nil // "null" unmarshals too, but is no array
			if isArray && !strings.Contains(msg, "entry ") && !strings.Contains(msg, "field ") {
				t.Fatalf("error for a JSON array names no entry or field: %s", msg)
			}
			return
		}
		for _, k := range Keys() {
			r, ok := tb.Value(k, "", d("2300-01-01")) // after every effective date Load accepts
			if !ok || r.Source == "" || r.Value < 0 {
				t.Fatalf("loaded table without a usable national %s: %+v", k, r)
			}
			_ = tb.MustValue(k, "440300", d("1899-12-31")) // before all of them
		}
	})
}
