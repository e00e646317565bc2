package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// bkMain runs the command line as main does.
func bkMain(args []string, stdout, stderr *bytes.Buffer) int {
	return Main(context.Background(), args, stdout, stderr, nil)
}

type bkHarness struct {
	t  *testing.T
	db string
}

func newBkHarness(t *testing.T) *bkHarness {
	t.Helper()
	t.Setenv("LANG", "en_US.UTF-8")
	t.Setenv("LC_ALL", "")
	return &bkHarness{t: t, db: filepath.Join(t.TempDir(), "data", "tb.db")}
}

func (h *bkHarness) run(args ...string) (string, string, int) {
	h.t.Helper()
	var out, errb bytes.Buffer
	code := bkMain(append(args, "--db", h.db), &out, &errb)
	return out.String(), errb.String(), code
}

func (h *bkHarness) ok(args ...string) string {
	h.t.Helper()
	out, errs, code := h.run(args...)
	if code != ExitOK {
		h.t.Fatalf("%v: exit %d\nstdout: %s\nstderr: %s", args, code, out, errs)
	}
	return out
}

// bad runs a command that must be refused as the user's to fix, with a
// one-line error; it returns stdout and stderr.
func (h *bkHarness) bad(args ...string) (string, string) {
	h.t.Helper()
	out, errs, code := h.run(args...)
	if code != ExitBadUse {
		h.t.Fatalf("%v: exit %d, want 2\nstdout: %s\nstderr: %s", args, code, out, errs)
	}
	if strings.Count(strings.TrimSpace(errs), "\n") != 0 {
		h.t.Errorf("%v: error should be one line, got %q", args, errs)
	}
	return out, errs
}

func (h *bkHarness) vehicles() []map[string]any {
	h.t.Helper()
	var vs []map[string]any
	if err := json.Unmarshal([]byte(h.ok("vehicle", "list", "--all", "--json")), &vs); err != nil {
		h.t.Fatal(err)
	}
	return vs
}

func TestBackupAndRestoreCommands(t *testing.T) {
	h := newBkHarness(t)
	h.ok("vehicle", "add", "--plate", "粤B12345", "--nickname", "白车")
	h.ok("vehicle", "add", "--plate", "粤B23456")
	h.ok("person", "add", "--name", "王五")

	out := h.ok("backup")
	if !strings.Contains(out, "Backed up to "+filepath.Join(filepath.Dir(h.db), "backups")) || !strings.Contains(out, "2 vehicles, 1 people") {
		t.Errorf("backup output = %q", out)
	}
	file := filepath.Join(t.TempDir(), "usb", "tb.tbbackup")
	var res struct {
		Path     string
		Manifest struct {
			Format string
			Counts struct{ Vehicles int }
		}
	}
	if err := json.Unmarshal([]byte(h.ok("backup", "--out", file, "--json")), &res); err != nil {
		t.Fatal(err)
	}
	if res.Path != file || res.Manifest.Format != "ticketbook-backup" || res.Manifest.Counts.Vehicles != 2 {
		t.Errorf("backup --json = %+v", res)
	}

	h.ok("vehicle", "add", "--plate", "京A99999")
	for _, p := range []string{h.db, h.db + "-wal", h.db + "-shm"} {
		os.Remove(p)
	}
	out = h.ok("restore", file)
	if !strings.Contains(out, "Restored "+file) || !strings.Contains(out, "2 vehicles") {
		t.Errorf("restore output = %q", out)
	}
	vs := h.vehicles()
	if len(vs) != 2 || vs[0]["plate"] == "京A99999" && vs[1]["plate"] == "京A99999" {
		t.Fatalf("after restore: %v", vs)
	}

	// Restoring over data keeps that data aside and says where.
	out = h.ok("restore", file)
	if !strings.Contains(out, ".before-restore-") {
		t.Errorf("restore over data = %q", out)
	}

	data, _ := os.ReadFile(file)
	dir := t.TempDir()
	truncated := filepath.Join(dir, "half.tbbackup")
	os.WriteFile(truncated, data[:len(data)/2], 0o600)
	foreign := filepath.Join(dir, "notes.txt")
	os.WriteFile(foreign, []byte("hello"), 0o600)
	_, errs := h.bad("restore", truncated)
	if !strings.Contains(errs, "damaged or incomplete") {
		t.Errorf("truncated: %q", errs)
	}
	_, errs = h.bad("restore", foreign)
	if !strings.Contains(errs, "not a Ticketbook backup") {
		t.Errorf("foreign: %q", errs)
	}
	_, errs = h.bad("restore", foreign, "--lang", "zh")
	if !strings.Contains(errs, "不是 Ticketbook 备份") {
		t.Errorf("foreign zh: %q", errs)
	}
	h.bad("restore", filepath.Join(dir, "missing.tbbackup"))
	h.bad("restore")
	if vs := h.vehicles(); len(vs) != 2 {
		t.Errorf("refused restores changed the data: %v", vs)
	}
}

func TestImportCommand(t *testing.T) {
	h := newBkHarness(t)
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("\ufeff"+text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	bad := write("cars.csv", "车牌,昵称,使用性质\n粤B10001,一号车,非营运\nX1234,二号车,非营运\n粤B10003,三号车,飞行\n")

	out, _ := h.bad("import", bad, "--dry-run")
	for _, want := range []string{"row 2: add 粤B10001", "row 3, column 车牌: ", "row 4, column 使用性质: ", "Dry run: nothing was written."} {
		if !strings.Contains(out, want) {
			t.Errorf("dry run output lacks %q:\n%s", want, out)
		}
	}
	out, errs := h.bad("import", bad)
	if !strings.Contains(out, "row 3, column 车牌: ") || strings.Contains(out, "row 2: add") || !strings.Contains(errs, "2 rows of the file have problems; nothing was imported") {
		t.Errorf("refused import: stdout %q stderr %q", out, errs)
	}
	if vs := h.vehicles(); len(vs) != 0 {
		t.Fatalf("refused import wrote %d vehicles", len(vs))
	}

	good := write("cars2.csv", "车牌,昵称,使用性质\n粤B10001,一号车,非营运\n粤B10002,二号车,非营运\n")
	var plan struct {
		Kind   string
		Counts struct{ Add int }
		Rows   []struct {
			Row    int
			Action string
		}
	}
	if err := json.Unmarshal([]byte(h.ok("import", good, "--dry-run", "--json")), &plan); err != nil {
		t.Fatal(err)
	}
	if plan.Kind != "vehicles" || plan.Counts.Add != 2 || len(plan.Rows) != 2 || plan.Rows[1].Row != 3 {
		t.Errorf("dry run JSON = %+v", plan)
	}
	if vs := h.vehicles(); len(vs) != 0 {
		t.Fatalf("dry run wrote %d vehicles", len(vs))
	}
	out = h.ok("import", good)
	if !strings.Contains(out, "Imported vehicles from cars2.csv: 2 added, 0 updated, 0 unchanged") {
		t.Errorf("import output = %q", out)
	}
	out = h.ok("import", good)
	if !strings.Contains(out, "0 added, 0 updated, 2 unchanged") {
		t.Errorf("re-import output = %q", out)
	}
	if vs := h.vehicles(); len(vs) != 2 {
		t.Errorf("after re-import %d vehicles", len(vs))
	}

	h.ok("person", "add", "--name", "王五")
	tickets := write("t.csv", "号码,时间,地点,代码,罚款,记分,驾驶人,工号\n粤B10002,2026-03-01 08:30,深南大道,1625,200,6,王五,A7\n")
	out = h.ok("import", tickets, "--kind", "violations", "--map", "号码=plate,时间=occurred,地点=place,代码=code,罚款=fine,记分=points,工号=-")
	if !strings.Contains(out, "Imported violations from t.csv: 1 added") {
		t.Errorf("violations import = %q", out)
	}
	var list []map[string]any
	json.Unmarshal([]byte(h.ok("violation", "list", "--json")), &list)
	if len(list) != 1 || list[0]["driver"] != "王五" || list[0]["fine_fen"] != float64(20000) {
		t.Errorf("imported violation = %v", list)
	}

	h.bad("import", good, "--kind", "spaceships")
	h.bad("import", good, "--map", "nonsense")
	h.bad("import", filepath.Join(dir, "missing.csv"))
	_, errs = h.bad("import", write("x.csv", "foo,bar\n1,2\n"))
	if !strings.Contains(errs, "cannot tell what the file holds") {
		t.Errorf("unknown columns: %q", errs)
	}
}
