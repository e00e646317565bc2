package screens_test

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"ticketbook/core"
	"ticketbook/core/i18n"
	"ticketbook/core/share"
	"ticketbook/ui/screens"
	"ticketbook/ui/uitest"
)

func pngSource(t *testing.T, name, payload string) screens.ScanSource {
	t.Helper()
	data, err := share.PNG(payload, 400)
	if err != nil {
		t.Fatal(err)
	}
	return screens.ScanSource{Name: name, Open: func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }}
}

func itemsOfKind(s *screens.Scan, kind string) []*screens.ScanItem {
	var out []*screens.ScanItem
	for _, it := range s.Items {
		if it.Code != nil && it.Code.Kind == kind {
			out = append(out, it)
		}
	}
	return out
}

// A relative's vehicle share is scanned: the car and the registration of the
// chosen driver are added; a tampered copy offers nothing.
func TestScanVehicleShareAddsCarAndRegistration(t *testing.T) {
	f := uitest.New(t, i18n.EN)
	ctx := t.Context()
	me, err := f.Fleet.AddPerson(ctx, core.Person{Name: "李明"})
	if err != nil {
		t.Fatal(err)
	}
	mum, err := share.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	payload, err := share.Signer{Key: mum, KeyID: "mum"}.Vehicle(share.Vehicle{PlateType: "02", Plate: "沪A8K3M1", Owner: "陈静"},
		uitest.Now.Add(-time.Hour), uitest.Now.Add(24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	tampered := strings.Replace(payload, "d=", "d=A", 1)

	s := screens.NewScan(f.Env)
	f.Window.SetContent(s.Content())
	s.ScanSources([]screens.ScanSource{pngSource(t, "share.png", payload), pngSource(t, "forged.png", tampered)})
	shares := itemsOfKind(s, "vehicle_share")
	if len(shares) != 2 {
		t.Fatalf("found %d vehicle shares: %+v", len(shares), s.Items)
	}
	if shares[0].Actions["add_vehicle"] == nil {
		t.Fatal("a valid share offers no 'add vehicle'")
	}
	if len(shares[1].Actions) != 0 {
		t.Error("a tampered share must offer nothing")
	}
	p, err := share.Parse(payload, uitest.Now)
	if err != nil {
		t.Fatal(err)
	}
	s.AddSharedVehicle(*p.Vehicle, &me)
	vs, _ := f.Fleet.ListVehicles(ctx, core.VehicleFilter{})
	if len(vs) != 1 || vs[0].Plate != "沪A8K3M1" || vs[0].OwnerName != "陈静" {
		t.Fatalf("vehicles = %+v", vs)
	}
	regs, _ := f.Fleet.ListRegistrations(ctx, core.RegistrationFilter{VehicleID: vs[0].ID})
	if len(regs) != 1 || regs[0].PersonID != me.ID || regs[0].Method != core.RegQR {
		t.Errorf("registrations = %+v", regs)
	}
	if len(f.Errors) != 0 {
		t.Errorf("errors: %v", f.Errors)
	}
}

func TestScanDecisionNumberFillsAViolation(t *testing.T) {
	f := uitest.New(t, i18n.ZH)
	ctx := t.Context()
	v, err := f.Fleet.AddVehicle(ctx, core.Vehicle{Plate: "粤B12345"})
	if err != nil {
		t.Fatal(err)
	}
	vio, _, err := f.Tickets.AddViolation(ctx, core.Violation{VehicleID: v.ID, OccurredAt: uitest.Now.Add(-48 * time.Hour), Place: "深南大道", Code: "1625", FineFen: 20000, Points: 6})
	if err != nil {
		t.Fatal(err)
	}
	s := screens.NewScan(f.Env)
	f.Window.SetContent(s.Content())
	s.ScanSources([]screens.ScanSource{pngSource(t, "notice.png", "4403001000123456")})
	items := itemsOfKind(s, "decision_number")
	if len(items) != 1 || items[0].Actions["fill"] == nil {
		t.Fatalf("items = %+v", s.Items)
	}
	s.FillInto(vio.ID, items[0].Code.Text)
	got, err := f.Tickets.AssessOne(ctx, vio.ID, core.DateOf(uitest.Now), "zh")
	if err != nil || got.DecisionNumber != "4403001000123456" || got.Status != core.StatusDecided {
		t.Errorf("after fill: %q %s %v", got.DecisionNumber, got.Status, err)
	}
	if len(f.Opened) != 1 || f.Opened[0].ID != vio.ID {
		t.Errorf("opened %v", f.Opened)
	}
	if !strings.Contains(s.Status.Text, "1 张图片") {
		t.Errorf("status = %q", s.Status.Text)
	}
}

func TestScanReportsUnreadableFilesAndScams(t *testing.T) {
	f := uitest.New(t, i18n.EN)
	s := screens.NewScan(f.Env)
	f.Window.SetContent(s.Content())
	bad := screens.ScanSource{Name: "broken.jpg", Open: func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader("not an image")), nil }}
	s.ScanSources([]screens.ScanSource{bad, pngSource(t, "pay.png", "https://pay.example-scam.cn/fine?id=1")})
	if len(s.Items) < 2 || s.Items[0].Err == "" {
		t.Fatalf("items = %+v", s.Items)
	}
	links := itemsOfKind(s, "payment_link")
	if len(links) != 1 || links[0].Code.Fields["scam_warning"] != "true" {
		t.Errorf("payment link = %+v", links)
	}
	var found bool
	for _, o := range test.LaidOutObjects(s.Content()) {
		if strings.Contains(rendered(o), "Possibly fraudulent") {
			found = true
		}
	}
	if !found {
		t.Error("no scam warning shown")
	}
}

func TestShareVehicleFromTheVehiclesScreen(t *testing.T) {
	f := uitest.New(t, i18n.EN)
	if _, err := f.Fleet.AddVehicle(t.Context(), core.Vehicle{Plate: "粤BD12345", Engine: "AB123456", OwnerName: "张三"}); err != nil {
		t.Fatal(err)
	}
	s := screens.NewVehicles(f.Env)
	f.Window.SetContent(s.Content())
	s.Refresh()
	s.Select(0)
	payload := s.ShareSelected()
	p, err := share.Parse(payload, uitest.Now)
	if err != nil || p.Vehicle.Plate != "粤BD12345" || p.Vehicle.Engine6 != "123456" {
		t.Fatalf("share = %+v %v", p.Vehicle, err)
	}
}

// rendered is the text of a label among laid-out objects.
func rendered(o any) string {
	if l, ok := o.(*widget.Label); ok {
		return l.Text
	}
	return ""
}
