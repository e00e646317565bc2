package cli

import (
	"fmt"
	"strconv"

	"github.com/spf13/cobra"

	"ticketbook/core"
)

func (e *env) paymentCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "payment", Aliases: []string{"payments"}, Short: e.t("Payments and receipts", "缴款与票据")}
	cmd.AddCommand(e.paymentList(), e.paymentAdd())
	return cmd
}

func (e *env) paymentAdd() *cobra.Command {
	var violation, method, paidAt, fine, lateFee, receipt string
	cmd := &cobra.Command{
		Use:   "add --violation ID --method METHOD [--paid-at TIME] [--fine YUAN] [--late-fee YUAN] [--receipt NO]",
		Short: e.t("Record a payment made outside Ticketbook (marks the violation paid)", "记录在别处完成的缴款（违法记录标为已缴款）"),
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if violation == "" || method == "" {
				return usageError{fmt.Errorf("%s", e.t("--violation and --method are required", "必须提供 --violation 和 --method"))}
			}
			id, err := e.violationID(violation)
			if err != nil {
				return err
			}
			st, err := e.open()
			if err != nil {
				return err
			}
			v, err := st.Violations().Get(e.ctx, id)
			if err != nil {
				return err
			}
			var errs fieldErrors
			p := core.Payment{ViolationID: id, Method: core.PayMethod(method), ReceiptNumber: receipt, FineFen: v.FineFen, IdempotencyKey: core.NewIdempotencyKey()}
			if fine != "" {
				p.FineFen = errs.yuan("fine_part", fine)
			}
			if lateFee != "" {
				p.LateFeeFen = errs.yuan("late_fee", lateFee)
			}
			if paidAt != "" {
				t := errs.time("paid_at", paidAt, e.loc)
				p.PaidAt = &t
			}
			if err := errs.Err(); err != nil {
				return err
			}
			svc, err := e.tickets()
			if err != nil {
				return err
			}
			p, err = svc.RecordPayment(e.ctx, p)
			if err != nil {
				return err
			}
			if e.jsonOut {
				return e.printJSON(p)
			}
			fmt.Fprintln(e.stdout, e.t("Recorded payment #%d of %s yuan for violation #%d", "已记录违法 #%[3]d 的缴款 #%[1]d，共 %[2]s 元", p.ID, p.TotalFen().Yuan(), id))
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&violation, "violation", "", e.t("violation id", "违法记录编号"))
	fl.StringVar(&method, "method", "", e.t("alipay, wechat, card, counter or cash", "alipay 支付宝、wechat 微信、card 银行卡、counter 银行柜台或 cash 现金"))
	fl.StringVar(&paidAt, "paid-at", "", e.t("when it was paid, local time (default now)", "缴款时间（本地时间，默认现在）"))
	fl.StringVar(&fine, "fine", "", e.t("fine part in yuan (default the violation's fine)", "罚款部分（元，默认为违法记录的罚款）"))
	fl.StringVar(&lateFee, "late-fee", "", e.t("late fee part in yuan", "滞纳金部分（元）"))
	fl.StringVar(&receipt, "receipt", "", e.t("receipt number", "票据号"))
	e.addJSON(cmd)
	return cmd
}

func (e *env) paymentList() *cobra.Command {
	var violation string
	cmd := &cobra.Command{
		Use:   "list [--violation ID]",
		Short: e.t("List payments, newest first", "列出缴款（最新在前）"),
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := e.open()
			if err != nil {
				return err
			}
			var f core.PaymentFilter
			if violation != "" {
				if f.ViolationID, err = e.violationID(violation); err != nil {
					return err
				}
			}
			ps, err := st.Payments().List(e.ctx, f)
			if err != nil {
				return err
			}
			if e.jsonOut {
				return e.printJSON(jsonList(ps))
			}
			if len(ps) == 0 {
				fmt.Fprintln(e.stdout, e.t("No payments.", "没有缴款记录。"))
				return nil
			}
			lang := string(e.lang)
			var t table
			t.add("ID", e.t("VIOLATION", "违法记录"), e.t("FINE", "罚款"), e.t("LATE FEE", "滞纳金"), e.t("METHOD", "方式"), e.t("STATE", "状态"), e.t("PAID AT", "缴款时间"), e.t("RECEIPT", "票据号"))
			for _, p := range ps {
				paid := "-"
				if p.PaidAt != nil {
					paid = e.localTime(*p.PaidAt)
				}
				state := p.State.Name(lang)
				if p.Elsewhere {
					state += e.t(" (made elsewhere)", "（在别处缴纳）")
				}
				t.add(strconv.FormatInt(p.ID, 10), "#"+strconv.FormatInt(p.ViolationID, 10), p.FineFen.Yuan(), p.LateFeeFen.Yuan(), p.Method.Name(lang), state, paid, orDash(p.ReceiptNumber))
			}
			t.print(e.stdout)
			return nil
		},
	}
	cmd.Flags().StringVar(&violation, "violation", "", e.t("only payments of this violation", "只列出此违法记录的缴款"))
	e.addJSON(cmd)
	return cmd
}
