package storage

import (
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"ticketbook/core"
)

// A database written by the first release (schema 1, with data) opens in this
// build, is migrated forward, and keeps its rows.
func TestOlderSchemaIsMigratedAndKeepsData(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "old.db")
	old, err := sql.Open("sqlite", dsn(path, "_pragma=foreign_keys(1)"))
	if err != nil {
		t.Fatal(err)
	}
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := old.ExecContext(ctx, `CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT`); err != nil {
		t.Fatal(err)
	}
	if err := apply(ctx, old, ms[0]); err != nil {
		t.Fatal(err)
	}
	stamp := ts(time.Now())
	if _, err := old.ExecContext(ctx, `INSERT INTO vehicles (plate_type, plate, owner_kind, use, created_at, updated_at)
		VALUES ('02', '粤B12345', 'own', 'private', ?, ?)`, stamp, stamp); err != nil {
		t.Fatal(err)
	}
	if _, err := old.ExecContext(ctx, `INSERT INTO violations (vehicle_id, occurred_at, place, code, fine_fen, points, source, status, created_at, updated_at)
		VALUES (1, ?, '深南大道', '1625', 20000, 6, 'camera', 'new', ?, ?)`, stamp, stamp, stamp); err != nil {
		t.Fatal(err)
	}
	old.Close()

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if v, _ := SchemaVersion(ctx, s); v != ms[len(ms)-1].version {
		t.Errorf("schema %d after open, want %d", v, ms[len(ms)-1].version)
	}
	v, err := s.Violations().Get(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if v.Place != "深南大道" || v.FineFen != 20000 || !v.NotifiedOn.IsZero() || v.ProviderLateFeeFen != nil {
		t.Errorf("migrated violation = %+v", v)
	}
}

func TestDeadlineFieldsRoundTrip(t *testing.T) {
	ctx := t.Context()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "tb.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	veh := core.Vehicle{PlateType: "02", Plate: "粤B12345", OwnerKind: core.OwnerOwn, Use: core.UsePrivate}
	if err := s.Vehicles().Insert(ctx, &veh); err != nil {
		t.Fatal(err)
	}
	fee := core.Fen(1800)
	v := core.Violation{VehicleID: veh.ID, OccurredAt: time.Now().UTC(), Place: "x", Code: "1625", FineFen: 20000, Points: 6,
		Source: core.SourceCamera, Status: core.StatusAppealed, NotifiedOn: core.Date{Year: 2026, Month: 3, Day: 2},
		ExtendedUntil: core.Date{Year: 2026, Month: 6, Day: 1}, AppealedOn: core.Date{Year: 2026, Month: 3, Day: 20},
		AppealDecidedOn: core.Date{Year: 2026, Month: 4, Day: 1}, ProviderLateFeeFen: &fee, ProviderLateFeeOn: core.Date{Year: 2026, Month: 4, Day: 2}}
	if err := s.Violations().Insert(ctx, &v); err != nil {
		t.Fatal(err)
	}
	got, err := s.Violations().Get(ctx, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.NotifiedOn != v.NotifiedOn || got.ExtendedUntil != v.ExtendedUntil || got.AppealedOn != v.AppealedOn ||
		got.AppealDecidedOn != v.AppealDecidedOn || got.ProviderLateFeeFen == nil || *got.ProviderLateFeeFen != fee || got.ProviderLateFeeOn != v.ProviderLateFeeOn {
		t.Errorf("round trip = %+v", got)
	}
	got.ProviderLateFeeFen = nil
	if err := s.Violations().Update(ctx, &got); err != nil {
		t.Fatal(err)
	}
	if again, _ := s.Violations().Get(ctx, v.ID); again.ProviderLateFeeFen != nil {
		t.Error("provider late fee not cleared")
	}
}

func TestSettings(t *testing.T) {
	ctx := t.Context()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "tb.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, ok, err := s.Settings().Get(ctx, "region"); ok || err != nil {
		t.Fatalf("unset setting: ok=%v err=%v", ok, err)
	}
	for _, v := range []string{"440300", "110000"} {
		if err := s.Settings().Set(ctx, "region", v); err != nil {
			t.Fatal(err)
		}
	}
	if v, ok, err := s.Settings().Get(ctx, "region"); !ok || err != nil || v != "110000" {
		t.Errorf("region = %q %v %v", v, ok, err)
	}
	all, err := s.Settings().All(ctx)
	if err != nil || len(all) != 1 || all["region"] != "110000" {
		t.Errorf("all = %v %v", all, err)
	}
}
