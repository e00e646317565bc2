package cli

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"ticketbook/core/share"
	"ticketbook/storage"
)

func (e *env) signer() (share.Signer, error) {
	key, err := storage.LoadOrCreateKey(filepath.Join(filepath.Dir(e.dbPath), "share.key"))
	if err != nil {
		return share.Signer{}, err
	}
	host, _ := os.Hostname()
	return share.Signer{Key: key, KeyID: host}, nil
}

// writeShare writes payload as a PNG or, for a .pdf name, a printable page.
func (e *env) writeShare(payload, out string, pub ed25519.PublicKey) error {
	var data []byte
	var err error
	if strings.EqualFold(filepath.Ext(out), ".pdf") {
		data, err = share.PDF(payload, e.now())
	} else {
		data, err = share.PNG(payload, 512)
	}
	if err != nil {
		return err
	}
	if err := os.WriteFile(out, data, 0o600); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, e.t("Wrote %s (signed by %s)", "已写入 %s（签名指纹 %s）", out, share.Fingerprint(pub)))
	return nil
}

func (e *env) shareCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "share", Short: e.t("Write signed QR codes: a vehicle, a handover slip, a driver invite", "生成签名二维码：车辆分享、交接单、驾驶人邀请")}
	var out string
	var days int
	addCommon := func(c *cobra.Command) {
		c.Flags().StringVar(&out, "out", "", e.t("PNG or PDF file to write", "要写入的 PNG 或 PDF 文件"))
		c.Flags().IntVar(&days, "days", 30, e.t("days until the code expires", "有效天数"))
	}
	checkCommon := func() error {
		if out == "" {
			return usageError{errors.New(e.t("--out is required", "必须提供 --out"))}
		}
		if days < 1 || days > 365 {
			return usageError{errors.New(e.t("--days must be 1 to 365", "--days 应为 1 到 365"))}
		}
		return nil
	}
	// issue signs with this install's key, valid from now for --days, and
	// writes the code to --out.
	issue := func(sign func(s share.Signer, now, expires time.Time) (string, error)) error {
		s, err := e.signer()
		if err != nil {
			return err
		}
		now := e.now()
		payload, err := sign(s, now, now.Add(time.Duration(days)*24*time.Hour))
		if err != nil {
			return err
		}
		return e.writeShare(payload, out, s.Key.Public().(ed25519.PublicKey))
	}

	var plate, plateType string
	vehicle := &cobra.Command{
		Use:   "vehicle --plate PLATE --out FILE",
		Short: e.t("Share a vehicle so family or a shop can add it with one scan", "分享车辆，家人或维修店扫码即可添加"),
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkCommon(); err != nil {
				return err
			}
			v, err := e.resolveVehicleArg(plate, plateType)
			if err != nil {
				return err
			}
			return issue(func(s share.Signer, now, expires time.Time) (string, error) {
				return s.Vehicle(share.VehicleOf(v), now, expires)
			})
		},
	}
	vehicle.Flags().StringVar(&plate, "plate", "", e.t("plate of the vehicle", "车辆号牌"))
	vehicle.Flags().StringVar(&plateType, "plate-type", "", e.t("plate type, when the plate exists with several", "号牌种类（同一号牌有多种时）"))
	addCommon(vehicle)

	var name string
	invite := &cobra.Command{
		Use:   "person --name NAME --out FILE",
		Short: e.t("Invite a recorded person as a driver (no ID number goes into the code)", "邀请已登记人员作为驾驶人（二维码中不含身份证号）"),
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkCommon(); err != nil {
				return err
			}
			p, err := e.resolvePersonArg("person", name)
			if err != nil {
				return err
			}
			return issue(func(s share.Signer, now, expires time.Time) (string, error) {
				return s.Invite(share.Invite{Name: p.Name, Role: string(p.Role), LicenceClass: p.LicenceClass}, now, expires)
			})
		},
	}
	invite.Flags().StringVar(&name, "name", "", e.t("the person: name or ID number", "人员：姓名或身份证号"))

	var hPlate, hPerson, purpose string
	var odometer int
	handover := &cobra.Command{
		Use:   "handover --plate PLATE --person NAME --out FILE",
		Short: e.t("A handover slip for a car going out now (scan it back to record custody)", "当前出车的交接单（扫码即可记录用车）"),
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkCommon(); err != nil {
				return err
			}
			v, p, err := e.vehicleAndPerson(hPlate, "", "person", hPerson)
			if err != nil {
				return err
			}
			return issue(func(s share.Signer, now, expires time.Time) (string, error) {
				return s.Handover(share.Handover{Plate: v.Plate, Person: p.Name, TimeOut: now, Odometer: odometer, Purpose: purpose}, now, expires)
			})
		},
	}
	handover.Flags().StringVar(&hPlate, "plate", "", e.t("plate of the vehicle", "车辆号牌"))
	handover.Flags().StringVar(&hPerson, "person", "", e.t("who takes the car: name or ID number", "用车人：姓名或身份证号"))
	handover.Flags().StringVar(&purpose, "purpose", "", e.t("why", "用途"))
	handover.Flags().IntVar(&odometer, "odometer", 0, e.t("odometer in km", "里程（公里）"))
	addCommon(invite)
	addCommon(handover)
	cmd.AddCommand(vehicle, invite, handover)
	return cmd
}
