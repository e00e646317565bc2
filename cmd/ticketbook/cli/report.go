package cli

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"ticketbook/core"
	"ticketbook/core/report"
	"ticketbook/core/tickets"
)

func (e *env) reportCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "report", Short: e.t("Printable reports", "可打印的报表")}
	var plate, plateType, driver, out, asOf string
	month := &cobra.Command{
		Use:   "month YYYY-MM --out FILE.pdf",
		Short: e.t("Monthly fleet report: new violations, payments, points, what is open, what to recover", "车队月报：新增违法、缴款、记分、未处理事项、待追偿款项"),
		Long: e.t(`The month's new violations, fines and late fees paid, points, what is still
open and by when (as of --as-of, default today) and what is to be recovered
from drivers, per vehicle and per driver, with a chart of fines over the last
12 months. A .png --out writes the chart alone.`,
			`本月新增违法、已缴罚款和滞纳金、记分、尚未处理的事项及期限（按 --as-of 计算，默认今天）
以及待向驾驶人追偿的款项，按车辆和驾驶人分列，并附近 12 个月每月罚款图。
--out 为 .png 时只输出图表。`),
		Example: "  ticketbook report month 2026-03 --out 2026-03.pdf\n  ticketbook report month 2026-03 --plate 粤BD12345 --out 粤BD12345-2026-03.pdf",
		Args:    e.exactArgs(1, "a month such as 2026-03", "月份，如 2026-03"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if strings.TrimSpace(out) == "" {
				return usageError{errors.New(e.t("--out is required", "必须提供 --out"))}
			}
			if _, _, err := report.ParseMonth(args[0]); err != nil {
				return err
			}
			day, err := e.asOfDate(asOf)
			if err != nil {
				return err
			}
			vf, err := e.violationRefs(plate, plateType, driver)
			if err != nil {
				return err
			}
			return e.writeMonthReport(args[0], vf, day, out)
		},
	}
	fl := month.Flags()
	fl.StringVar(&out, "out", "", e.t("PDF file to write (or .png for the chart alone)", "要写入的 PDF 文件（.png 则只输出图表）"))
	fl.StringVar(&plate, "plate", "", e.t("only this vehicle", "只含此车辆"))
	fl.StringVar(&plateType, "plate-type", "", e.t("plate type, when the plate exists with several", "号牌种类（同一号牌有多种时）"))
	fl.StringVar(&driver, "driver", "", e.t("only this driver (name or ID number)", "只含此驾驶人（姓名或身份证号）"))
	e.addAsOf(month, &asOf)
	cmd.AddCommand(month)
	return cmd
}

func (e *env) writeMonthReport(month string, vf core.ViolationFilter, day core.Date, out string) error {
	ext := strings.ToLower(filepath.Ext(out))
	if ext != ".pdf" && ext != ".png" {
		return usageError{errors.New(e.t("--out must end in .pdf (or .png for the chart alone)", "--out 应以 .pdf 结尾（或 .png，只输出图表）"))}
	}
	views, err := e.assessAll(vf, day)
	if err != nil {
		return err
	}
	payments, err := e.paymentsOf(vf, nil, core.Date{}, core.Date{})
	if err != nil {
		return err
	}
	lk, err := e.reportLookup()
	if err != nil {
		return err
	}
	lang := string(e.lang)
	data, err := report.BuildMonth(month, views, payments, lk, lang, e.now())
	if err != nil {
		return err
	}
	err = writeAtomically(out, func(w io.Writer) error {
		if ext == ".png" {
			png, err := report.FinesChartPNG(data.Chart)
			if err != nil {
				return err
			}
			_, err = w.Write(png)
			return err
		}
		return report.MonthReport(w, data, lang, nil)
	})
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, e.t("Wrote the report of %s to %s", "已将 %s 月报写入 %s", data.Month, out))
	return nil
}

func (e *env) receiptsCmd() *cobra.Command {
	var plate, plateType, payment, out string
	cmd := &cobra.Command{
		Use:   "receipts (--plate PLATE --out FILE.zip | --payment ID --out FILE.pdf|png)",
		Short: e.t("Receipts of confirmed payments: all of a vehicle as a ZIP (selling a car), or one as PDF or PNG", "已确认缴款的凭证：一辆车的全部凭证打包为 ZIP（卖车时用），或单张 PDF、PNG"),
		Long: e.t(`Writes Ticketbook's record of confirmed payments with a QR code to check it
later. With --plate, a ZIP with one PDF per payment and an index.csv. These
are not official receipts: those come from the payment platform.`,
			`生成已确认缴款的凭证，带可供日后核对的二维码。使用 --plate 时输出 ZIP，
每笔缴款一个 PDF，另附 index.csv。本凭证不是财政票据，正式票据以缴款平台出具的为准。`),
		Example: "  ticketbook receipts --plate 粤BD12345 --out 粤BD12345-receipts.zip\n  ticketbook receipts --payment 3 --out receipt.png",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			bad := func(en, zh string) error { return usageError{errors.New(e.t(en, zh))} }
			if strings.TrimSpace(out) == "" {
				return bad("--out is required", "必须提供 --out")
			}
			if (plate == "") == (payment == "") {
				return bad("give either --plate (all receipts of a vehicle) or --payment (one receipt)", "请给出 --plate（一辆车的全部凭证）或 --payment（单张凭证）之一")
			}
			ext := strings.ToLower(filepath.Ext(out))
			if payment != "" {
				if ext != ".pdf" && ext != ".png" {
					return bad("--out must end in .pdf or .png for one receipt", "单张凭证的 --out 应以 .pdf 或 .png 结尾")
				}
				return e.writeOneReceipt(payment, out, ext)
			}
			if ext != ".zip" {
				return bad("--out must end in .zip for the receipts of a vehicle", "车辆全部凭证的 --out 应以 .zip 结尾")
			}
			return e.writeReceiptsZIP(plate, plateType, out)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&plate, "plate", "", e.t("every confirmed payment of this vehicle", "此车辆的全部已确认缴款"))
	fl.StringVar(&plateType, "plate-type", "", e.t("plate type, when the plate exists with several", "号牌种类（同一号牌有多种时）"))
	fl.StringVar(&payment, "payment", "", e.t("one payment id (see `ticketbook payment list`)", "单笔缴款编号（见 `ticketbook payment list`）"))
	fl.StringVar(&out, "out", "", e.t("file to write: .zip, or .pdf or .png with --payment", "要写入的文件：.zip，或配合 --payment 使用 .pdf、.png"))
	return cmd
}

func (e *env) writeReceiptsZIP(plate, plateType, out string) error {
	veh, err := e.resolveVehicleArg(plate, plateType)
	if err != nil {
		return err
	}
	svc, err := e.tickets()
	if err != nil {
		return err
	}
	views, err := svc.Views(e.ctx, core.ViolationFilter{VehicleID: veh.ID})
	if err != nil {
		return err
	}
	byID := make(map[int64]tickets.View, len(views))
	for _, v := range views {
		byID[v.ID] = v
	}
	ps, err := svc.Payments(e.ctx, core.PaymentFilter{States: []core.PayState{core.PayConfirmed}})
	if err != nil {
		return err
	}
	var rs []report.Receipt
	for _, p := range ps {
		if v, ok := byID[p.ViolationID]; ok {
			rs = append(rs, report.ReceiptFrom(p, v, e.loc))
		}
	}
	if len(rs) == 0 {
		return core.NotFound("plate", fmt.Sprintf("%s has no confirmed payments", veh.Plate), fmt.Sprintf("%s 没有已确认的缴款", veh.Plate))
	}
	// Oldest first: the order a buyer reads the car's history in.
	sort.SliceStable(rs, func(i, j int) bool { return rs[i].PaidAt.Before(rs[j].PaidAt) })
	lang := string(e.lang)
	err = writeAtomically(out, func(w io.Writer) error {
		return report.ReceiptsZIP(w, rs, lang, nil, func(done, total int) {
			if total >= 10 {
				fmt.Fprintln(e.stderr, e.t("receipt %d of %d", "凭证 %d / %d", done, total))
			}
		})
	})
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, e.t("Wrote %d receipts of %s to %s", "已将 %[2]s 的 %[1]d 张凭证写入 %[3]s", len(rs), veh.Plate, out))
	return nil
}

func (e *env) writeOneReceipt(arg, out, ext string) error {
	id, err := strconv.ParseInt(strings.TrimPrefix(arg, "#"), 10, 64)
	if err != nil || id <= 0 {
		return usageError{fmt.Errorf("%s", e.t("%q is not a payment id (see `ticketbook payment list`)", "“%s”不是缴款编号（见 `ticketbook payment list`）", arg))}
	}
	st, err := e.open()
	if err != nil {
		return err
	}
	p, err := st.Payments().Get(e.ctx, id)
	if err != nil {
		return err
	}
	if p.State != core.PayConfirmed {
		return core.Conflict("payment", fmt.Sprintf("payment #%d is %s, not confirmed; only a confirmed payment has a receipt", id, p.State.Name("en")),
			fmt.Sprintf("缴款 #%d 状态为%s，尚未确认；只有已确认的缴款才有凭证", id, p.State.Name("zh")))
	}
	svc, err := e.tickets()
	if err != nil {
		return err
	}
	v, err := svc.View(e.ctx, p.ViolationID)
	if err != nil {
		return err
	}
	r := report.ReceiptFrom(tickets.PaymentView{Payment: p, Plate: v.Plate, DecisionNumber: v.DecisionNumber}, v, e.loc)
	lang := string(e.lang)
	err = writeAtomically(out, func(w io.Writer) error {
		if ext == ".png" {
			png, err := report.ReceiptPNG(r, lang)
			if err != nil {
				return err
			}
			_, err = w.Write(png)
			return err
		}
		return report.ReceiptPDF(w, r, lang, nil)
	})
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, e.t("Wrote the receipt of payment #%d to %s", "已将缴款 #%d 的凭证写入 %s", id, out))
	return nil
}
