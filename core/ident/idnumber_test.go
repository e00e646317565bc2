package ident

import (
	"strings"
	"testing"
	"time"
)

// withToday pins the clock ParseIDNumber compares birth dates against.
func withToday(t *testing.T, y int, m time.Month, d int) {
	t.Helper()
	shanghai := time.FixedZone("CST", 8*3600)
	old := now
	now = func() time.Time { return time.Date(y, m, d, 23, 30, 0, 0, shanghai) }
	t.Cleanup(func() { now = old })
}

// idWithCheck completes 17 digits with their MOD 11-2 check character,
// written out here separately from the code under test.
func idWithCheck(first17 string) string {
	w := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, c := range first17 {
		sum += int(c-'0') * w[i]
	}
	return first17 + string("10X98765432"[sum%11])
}

func TestParseIDNumber(t *testing.T) {
	withToday(t, 2025, time.June, 15)
	valid := []struct{ in, want string }{
		{"11010519491231002X", "11010519491231002X"}, // the textbook example
		{"11010519491231002x", "11010519491231002X"},
		{"110105 19491231 002x", "11010519491231002X"},
		{"１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X"},
		{"440301200002291237", "440301200002291237"}, // 2000 was a leap year
		{"440301199001011234", "440301199001011234"},
		{"320102198506150014", "320102198506150014"},
		{"440301190001010011", "440301190001010011"},                         // the earliest date accepted
		{idWithCheck("44030120250615123"), idWithCheck("44030120250615123")}, // born today
	}
	for _, tt := range valid {
		got, err := ParseIDNumber(tt.in)
		if err != nil || string(got) != tt.want {
			t.Errorf("ParseIDNumber(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}

	invalid := []struct {
		in, code string
		mention  []string
	}{
		{"", "id_empty", nil},
		{"11010519491231002", "id_length", []string{"17"}},
		{"11010519491231002X1", "id_length", []string{"19"}},
		{"110105491231002", "id_length", []string{"15"}},
		{"1101051949123100XX", "id_char", []string{"17th"}},
		{"11010519491231002Y", "id_char", []string{`"Y"`}},
		{"A1010519491231002X", "id_char", []string{"1st", `"A"`}},
		{"110105194912310021", "id_check", []string{"X", "1"}},
		{"11010519491231003X", "id_check", nil},
		{"440301199002301233", "id_birth_date", []string{"1990-02-30"}}, // Feb 30; check digit right
		{"110105190002291239", "id_birth_date", []string{"1900-02-29"}}, // 1900 was no leap year
		{idWithCheck("44030118991231123"), "id_birth_date", nil},
		{idWithCheck("44030120250616123"), "id_birth_date", nil}, // tomorrow
		{idWithCheck("44030119901301123"), "id_birth_date", nil},
		{idWithCheck("44030119900100123"), "id_birth_date", nil},
		{idWithCheck("44030100000101123"), "id_birth_date", nil},
	}
	for _, tt := range invalid {
		got, err := ParseIDNumber(tt.in)
		if err == nil {
			t.Errorf("ParseIDNumber(%q) = %q, want %s", tt.in, got, tt.code)
			continue
		}
		fe := checkFieldErr(t, err, "id_number", tt.code)
		for _, m := range tt.mention {
			if !strings.Contains(fe.En, m) {
				t.Errorf("ParseIDNumber(%q): En %q does not mention %q", tt.in, fe.En, m)
			}
		}
	}
}

func TestIDNumberMaskedAndBirthDate(t *testing.T) {
	n, err := ParseIDNumber("11010519491231002X")
	if err != nil {
		t.Fatal(err)
	}
	if got := n.Masked(); got != "110105********002X" {
		t.Errorf("Masked() = %q", got)
	}
	if got, want := n.BirthDate(), time.Date(1949, 12, 31, 0, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("BirthDate() = %v, want %v", got, want)
	}
	if got := IDNumber("").BirthDate(); !got.IsZero() {
		t.Errorf("zero BirthDate() = %v", got)
	}
	if got := IDNumber("123").Masked(); got != "***" {
		t.Errorf("short Masked() = %q, want all hidden", got)
	}
}

func FuzzParseIDNumber(f *testing.F) {
	for _, s := range []string{"11010519491231002X", "11010519491231002x", "110105190002291239", "1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseIDNumber(s)
		if err != nil {
			fieldErrOK(t, err, "id_number", s)
			return
		}
		if again, err := ParseIDNumber(string(n)); err != nil || again != n {
			t.Fatalf("%q does not re-parse: %q, %v", n, again, err)
		}
		if n.BirthDate().IsZero() || len([]rune(n.Masked())) != 18 {
			t.Fatalf("%q: BirthDate %v, Masked %q", n, n.BirthDate(), n.Masked())
		}
	})
}
