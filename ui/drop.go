package ui

import (
	"context"
	"errors"
	"fmt"
	"io"

	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"ticketbook/core/tickets"
	"ticketbook/ui/screens"
	"ticketbook/ui/widgets"
)

// showAttachDialog asks which open violation the dropped photos belong to,
// then attaches them one by one with a progress bar the user can cancel.
func (u *UI) showAttachDialog(images []screens.ScanSource) {
	open := u.Today.Last().Open
	if len(open) == 0 {
		dialog.ShowInformation(u.text.T("drop.title"), u.text.T("drop.no_open"), u.Window)
		return
	}
	labels := make([]string, len(open))
	for i, v := range open {
		labels[i] = fmt.Sprintf("#%d %s %s %s", v.ID, v.Plate, v.OccurredAt.Local().Format("2006-01-02"), v.Place)
	}
	pick := widget.NewSelect(labels, nil)
	pick.SetSelectedIndex(0)
	dialog.ShowCustomConfirm(u.text.T("drop.title"), u.text.T("drop.attach"), u.text.T("form.cancel"),
		widget.NewForm(widget.NewFormItem(u.text.T("drop.files", len(images)), pick)), func(ok bool) {
			if ok && pick.SelectedIndex() >= 0 {
				u.attach(open[pick.SelectedIndex()].ID, images)
			}
		}, u.Window)
}

func (u *UI) attach(violationID int64, images []screens.ScanSource) {
	photos := u.deps.Services.Photos
	widgets.RunWithProgress(u.Window, widgets.Runner(u.deps.Run), u.text.T("drop.attaching"), u.text.T("form.cancel"),
		func(ctx context.Context, report func(int, int)) error {
			var errs []error
			for i, x := range images {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				data, err := readBounded(x, tickets.MaxPhotoBytes)
				if err == nil {
					_, err = photos.Attach(ctx, violationID, x.Name, data)
				}
				if err != nil {
					errs = append(errs, fmt.Errorf("%s: %w", x.Name, err))
				}
				report(i+1, len(images))
			}
			return errors.Join(errs...)
		}, func(err error) {
			switch {
			case errors.Is(err, context.Canceled):
			case err != nil:
				u.ShowError(err)
			default:
				u.Open(targetViolation(violationID))
			}
		})
}

// readBounded refuses a file larger than limit before reading all of it.
func readBounded(x screens.ScanSource, limit int64) ([]byte, error) {
	r, err := x.Open()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("larger than %d MB", limit>>20)
	}
	return data, nil
}
