package screens

import (
	"crypto/ed25519"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"ticketbook/core"
	"ticketbook/core/share"
)

// shareDays is how long a share code stays valid: long enough to send and
// scan, short enough that a forwarded photo soon stops working.
const shareDays = 30

// ShareVehicle makes a signed vehicle share and shows it.
func ShareVehicle(env Env, v core.Vehicle) (string, error) {
	now := env.Now()
	payload, err := env.Services.Signer.Vehicle(share.VehicleOf(v), now, now.Add(shareDays*24*time.Hour))
	if err == nil {
		showShare(env, v.Plate, payload)
	}
	return payload, err
}

// InvitePerson makes a signed driver invite (never with the ID number) and shows it.
func InvitePerson(env Env, p core.Person) (string, error) {
	now := env.Now()
	payload, err := env.Services.Signer.Invite(share.Invite{Name: p.Name, Role: string(p.Role), LicenceClass: p.LicenceClass},
		now, now.Add(shareDays*24*time.Hour))
	if err == nil {
		showShare(env, p.Name, payload)
	}
	return payload, err
}

func showShare(env Env, title, payload string) {
	t := env.Text
	if env.Window == nil {
		return
	}
	img, err := share.Image(payload, 360)
	if err != nil {
		env.Present(err)
		return
	}
	qr := canvas.NewImageFromImage(img)
	qr.FillMode = canvas.ImageFillContain
	qr.ScaleMode = canvas.ImageScalePixels
	qr.SetMinSize(fyne.NewSize(300, 300))
	pub := env.Services.Signer.Key.Public()
	info := widget.NewLabel(t.T("share.valid", share.Fingerprint(pub.(ed25519.PublicKey)), env.Now().Add(shareDays*24*time.Hour).Local().Format("2006-01-02")))
	info.Wrapping = fyne.TextWrapWord
	save := func(ext string, make func() ([]byte, error)) func() {
		return func() {
			d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
				if err != nil || w == nil {
					return
				}
				defer w.Close()
				data, err := make()
				if err == nil {
					_, err = w.Write(data)
				}
				if err != nil {
					env.Present(err)
				}
			}, env.Window)
			d.SetFileName(fmt.Sprintf("ticketbook-share%s", ext))
			d.Show()
		}
	}
	png := widget.NewButton(t.T("share.save_png"), save(".png", func() ([]byte, error) { return share.PNG(payload, 512) }))
	pdf := widget.NewButton(t.T("share.save_pdf"), save(".pdf", func() ([]byte, error) { return share.PDF(payload, env.Now()) }))
	body := container.NewVBox(widget.NewLabelWithStyle(title, fyne.TextAlignCenter, fyne.TextStyle{Bold: true}), qr, info, container.NewHBox(png, pdf))
	dialog.ShowCustom(t.T("share.title"), t.T("share.close"), body, env.Window)
}
