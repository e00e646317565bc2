package screens

import (
	"context"
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"ticketbook/ui/widgets"
)

// DataTools is the Settings section for the user's data: backup, exports,
// the monthly report and imports, each run through the same commands as
// the command line.
type DataTools struct {
	env Env

	BackupBtn, ExportXLSXBtn, ExportCSVBtn, ReportBtn, ImportBtn *widget.Button
	Unmask                                                       *widget.Check
	Month                                                        *widget.Entry
	Result                                                       *widget.Label
	content                                                      fyne.CanvasObject
}

func NewDataTools(env Env) *DataTools {
	t := env.Text
	d := &DataTools{env: env}
	d.Result = widget.NewLabel("")
	d.Result.Wrapping = fyne.TextWrapWord
	d.Unmask = widget.NewCheck(t.T("data.unmask"), nil)
	d.Month = widget.NewEntry()
	d.Month.SetText(env.Now().Local().Format("2006-01"))
	d.BackupBtn = widget.NewButton(t.T("data.backup"), func() { d.Backup("") })
	d.ExportXLSXBtn = widget.NewButton(t.T("data.export_xlsx"), func() { d.saveAs("violations.xlsx", d.Export) })
	d.ExportCSVBtn = widget.NewButton(t.T("data.export_csv"), func() { d.saveAs("violations.csv", d.Export) })
	d.ReportBtn = widget.NewButton(t.T("data.report"), func() { d.saveAs("report-"+d.Month.Text+".pdf", d.Report) })
	d.ImportBtn = widget.NewButton(t.T("data.import"), d.chooseImport)
	d.content = container.NewVBox(
		widget.NewLabelWithStyle(t.T("data.title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		container.NewHBox(d.BackupBtn, d.ImportBtn),
		container.NewHBox(d.ExportXLSXBtn, d.ExportCSVBtn, d.Unmask),
		container.NewBorder(nil, nil, widget.NewLabel(t.T("data.month")), d.ReportBtn, d.Month),
		d.Result,
	)
	return d
}

func (d *DataTools) Content() fyne.CanvasObject { return d.content }

// run runs one command with a progress bar and Cancel, then shows its output.
func (d *DataTools) run(title string, args ...string) {
	args = append(args, "--lang", string(d.env.Text.Lang))
	var out string
	widgets.RunWithProgress(d.env.Window, widgets.Runner(d.env.Run), title, d.env.Text.T("form.cancel"),
		func(ctx context.Context, _ func(int, int)) error {
			var err error
			out, err = d.env.Services.Tools(ctx, args...)
			return err
		}, func(err error) {
			switch {
			case errors.Is(err, context.Canceled):
				d.Result.SetText("")
			case err != nil:
				d.Result.SetText("")
				d.env.Present(err)
			default:
				d.Result.SetText(strings.TrimSpace(out))
			}
		})
}

// Backup writes a backup to path, or to the rotated backups folder when "".
func (d *DataTools) Backup(path string) {
	args := []string{"backup"}
	if path != "" {
		args = append(args, "--out", path)
	}
	d.run(d.env.Text.T("data.backup"), args...)
}

// Export writes the violations to path; the format follows its extension.
func (d *DataTools) Export(path string) {
	args := []string{"export", "--out", path}
	if d.Unmask.Checked {
		args = append(args, "--unmask")
	}
	d.run(d.env.Text.T("data.export_xlsx"), args...)
}

// Report writes the month's fleet report to path.
func (d *DataTools) Report(path string) {
	d.run(d.env.Text.T("data.report"), "report", "month", strings.TrimSpace(d.Month.Text), "--out", path)
}

// Import checks a spreadsheet first (a dry run listing every problem) and
// imports it only when the user confirms a clean plan.
func (d *DataTools) Import(path string) {
	t := d.env.Text
	lang := string(t.Lang)
	d.env.Run(func() func() {
		out, err := d.env.Services.Tools(d.env.Ctx(), "import", path, "--dry-run", "--lang", lang)
		return func() {
			if err != nil {
				d.Result.SetText(strings.TrimSpace(out))
				d.env.Present(err)
				return
			}
			msg := widget.NewLabel(strings.TrimSpace(out))
			msg.Wrapping = fyne.TextWrapWord
			dialog.ShowCustomConfirm(t.T("data.import"), t.T("data.import_go"), t.T("form.cancel"), container.NewVScroll(msg), func(ok bool) {
				if ok {
					d.run(t.T("data.import"), "import", path)
				}
			}, d.env.Window)
		}
	})
}

func (d *DataTools) saveAs(name string, then func(path string)) {
	dlg := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		path := w.URI().Path()
		w.Close()
		then(path)
	}, d.env.Window)
	dlg.SetFileName(name)
	dlg.Show()
}

func (d *DataTools) chooseImport() {
	dlg := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		path := r.URI().Path()
		r.Close()
		d.Import(path)
	}, d.env.Window)
	dlg.Show()
}
