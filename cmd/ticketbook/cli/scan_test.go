package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ticketbook/core/share"
)

func TestShareVehicleThenScanIt(t *testing.T) {
	h := newHarness(t)
	dir := t.TempDir()
	h.ok("vehicle", "add", "--plate", "粤BD12345", "--owner", "张三", "--engine", "ab123456")
	png := filepath.Join(dir, "share.png")
	out := h.ok("share", "vehicle", "--plate", "粤BD12345", "--out", png)
	if !strings.Contains(out, "signed by") {
		t.Errorf("share output = %q", out)
	}
	h.ok("share", "vehicle", "--plate", "粤BD12345", "--out", filepath.Join(dir, "share.pdf"))
	if b, err := os.ReadFile(filepath.Join(dir, "share.pdf")); err != nil || !strings.HasPrefix(string(b), "%PDF") {
		t.Errorf("pdf: %v", err)
	}

	// A copy whose data was altered after signing.
	stdout, _, code := h.run("scan", "--json", png)
	if code != 0 {
		t.Fatalf("scan exit %d", code)
	}
	var res []scanned
	if err := json.Unmarshal([]byte(stdout), &res); err != nil || len(res) != 1 || len(res[0].Codes) != 1 {
		t.Fatalf("scan json %v: %s", err, stdout)
	}
	c := res[0].Codes[0]
	if c.Format != "QR_CODE" || c.Kind != "vehicle_share" || c.Fields["status"] != "valid" || c.Fields["plate"] != "粤BD12345" || len(c.Corners) != 4 {
		t.Errorf("code = %+v", c)
	}
	forged, err := share.PNG(strings.Replace(c.Text, "d=", "d=A", 1), 400)
	if err != nil {
		t.Fatal(err)
	}
	forgedPath := filepath.Join(dir, "forged.png")
	os.WriteFile(forgedPath, forged, 0o600)
	stdout, _, _ = h.run("scan", "--json", forgedPath)
	json.Unmarshal([]byte(stdout), &res)
	if len(res) != 1 || len(res[0].Codes) != 1 || !strings.HasPrefix(res[0].Codes[0].Fields["status"], "invalid") {
		t.Errorf("forged share = %s", stdout)
	}
}

func TestScanExitCodesAndFolders(t *testing.T) {
	h := newHarness(t)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "empty.png"), nil, 0o600)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("x"), 0o600)
	stdout, _, code := h.run("scan", "--json", dir, filepath.Join(dir, "missing.jpg"))
	if code != ExitFailure {
		t.Errorf("exit %d, want 1", code)
	}
	var res []scanned
	if err := json.Unmarshal([]byte(stdout), &res); err != nil || len(res) != 2 {
		t.Fatalf("results %v: %s", err, stdout)
	}
	for _, r := range res {
		if r.Error == "" || r.Codes == nil {
			t.Errorf("%s: error %q codes %v", r.File, r.Error, r.Codes)
		}
	}
	h.bad("scan")
}

func TestOfficialHostsSilenceTheScamWarning(t *testing.T) {
	h := newHarness(t)
	dir := t.TempDir()
	link := filepath.Join(dir, "pay.png")
	png, err := share.PNG("https://pay.example.gov.cn/fine?id=1", 300)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(link, png, 0o600)
	scanWarning := func() string {
		stdout, _, _ := h.run("scan", "--json", link)
		var res []scanned
		if err := json.Unmarshal([]byte(stdout), &res); err != nil || len(res) != 1 || len(res[0].Codes) != 1 {
			t.Fatalf("scan: %v %s", err, stdout)
		}
		return res[0].Codes[0].Fields["scam_warning"]
	}
	if scanWarning() != "true" {
		t.Error("a link to an unconfigured host must be flagged")
	}
	h.bad("settings", "set", "official_hosts", "https://x/")
	h.ok("settings", "set", "official_hosts", "example.gov.cn, other.cn")
	if w := scanWarning(); w == "true" {
		t.Error("a link to the configured provider's host is still flagged")
	}
}
