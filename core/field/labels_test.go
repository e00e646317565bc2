package field

import "testing"

// Every field the domain and the CLI name must read well in Chinese too.
func TestLabelsCoverTheNamedFields(t *testing.T) {
	for _, name := range []string{"plate", "vin", "id_number", "charge_back", "recovered", "month", "official_hosts", "late_fee_convention", "received"} {
		if Label(name, "zh") == name {
			t.Errorf("no Chinese label for %q", name)
		}
	}
}
