package core

import (
	"encoding/json"
	"testing"

	"ticketbook/core/field"
)

func TestParseYuan(t *testing.T) {
	good := map[string]Fen{
		"200": 20000, "200.5": 20050, "200.50": 20050, "0.01": 1, ".5": 50, "¥150": 15000,
		"￥1,000.00": 100000, "200元": 20000, "２００": 20000, " 50 ": 5000, "0": 0,
	}
	for in, want := range good {
		got, err := ParseYuan("fine", in)
		if err != nil || got != want {
			t.Errorf("ParseYuan(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "-5", "12.345", "abc", "1e3", "200.5.1", "99999999999", "NaN", "1,2.3.4"} {
		_, err := ParseYuan("fine", in)
		var fe *field.Error
		if !asField(err, &fe) || fe.Field != "fine" || fe.En == "" || fe.Zh == "" {
			t.Errorf("ParseYuan(%q) error = %v; want a bilingual field error on fine", in, err)
		}
	}
}

func asField(err error, fe **field.Error) bool {
	if err == nil {
		return false
	}
	f, ok := err.(*field.Error)
	*fe = f
	return ok
}

func TestFenRendersAndMarshalsAsInteger(t *testing.T) {
	if got := Fen(20050).Yuan(); got != "200.50" {
		t.Errorf("Yuan = %q", got)
	}
	if got := Fen(-5).Yuan(); got != "-0.05" {
		t.Errorf("negative Yuan = %q", got)
	}
	b, _ := json.Marshal(struct{ F Fen }{20050})
	if string(b) != `{"F":20050}` {
		t.Errorf("json = %s", b)
	}
}

// Parsing then rendering gives back the same amount for every cent value.
func FuzzYuanRoundTrip(f *testing.F) {
	f.Add(int64(20050))
	f.Fuzz(func(t *testing.T, n int64) {
		if n < 0 || Fen(n) > maxFen {
			return
		}
		got, err := ParseYuan("fine", Fen(n).Yuan())
		if err != nil || got != Fen(n) {
			t.Fatalf("round trip of %d = %d, %v", n, got, err)
		}
	})
}
