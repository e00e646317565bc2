package screens_test

import (
	"os"
	"path/filepath"
	"testing"

	"ticketbook/core/demo"
	"ticketbook/core/i18n"
	"ticketbook/ui/screens"
	"ticketbook/ui/uitest"
)

func TestDataToolsBackUpExportAndReport(t *testing.T) {
	f := uitest.New(t, i18n.EN)
	if err := demo.Seed(t.Context(), f.Fleet, f.Tickets, uitest.Now); err != nil {
		t.Fatal(err)
	}
	d := screens.NewDataTools(f.Env)
	f.Window.SetContent(d.Content())
	dir := t.TempDir()
	for _, c := range []struct {
		run  func(string)
		file string
	}{
		{d.Backup, "b.tbbackup"},
		{d.Export, "v.xlsx"},
		{d.Export, "v.csv"},
		{d.Report, "m.pdf"},
	} {
		path := filepath.Join(dir, c.file)
		c.run(path)
		if fi, err := os.Stat(path); err != nil || fi.Size() == 0 {
			t.Errorf("%s not written (%v); result %q, errors %v", c.file, err, d.Result.Text, f.Errors)
		}
	}
	if d.Result.Text == "" {
		t.Error("no result shown")
	}
}
