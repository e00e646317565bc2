package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"ticketbook/cmd/ticketbook/connect"
	"ticketbook/core"
	"ticketbook/core/field"
	"ticketbook/core/i18n"
	"ticketbook/core/syncer"
	"ticketbook/core/tickets"
	"ticketbook/storage"
)

func (e *env) syncCmd() *cobra.Command {
	var providerURL string
	cmd := &cobra.Command{
		Use:   "sync [--provider URL] [--json]",
		Short: e.t("Send queued actions to the provider and bring in its changes", "向服务方发送排队的操作，并取回其变更"),
		Long: e.t(`Sync pushes the outbox (confirmations, payments, appeals, registrations) and
pulls every vehicle's changes. The provider is the "provider" setting (demo by
default: the built-in demo provider with sample data) unless --provider names
one. The token comes from TICKETBOOK_PROVIDER_TOKEN, the keyring, or the token
file (see "ticketbook provider set").`, `同步会发送待发送的操作（确认、缴款、申诉、备案），并取回每辆车的变更。
服务方由设置项 provider 决定（默认 demo：内置演示服务，示例数据），也可用 --provider 指定。
令牌取自 TICKETBOOK_PROVIDER_TOKEN、系统钥匙串或令牌文件（见 "ticketbook provider set"）。`),
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := e.open()
			if err != nil {
				return err
			}
			if providerURL != "" {
				if _, err := tickets.CheckProvider(providerURL); err != nil {
					return usageError{err}
				}
			}
			conn, err := connect.Open(e.ctx, connect.Options{Store: st, Provider: providerURL, Now: e.now})
			if errors.Is(err, connect.ErrOff) || errors.Is(err, connect.ErrNoToken) {
				return usageError{err}
			}
			if err != nil {
				return err
			}
			defer conn.Close()
			if conn.Demo && !e.jsonOut {
				fmt.Fprintln(e.stderr, e.t("Using the built-in DEMO provider: sample data, not a real traffic authority.",
					"正在使用内置演示服务：示例数据，并非真实交管服务。"))
			}
			var last syncer.Progress
			rep, err := conn.Engine.Run(e.ctx, func(p syncer.Progress) {
				if !e.jsonOut && p.Phase != last.Phase {
					fmt.Fprintln(e.stderr, e.t("… %s", "… %s", phaseName(p.Phase, e.lang)))
				}
				last = p
			})
			if conn.Demo {
				rep.Provider = "demo"
			}
			if e.jsonOut {
				if perr := e.printJSON(rep); perr != nil {
					return perr
				}
			} else {
				e.printReport(rep)
			}
			return err
		},
	}
	cmd.Flags().StringVar(&providerURL, "provider", "", e.t("provider URL (or demo) for this sync, instead of the setting", "本次同步使用的服务方地址（或 demo），不用设置项"))
	e.addJSON(cmd)
	return cmd
}

func phaseName(phase string, lang i18n.Lang) string {
	names := map[string][2]string{"push": {"sending queued actions", "发送排队的操作"}, "pull": {"bringing in changes", "取回变更"}}
	n, ok := names[phase]
	if !ok {
		return phase
	}
	if lang == i18n.ZH {
		return n[1]
	}
	return n[0]
}

func (e *env) printReport(rep syncer.Report) {
	w := e.stdout
	fmt.Fprintln(w, e.t("Provider: %s", "服务方：%s", rep.Provider))
	fmt.Fprintln(w, e.t("Sent: %d   Still queued: %d", "已发送：%d   仍在排队：%d", rep.Sent, rep.Pending))
	fmt.Fprintln(w, e.t("Added: %d vehicles, %d people, %d violations; updated %d; %d photos",
		"新增：车辆 %d，人员 %d，违法记录 %d；更新 %d；照片 %d",
		rep.VehiclesAdded, rep.PeopleAdded, rep.ViolationsAdded, rep.ViolationsUpdated, rep.PhotosFetched))
	if rep.PaidElsewhere > 0 {
		fmt.Fprintln(w, e.t("Paid elsewhere (recorded, nothing charged here): %d", "已在别处缴款（已记录，本机未扣款）：%d", rep.PaidElsewhere))
	}
	zh := e.lang == i18n.ZH
	for _, p := range rep.Failures {
		msg, todo := p.Message, p.ToDo
		if zh {
			msg, todo = p.MessageZh, p.ToDoZh
		}
		fmt.Fprintln(w, e.t("FAILED #%d: %s — %s", "失败 #%d：%s — %s", p.OutboxID, msg, todo))
	}
	for _, c := range rep.Conflicts {
		fmt.Fprintln(w, e.t("conflict on violation #%d: your %s %s replaced by the provider's %s",
			"违法记录 #%d 冲突：你填写的%s %s 已被服务方的 %s 取代", c.ViolationID, field.Label(c.Field, string(e.lang)), c.Local, c.Provider))
	}
	for _, p := range rep.Warnings {
		msg := p.Message
		if zh {
			msg = p.MessageZh
		}
		fmt.Fprintln(w, e.t("note: %s", "提示：%s", msg))
	}
}

func (e *env) outboxCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "outbox", Short: e.t("Actions waiting for, or refused by, the provider", "待发送或被服务方拒绝的操作")}
	var all bool
	list := &cobra.Command{
		Use:   "list [--all] [--json]",
		Short: e.t("List queued and failed actions (--all: done ones too)", "列出排队中和失败的操作（--all 包括已完成的）"),
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			svc, err := e.tickets()
			if err != nil {
				return err
			}
			f := core.OutboxFilter{}
			if !all {
				f.States = []core.OutboxState{core.OutboxQueued, core.OutboxSending, core.OutboxUnknown, core.OutboxFailed}
			}
			items, err := svc.Outbox(e.ctx, f)
			if err != nil {
				return err
			}
			if e.jsonOut {
				return e.printJSON(jsonList(items))
			}
			if len(items) == 0 {
				fmt.Fprintln(e.stdout, e.t("Nothing waiting for the provider.", "没有待发送的操作。"))
				return nil
			}
			lang := string(e.lang)
			var t table
			t.add("ID", e.t("Action", "操作"), e.t("For", "对象"), e.t("State", "状态"), e.t("Tries", "次数"), e.t("Queued", "排队时间"), e.t("Last error", "最近错误"))
			for _, it := range items {
				t.add(strconv.FormatInt(it.ID, 10), it.Kind.Name(lang), it.Subject, it.State.Name(lang), strconv.Itoa(it.Attempts),
					e.localTime(it.CreatedAt), orDash(it.LastError))
			}
			t.print(e.stdout)
			return nil
		},
	}
	list.Flags().BoolVar(&all, "all", false, e.t("include done entries", "包括已完成的"))
	e.addJSON(list)
	retry := &cobra.Command{
		Use:   "retry ID",
		Short: e.t("Send a failed action again (after fixing what was wrong)", "重新发送失败的操作（先修正问题）"),
		Args:  e.exactArgs(1, "an outbox id", "操作编号"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.outboxAction(args[0], (*tickets.Service).RetryOutbox, "queued again; run `ticketbook sync`", "已重新排队；请运行 `ticketbook sync`")
		},
	}
	dismiss := &cobra.Command{
		Use:   "dismiss ID",
		Short: e.t("Give up on a failed action", "放弃失败的操作"),
		Args:  e.exactArgs(1, "an outbox id", "操作编号"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.outboxAction(args[0], (*tickets.Service).DismissOutbox, "dismissed", "已放弃")
		},
	}
	e.addJSON(retry)
	e.addJSON(dismiss)
	cmd.AddCommand(list, retry, dismiss)
	return cmd
}

func (e *env) outboxAction(arg string, fn func(*tickets.Service, context.Context, int64) (core.OutboxItem, error), en, zh string) error {
	id, err := strconv.ParseInt(strings.TrimPrefix(arg, "#"), 10, 64)
	if err != nil || id <= 0 {
		return usageError{fmt.Errorf("%s", e.t("%q is not an outbox id (see `ticketbook outbox list`)", "“%s”不是操作编号（见 `ticketbook outbox list`）", arg))}
	}
	svc, err := e.tickets()
	if err != nil {
		return err
	}
	it, err := fn(svc, e.ctx, id)
	if err != nil {
		return err
	}
	if e.jsonOut {
		return e.printJSON(it)
	}
	fmt.Fprintf(e.stdout, "#%d %s\n", it.ID, e.t(en, zh))
	return nil
}

func (e *env) violationPay() *cobra.Command {
	var method string
	cmd := &cobra.Command{
		Use:   "pay ID --method alipay|wechat|card|counter",
		Short: e.t("Pay a decided ticket through the provider (queued until the next sync)", "通过服务方缴纳已决定的罚款（在下次同步时发送）"),
		Args:  e.exactArgs(1, "a violation id", "违法记录编号"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := e.violationID(args[0])
			if err != nil {
				return err
			}
			if method == "" {
				return usageError{fmt.Errorf("%s", e.t("--method is required: alipay, wechat, card or counter", "必须提供 --method：alipay、wechat、card 或 counter"))}
			}
			svc, err := e.tickets()
			if err != nil {
				return err
			}
			p, err := svc.Pay(e.ctx, id, core.PayMethod(method), string(e.lang))
			if err != nil {
				return err
			}
			if e.jsonOut {
				return e.printJSON(p)
			}
			fmt.Fprintln(e.stdout, e.t("Payment #%d of %s yuan queued (%s); it is sent at the next sync (`ticketbook sync`), the provider's quote decides the final amount.",
				"缴款 #%d（%s 元）已排队（%s）；将在下次同步时发送（`ticketbook sync`），最终金额以服务方报价为准。",
				p.ID, p.TotalFen().Yuan(), p.Method.Name(string(e.lang))))
			return nil
		},
	}
	cmd.Flags().StringVar(&method, "method", "", e.t("alipay, wechat, card or counter", "alipay、wechat、card 或 counter"))
	e.addJSON(cmd)
	return cmd
}

func (e *env) violationAppeal() *cobra.Command {
	var reason string
	var evidence []string
	cmd := &cobra.Command{
		Use:   "appeal ID --reason TEXT [--evidence FILE]...",
		Short: e.t("Appeal a wrongly captured record through the provider (queued until the next sync)", "通过服务方对错误记录提出申诉（在下次同步时发送）"),
		Args:  e.exactArgs(1, "a violation id", "违法记录编号"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := e.violationID(args[0])
			if err != nil {
				return err
			}
			var files []tickets.Evidence
			for _, path := range evidence {
				data, err := readBounded(path, tickets.MaxEvidenceBytes)
				if err != nil {
					return field.New("evidence", "unreadable", fmt.Sprintf("%s: %v", path, err), fmt.Sprintf("%s：%v", path, err))
				}
				files = append(files, tickets.Evidence{Name: filepath.Base(path), Data: data})
			}
			st, err := e.open()
			if err != nil {
				return err
			}
			svc, err := e.tickets()
			if err != nil {
				return err
			}
			blobs := storage.NewBlobs(filepath.Join(connect.DataDir(st), "attachments"))
			v, err := svc.Appeal(e.ctx, blobs, id, reason, files)
			if err != nil {
				return err
			}
			if e.jsonOut {
				return e.printJSON(v)
			}
			fmt.Fprintln(e.stdout, e.t("Appeal of violation #%d queued with %d evidence file(s); no late fee accrues while it is pending. Run `ticketbook sync` to send it.",
				"违法记录 #%d 的申诉已排队，附 %d 个证据文件；申诉期间不计滞纳金。运行 `ticketbook sync` 发送。", v.ID, len(files)))
			return nil
		},
	}
	cmd.Flags().StringVar(&reason, "reason", "", e.t("why the record is wrong (required)", "记录错误的原因（必填）"))
	cmd.Flags().StringArrayVar(&evidence, "evidence", nil, e.t("a photo or document supporting the appeal (repeatable, up to 6, 10 MB in all)", "支持申诉的照片或文件（可重复，最多 6 个，合计 10 MB）"))
	e.addJSON(cmd)
	return cmd
}

func (e *env) violationConfirm() *cobra.Command {
	var driver string
	cmd := &cobra.Command{
		Use:   "confirm ID --driver NAME|ID_NUMBER",
		Short: e.t("Take a camera record on the actual driver's licence through the provider (queued until the next sync)", "通过服务方以实际驾驶人的驾驶证处理电子监控记录（在下次同步时发送）"),
		Args:  e.exactArgs(1, "a violation id", "违法记录编号"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := e.violationID(args[0])
			if err != nil {
				return err
			}
			if driver == "" {
				return usageError{fmt.Errorf("%s", e.t("--driver is required", "必须提供 --driver"))}
			}
			st, err := e.open()
			if err != nil {
				return err
			}
			p, err := core.ResolvePerson(e.ctx, st, "driver", driver)
			if err != nil {
				return err
			}
			svc, err := e.tickets()
			if err != nil {
				return err
			}
			v, err := svc.Confirm(e.ctx, id, p.ID)
			if err != nil {
				return err
			}
			if e.jsonOut {
				return e.printJSON(v)
			}
			fmt.Fprintln(e.stdout, e.t("Violation #%d confirmed on %s's licence; queued for the provider (`ticketbook sync`).",
				"违法记录 #%d 已确认由 %s 的驾驶证处理；已排队等待发送（`ticketbook sync`）。", v.ID, p.Name))
			return nil
		},
	}
	cmd.Flags().StringVar(&driver, "driver", "", e.t("who was driving: name or ID number", "驾驶人：姓名或身份证号"))
	e.addJSON(cmd)
	return cmd
}

func readBounded(path string, limit int) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, int64(limit)+1))
	if err != nil {
		return nil, err
	}
	if len(data) > limit {
		return nil, fmt.Errorf("larger than %d MB", limit>>20)
	}
	if len(data) == 0 {
		return nil, errors.New("empty file")
	}
	return data, nil
}

func (e *env) providerCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "provider", Short: e.t("Where sync goes, and its token", "同步服务方及其令牌")}
	show := &cobra.Command{
		Use:   "show [--json]",
		Short: e.t("Show the provider setting and where its token is kept (masked)", "显示服务方设置及令牌保存位置（已遮盖）"),
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := e.open()
			if err != nil {
				return err
			}
			target, err := connect.Setting(e.ctx, st)
			if err != nil {
				return err
			}
			out := struct {
				Provider    string `json:"provider"`
				Demo        bool   `json:"demo"`
				Token       string `json:"token,omitempty"`
				TokenSource string `json:"token_source,omitempty"`
			}{Provider: target, Demo: target == tickets.ProviderDemo}
			if !out.Demo && target != tickets.ProviderOff {
				tok, src, err := connect.LoadToken(connect.DataDir(st), target)
				if err != nil {
					return err
				}
				if tok != "" {
					out.Token, out.TokenSource = connect.Mask(tok), src
				}
			}
			if e.jsonOut {
				return e.printJSON(out)
			}
			fmt.Fprintln(e.stdout, e.t("Provider: %s", "服务方：%s", out.Provider))
			if out.Demo {
				fmt.Fprintln(e.stdout, e.t("(the built-in demo provider: sample data, not a real authority)", "（内置演示服务：示例数据，非真实交管服务）"))
			} else if out.Token != "" {
				fmt.Fprintln(e.stdout, e.t("Token: %s (from the %s)", "令牌：%s（来自%s）", out.Token, out.TokenSource))
			} else if target != tickets.ProviderOff {
				fmt.Fprintln(e.stdout, e.t("Token: not set", "令牌：未设置"))
			}
			return nil
		},
	}
	e.addJSON(show)
	var tokenStdin bool
	set := &cobra.Command{
		Use:   "set URL|demo|off [--token-stdin]",
		Short: e.t("Choose the provider; with --token-stdin, read its token from standard input and keep it in the keyring (or a 0600 file)", "设置服务方；加 --token-stdin 时从标准输入读取令牌，保存在系统钥匙串（或 0600 文件）"),
		Args:  e.exactArgs(1, "a provider URL, demo or off", "服务方地址、demo 或 off"),
		RunE: func(cmd *cobra.Command, args []string) error {
			target, err := tickets.CheckProvider(args[0])
			if err != nil {
				return usageError{err}
			}
			st, err := e.open()
			if err != nil {
				return err
			}
			if tokenStdin {
				if target == tickets.ProviderDemo || target == tickets.ProviderOff {
					return usageError{fmt.Errorf("%s", e.t("a token goes with a provider URL", "令牌只能配合服务方地址使用"))}
				}
				line, err := bufio.NewReader(cmd.InOrStdin()).ReadString('\n')
				if err != nil && line == "" {
					return usageError{fmt.Errorf("%s", e.t("no token on standard input", "标准输入中没有令牌"))}
				}
				where, err := connect.SaveToken(connect.DataDir(st), target, strings.TrimSpace(line))
				if err != nil {
					return usageError{err}
				}
				fmt.Fprintln(e.stderr, e.t("Token kept in the %s.", "令牌已保存到%s。", where))
			}
			svc, err := e.tickets()
			if err != nil {
				return err
			}
			if _, err := svc.SetSetting(e.ctx, tickets.SettingProvider, target); err != nil {
				return err
			}
			fmt.Fprintln(e.stdout, e.t("Provider: %s", "服务方：%s", target))
			return nil
		},
	}
	set.Flags().BoolVar(&tokenStdin, "token-stdin", false, e.t("read the token from standard input", "从标准输入读取令牌"))
	cmd.AddCommand(show, set)
	return cmd
}
