package storage_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"ticketbook/core"
	"ticketbook/core/ident"
	"ticketbook/storage"
)

// bkFixture is a data folder with a little of everything a backup must carry.
type bkFixture struct {
	dir   string
	db    string
	s     *storage.Store
	photo []byte
	hash  string
}

func bkSeed(t *testing.T) *bkFixture {
	t.Helper()
	ctx := t.Context()
	dir := filepath.Join(t.TempDir(), "data")
	f := &bkFixture{dir: dir, db: filepath.Join(dir, storage.DBFileName)}
	s, err := storage.Open(ctx, f.db)
	if err != nil {
		t.Fatal(err)
	}
	f.s = s
	t.Cleanup(func() { f.s.Close() })

	var vs []core.Vehicle
	for _, plate := range []string{"粤B12345", "粤B23456", "沪AD12345"} {
		v := core.Vehicle{Plate: plate, Nickname: "车 " + plate}
		bkMust(t, v.Normalize())
		bkMust(t, s.Vehicles().Insert(ctx, &v))
		vs = append(vs, v)
	}
	p := core.Person{Name: "王五", IDNumber: "11010519491231002X"}
	bkMust(t, p.Normalize())
	bkMust(t, s.People().Insert(ctx, &p))
	p2 := core.Person{Name: "李四"}
	bkMust(t, p2.Normalize())
	bkMust(t, s.People().Insert(ctx, &p2))

	f.photo = bytes.Repeat([]byte("jpeg-ish photo bytes "), 500)
	f.hash, err = storage.NewBlobs(filepath.Join(dir, "attachments")).Put(ctx, f.photo)
	bkMust(t, err)
	bkMust(t, s.Attachments().Put(ctx, &core.Attachment{Hash: f.hash, Name: "red-light.jpg", Mime: "image/jpeg", Size: int64(len(f.photo))}))

	for i, v := range vs[:2] {
		vio := core.Violation{VehicleID: v.ID, OccurredAt: time.Date(2026, 3, i+1, 8, 30, 0, 0, time.UTC),
			Place: "深南大道", Code: "1625", FineFen: 20000, Points: 6, DriverID: &p.ID,
			DecisionNumber: fmt.Sprintf("44030011%08d", 1234560+i)}
		if i == 0 {
			vio.Photos = []string{f.hash}
		}
		bkMust(t, vio.Normalize())
		bkMust(t, s.Violations().Insert(ctx, &vio))
		if i == 0 {
			pay := core.Payment{ViolationID: vio.ID, FineFen: 20000, Method: core.PayAlipay, IdempotencyKey: "k-1", State: core.PayConfirmed}
			bkMust(t, pay.Normalize())
			bkMust(t, s.Payments().Insert(ctx, &pay))
		}
	}
	return f
}

func bkMust(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func bkKind(t *testing.T, err, kind error) {
	t.Helper()
	if !errors.Is(err, kind) {
		t.Fatalf("err = %v, want %v", err, kind)
	}
	var p *core.Problem
	if !errors.As(err, &p) || p.En == "" || p.Zh == "" || strings.Contains(p.En, "\n") {
		t.Fatalf("err %v is not one bilingual line", err)
	}
}

func TestBackupDeleteRestoreBringsEverythingBack(t *testing.T) {
	ctx := t.Context()
	f := bkSeed(t)
	out := filepath.Join(t.TempDir(), "out", "b"+storage.BackupExt)
	var calls [][2]int
	m, err := storage.Backup(ctx, f.s, f.dir, out, func(done, total int) { calls = append(calls, [2]int{done, total}) })
	bkMust(t, err)
	want := storage.BackupCounts{Vehicles: 3, People: 2, Violations: 2, Payments: 1, Attachments: 1}
	if m.Counts != want || m.Format != storage.BackupFormat || m.Version != 1 || m.Schema < 1 || len(m.DBSHA256) != 64 {
		t.Fatalf("manifest = %+v", m)
	}
	if len(calls) != 2 || calls[1] != [2]int{2, 2} {
		t.Errorf("progress calls = %v", calls)
	}
	if runtime.GOOS != "windows" {
		fi, err := os.Stat(out)
		bkMust(t, err)
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("backup mode %v, want 0600", fi.Mode().Perm())
		}
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(out), ".*")); len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
	vm, err := storage.Verify(out)
	bkMust(t, err)
	if vm.DBSHA256 != m.DBSHA256 {
		t.Errorf("Verify manifest differs")
	}

	// Restoring over a database that is still open would lose its writes.
	_, err = storage.Restore(ctx, out, f.dir)
	bkKind(t, err, storage.ErrDBInUse)

	// Changes after the backup must disappear with the restore.
	extra := core.Vehicle{Plate: "京A99999"}
	bkMust(t, extra.Normalize())
	bkMust(t, f.s.Vehicles().Insert(ctx, &extra))
	bkMust(t, f.s.Close())
	for _, p := range []string{f.db, f.db + "-wal", f.db + "-shm"} {
		os.Remove(p)
	}
	bkMust(t, os.RemoveAll(filepath.Join(f.dir, "attachments")))

	res, err := storage.Restore(ctx, out, f.dir)
	bkMust(t, err)
	if res.Manifest.Counts != want || len(res.SetAside) != 0 {
		t.Errorf("restore result = %+v", res)
	}
	s, err := storage.Open(ctx, f.db)
	bkMust(t, err)
	f.s = s
	vs, err := s.Vehicles().List(ctx, core.VehicleFilter{IncludeArchived: true})
	bkMust(t, err)
	if len(vs) != 3 {
		t.Fatalf("restored %d vehicles, want 3", len(vs))
	}
	found, err := s.Vehicles().FindByPlate(ctx, "沪AD12345")
	bkMust(t, err)
	if len(found) != 1 || found[0].Nickname != "车 沪AD12345" {
		t.Errorf("restored vehicle = %+v", found)
	}
	vios, err := s.Violations().List(ctx, core.ViolationFilter{})
	bkMust(t, err)
	if len(vios) != 2 {
		t.Fatalf("restored %d violations", len(vios))
	}
	old := vios[1] // oldest last
	if len(old.Photos) != 1 || old.Photos[0] != f.hash || old.DriverID == nil || old.FineFen != 20000 {
		t.Errorf("restored violation = %+v", old)
	}
	pays, err := s.Payments().List(ctx, core.PaymentFilter{ViolationID: old.ID})
	bkMust(t, err)
	if len(pays) != 1 || pays[0].IdempotencyKey != "k-1" {
		t.Errorf("restored payments = %+v", pays)
	}
	ps, err := s.People().FindByRef(ctx, "11010519491231002X")
	bkMust(t, err)
	if len(ps) != 1 || ps[0].Name != "王五" {
		t.Errorf("restored people = %+v", ps)
	}
	rc, err := storage.NewBlobs(filepath.Join(f.dir, "attachments")).Open(f.hash)
	bkMust(t, err)
	got, _ := io.ReadAll(rc)
	rc.Close()
	if !bytes.Equal(got, f.photo) {
		t.Errorf("restored photo differs")
	}

	// Restoring over existing data keeps that data aside, never deletes it.
	bkMust(t, s.Close())
	res, err = storage.Restore(ctx, out, f.dir)
	bkMust(t, err)
	if len(res.SetAside) < 2 {
		t.Errorf("set aside = %v", res.SetAside)
	}
	for _, p := range res.SetAside {
		if !strings.Contains(p, ".before-restore-") {
			t.Errorf("set-aside name %s", p)
		}
		if _, err := os.Stat(p); err != nil {
			t.Errorf("set-aside file: %v", err)
		}
	}
	s, err = storage.Open(ctx, f.db)
	bkMust(t, err)
	f.s = s
	if n, _ := s.Violations().Count(ctx, core.ViolationFilter{}); n != 2 {
		t.Errorf("after second restore %d violations", n)
	}
}

// bkRewrite copies a backup, letting edit change the manifest and drop or
// alter entries, so tests can build damaged and foreign archives.
func bkRewrite(t *testing.T, src, dst string, edit func(m map[string]any), entry func(name string, data []byte) []byte) {
	t.Helper()
	zr, err := zip.OpenReader(src)
	bkMust(t, err)
	defer zr.Close()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		rc, err := f.Open()
		bkMust(t, err)
		data, err := io.ReadAll(rc)
		rc.Close()
		bkMust(t, err)
		if f.Name == "manifest.json" && edit != nil {
			var m map[string]any
			bkMust(t, json.Unmarshal(data, &m))
			edit(m)
			data, _ = json.Marshal(m)
		} else if entry != nil {
			data = entry(f.Name, data)
			if data == nil {
				continue
			}
		}
		w, err := zw.Create(f.Name)
		bkMust(t, err)
		w.Write(data)
	}
	bkMust(t, zw.Close())
	bkMust(t, os.WriteFile(dst, buf.Bytes(), 0o600))
}

func TestVerifyRefusesBadArchives(t *testing.T) {
	f := bkSeed(t)
	dir := t.TempDir()
	good := filepath.Join(dir, "good.tbbackup")
	_, err := storage.Backup(t.Context(), f.s, f.dir, good, nil)
	bkMust(t, err)
	data, err := os.ReadFile(good)
	bkMust(t, err)
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		bkMust(t, os.WriteFile(p, b, 0o600))
		return p
	}

	truncated := write("truncated.tbbackup", data[:len(data)*2/3])
	flipped := bytes.Clone(data)
	// Inside the database entry, which starts right after the first header.
	for i := 200; i < 260; i++ {
		flipped[i] ^= 0xff
	}
	corrupt := write("corrupt.tbbackup", flipped)
	empty := write("empty.tbbackup", nil)
	text := write("notes.tbbackup", []byte("just some text, not an archive\n"))
	var zbuf bytes.Buffer
	zw := zip.NewWriter(&zbuf)
	w, _ := zw.Create("readme.txt")
	w.Write([]byte("hello"))
	zw.Close()
	otherZip := write("other.zip", zbuf.Bytes())

	otherFormat := filepath.Join(dir, "other-format.tbbackup")
	bkRewrite(t, good, otherFormat, func(m map[string]any) { m["format"] = "someone-else" }, nil)
	futureFormat := filepath.Join(dir, "v2.tbbackup")
	bkRewrite(t, good, futureFormat, func(m map[string]any) { m["version"] = 2 }, nil)
	newer := filepath.Join(dir, "newer.tbbackup")
	bkRewrite(t, good, newer, func(m map[string]any) { m["schema"] = m["schema"].(float64) + 1 }, nil)
	noDB := filepath.Join(dir, "nodb.tbbackup")
	bkRewrite(t, good, noDB, nil, func(name string, data []byte) []byte {
		if name == storage.DBFileName {
			return nil
		}
		return data
	})
	swapped := filepath.Join(dir, "swapped.tbbackup")
	bkRewrite(t, good, swapped, nil, func(name string, data []byte) []byte {
		if strings.HasPrefix(name, "attachments/") {
			return bytes.ToUpper(data)
		}
		return data
	})
	sneaky := filepath.Join(dir, "sneaky.tbbackup")
	bkRewrite(t, good, sneaky, func(m map[string]any) {
		files := m["files"].([]any)
		files[len(files)-1].(map[string]any)["name"] = "attachments/../../evil"
	}, nil)

	for _, c := range []struct {
		path string
		kind error
	}{
		{truncated, storage.ErrBadBackup},
		{corrupt, storage.ErrBadBackup},
		{empty, storage.ErrBadBackup},
		{noDB, storage.ErrBadBackup},
		{swapped, storage.ErrBadBackup},
		{sneaky, storage.ErrBadBackup},
		{text, storage.ErrForeignBackup},
		{otherZip, storage.ErrForeignBackup},
		{otherFormat, storage.ErrForeignBackup},
		{futureFormat, storage.ErrForeignBackup},
		{newer, storage.ErrNewerSchema},
	} {
		t.Run(filepath.Base(c.path), func(t *testing.T) {
			_, err := storage.Verify(c.path)
			bkKind(t, err, c.kind)
			// Restore verifies first and leaves the data folder untouched.
			target := filepath.Join(t.TempDir(), "data")
			_, err = storage.Restore(t.Context(), c.path, target)
			bkKind(t, err, c.kind)
			if entries, _ := os.ReadDir(target); len(entries) != 0 {
				t.Errorf("refused restore left %v", entries)
			}
		})
	}
	if _, err := storage.Verify(filepath.Join(dir, "missing.tbbackup")); !errors.Is(err, core.ErrNotFound) {
		t.Errorf("missing file: %v", err)
	}
}

func TestRotationKeepsNewestAndAutoBackupOncePerDay(t *testing.T) {
	ctx := t.Context()
	f := bkSeed(t)
	var made []string
	for range 5 {
		p, _, err := storage.BackupToFolder(ctx, f.s, f.dir, 3, nil)
		bkMust(t, err)
		made = append(made, p)
	}
	left, err := filepath.Glob(filepath.Join(storage.BackupsDir(f.dir), "*"+storage.BackupExt))
	bkMust(t, err)
	if len(left) != 3 {
		t.Fatalf("kept %d backups, want 3: %v", len(left), left)
	}
	for _, p := range made[2:] {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("newest backup %s was deleted (made %v, left %v)", filepath.Base(p), made, left)
		}
	}
	// Today's exists: the daily backup does nothing.
	p, err := storage.AutoBackup(ctx, f.s, f.dir, 3)
	if err != nil || p != "" {
		t.Errorf("AutoBackup with today's present = %q, %v", p, err)
	}
	other := filepath.Join(t.TempDir(), "data2")
	s2, err := storage.Open(ctx, filepath.Join(other, storage.DBFileName))
	bkMust(t, err)
	defer s2.Close()
	p, err = storage.AutoBackup(ctx, s2, other, 0)
	if err != nil || p == "" {
		t.Fatalf("first AutoBackup = %q, %v", p, err)
	}
	if _, err := storage.Verify(p); err != nil {
		t.Error(err)
	}
}

func TestIntegrityCheckFlagsDamageAndLastGoodBackupSkipsBadOnes(t *testing.T) {
	ctx := t.Context()
	f := bkSeed(t)
	for i := range 300 {
		v := core.Vehicle{PlateType: ident.PlateSmallCar, Plate: fmt.Sprintf("粤B%05d", 10000+i), Notes: strings.Repeat("备注", 100)}
		bkMust(t, v.Normalize())
		bkMust(t, f.s.Vehicles().Insert(ctx, &v))
	}
	// Checked while open (WAL in use) it is fine.
	bkMust(t, storage.IntegrityCheck(ctx, f.db))
	bkMust(t, storage.StartupCheck(ctx, f.db))

	older, _, err := storage.BackupToFolder(ctx, f.s, f.dir, 10, nil)
	bkMust(t, err)
	newest, _, err := storage.BackupToFolder(ctx, f.s, f.dir, 10, nil)
	bkMust(t, err)
	bkMust(t, f.s.Close())
	bkMust(t, storage.IntegrityCheck(ctx, f.db))

	db, err := os.OpenFile(f.db, os.O_RDWR, 0)
	bkMust(t, err)
	fi, _ := db.Stat()
	if fi.Size() < 20*4096 {
		t.Fatalf("database only %d bytes; the test needs pages to damage", fi.Size())
	}
	garbage := bytes.Repeat([]byte{0xde, 0xad, 0xbe, 0xef}, 4096)
	_, err = db.WriteAt(garbage, 8*4096)
	bkMust(t, err)
	db.Close()
	bkKind(t, storage.IntegrityCheck(ctx, f.db), storage.ErrDamagedDB)

	junk := filepath.Join(t.TempDir(), "junk.db")
	bkMust(t, os.WriteFile(junk, bytes.Repeat([]byte("not sqlite "), 1000), 0o600))
	bkKind(t, storage.IntegrityCheck(ctx, junk), storage.ErrDamagedDB)
	bkMust(t, storage.IntegrityCheck(ctx, filepath.Join(t.TempDir(), "none.db")))

	var de *storage.DamagedError
	if err := storage.StartupCheck(ctx, f.db); !errors.As(err, &de) || de.Backup != newest ||
		!errors.Is(err, storage.ErrDamagedDB) || !core.IsUserError(err) || !strings.Contains(de.Message("zh"), "ticketbook restore") {
		t.Errorf("StartupCheck = %v", err)
	}
	got, ok := storage.LastGoodBackup(f.dir)
	if !ok || got != newest {
		t.Errorf("LastGoodBackup = %q, %v; want %q", got, ok, newest)
	}
	data, _ := os.ReadFile(newest)
	bkMust(t, os.WriteFile(newest, data[:len(data)/2], 0o600))
	got, ok = storage.LastGoodBackup(f.dir)
	if !ok || got != older {
		t.Errorf("with the newest truncated, LastGoodBackup = %q, %v; want %q", got, ok, older)
	}
	if _, ok := storage.LastGoodBackup(t.TempDir()); ok {
		t.Error("LastGoodBackup found one in an empty folder")
	}

	// The damaged database is replaced by the last good backup.
	_, err = storage.Restore(ctx, older, f.dir)
	bkMust(t, err)
	bkMust(t, storage.IntegrityCheck(ctx, f.db))
}

func TestBackupIsCancellable(t *testing.T) {
	f := bkSeed(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	out := filepath.Join(t.TempDir(), "x.tbbackup")
	if _, err := storage.Backup(ctx, f.s, f.dir, out, nil); err == nil {
		t.Fatal("cancelled backup succeeded")
	}
	if _, err := os.Stat(out); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("cancelled backup left %s", out)
	}
}
