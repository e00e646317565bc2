// Package cli is Ticketbook's command line: the same binary as the window,
// scriptable, with flags and --json fields that scripts rely on.
package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"ticketbook/core"
	"ticketbook/core/field"
	"ticketbook/core/fleet"
	"ticketbook/core/i18n"
	"ticketbook/core/tickets"
	"ticketbook/storage"
)

// Exit codes are part of the contract: 2 is the user's to fix, 1 is ours.
const (
	ExitOK      = 0
	ExitFailure = 1
	ExitBadUse  = 2
)

// GUIFunc opens the window; main injects it so this package stays free of the
// cgo GL driver and its tests run headless.
type GUIFunc func(ctx context.Context, opts GUIOptions) error

type GUIOptions struct {
	DBPath string
	Lang   i18n.Lang
	// LangChosen is true when the user picked the language with --lang.
	LangChosen bool
	// Open is a screen to show at start, optionally with a record: "violations/12".
	Open string
	// Files are images given on the command line ("open with Ticketbook"):
	// the window starts on Scan and reads them.
	Files []string
}

type env struct {
	ctx        context.Context
	stdout     io.Writer
	stderr     io.Writer
	lang       i18n.Lang
	langChosen bool
	dbPath     string
	jsonOut    bool
	unmask     bool
	loc        *time.Location
	now        core.Clock
	store      *storage.Store
}

// t picks the text for the user's language; CLI texts sit inline in both
// languages so a message and its translation are read and changed together.
func (e *env) t(en, zh string, args ...any) string {
	s := en
	if e.lang == i18n.ZH {
		s = zh
	}
	if len(args) == 0 {
		return s
	}
	return fmt.Sprintf(s, args...)
}

func (e *env) open() (*storage.Store, error) {
	if e.store != nil {
		return e.store, nil
	}
	st, err := storage.Open(e.ctx, e.dbPath)
	if err != nil {
		return nil, err
	}
	e.store = st
	return st, nil
}

func (e *env) fleet() (*fleet.Service, error) {
	st, err := e.open()
	if err != nil {
		return nil, err
	}
	return fleet.New(st, e.now), nil
}

func (e *env) tickets() (*tickets.Service, error) {
	st, err := e.open()
	if err != nil {
		return nil, err
	}
	return tickets.New(st, e.now), nil
}

func (e *env) printJSON(v any) error {
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

func (e *env) warn(ws []*field.Error) {
	for _, w := range ws {
		fmt.Fprintln(e.stderr, e.t("warning: ", "警告：")+w.Message(string(e.lang)))
	}
}

// Main runs the command line and returns the process exit code.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer, gui GUIFunc) int {
	e := &env{ctx: ctx, stdout: stdout, stderr: stderr, loc: time.Local, now: time.Now}
	e.lang, e.langChosen = langFromArgs(args)
	root := e.rootCmd(gui)
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if e.store != nil {
		if cerr := e.store.Close(); err == nil && cerr != nil {
			err = cerr
		}
	}
	if err == nil {
		return ExitOK
	}
	fmt.Fprintln(stderr, e.t("error: ", "错误：")+oneLine(field.Localize(err, string(e.lang))))
	if isBadUse(err) {
		return ExitBadUse
	}
	return ExitFailure
}

// usageError marks mistakes in how a command was called.
type usageError struct{ error }

func isBadUse(err error) bool {
	var u usageError
	return errors.As(err, &u) || core.IsUserError(err)
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// langFromArgs reads --lang before cobra runs, because help texts are built
// in the chosen language before flags are parsed.
func langFromArgs(args []string) (i18n.Lang, bool) {
	for i, a := range args {
		var v string
		switch {
		case a == "--lang" && i+1 < len(args):
			v = args[i+1]
		case strings.HasPrefix(a, "--lang="):
			v = strings.TrimPrefix(a, "--lang=")
		default:
			continue
		}
		if l, ok := i18n.ParseLang(v); ok {
			return l, true
		}
	}
	return i18n.FromEnv(), false
}

func (e *env) rootCmd(gui GUIFunc) *cobra.Command {
	var langFlag, openFlag string
	root := &cobra.Command{
		Use:   "ticketbook",
		Short: e.t("Traffic tickets of your vehicles and drivers, on your own desktop", "在自己电脑上管理车辆和驾驶人的交通违法"),
		Long: e.t(`Ticketbook keeps the record of your vehicles, the people who drive them, who had
which car when, every violation and every payment. Run without a command to open
the window; use the commands below from scripts.`, `Ticketbook 在本机保存车辆、驾驶人、用车记录、违法记录和缴款记录。
不带子命令运行时打开窗口；脚本可使用以下子命令。`),
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          cobra.ArbitraryArgs,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			if langFlag != "" {
				if _, ok := i18n.ParseLang(langFlag); !ok {
					return usageError{field.New("lang", "lang_unknown", "must be zh or en", "应为 zh 或 en")}
				}
			}
			if e.dbPath == "" {
				dir, err := DefaultDataDir()
				if err != nil {
					return err
				}
				e.dbPath = filepath.Join(dir, "ticketbook.db")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			for _, a := range args {
				if !imageExts[strings.ToLower(filepath.Ext(a))] {
					return usageError{fmt.Errorf("%s", e.t("unknown command or not an image: %q (see --help)", "未知命令或不是图片：“%s”（见 --help）", a))}
				}
			}
			if gui == nil {
				return cmd.Help()
			}
			return gui(cmd.Context(), GUIOptions{DBPath: e.dbPath, Lang: e.lang, LangChosen: e.langChosen, Open: openFlag, Files: args})
		},
	}
	pf := root.PersistentFlags()
	pf.StringVar(&e.dbPath, "db", "", e.t("database file (default: ticketbook.db in the data folder)", "数据库文件（默认为数据目录下的 ticketbook.db）"))
	pf.StringVar(&langFlag, "lang", "", e.t("language of messages: zh or en (default: from the locale)", "提示语言：zh 或 en（默认跟随系统）"))
	root.Flags().StringVar(&openFlag, "open", "", e.t("window only: screen to show at start, e.g. violations or violations/12", "仅窗口：启动时显示的页面，如 violations 或 violations/12"))
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(e.vehicleCmd(), e.personCmd(), e.custodyCmd(), e.registrationCmd(), e.violationCmd(), e.paymentCmd(), e.rulesCmd(), e.settingsCmd(), e.todayCmd(), e.demoCmd(), e.scanCmd(), e.shareCmd(), e.exportCmd(), e.reportCmd(), e.receiptsCmd(), e.backupCmd(), e.restoreCmd(), e.importCmd(), e.syncCmd(), e.outboxCmd(), e.providerCmd())
	root.CompletionOptions.DisableDefaultCmd = true
	return root
}

// DefaultDataDir is where the database lives unless --db says otherwise:
// $TICKETBOOK_HOME, else the platform's per-user data folder.
func DefaultDataDir() (string, error) {
	if d := os.Getenv("TICKETBOOK_HOME"); d != "" {
		return d, nil
	}
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "ticketbook"), nil
	}
	if home, err := os.UserHomeDir(); err == nil && isUnixLike() {
		return filepath.Join(home, ".local", "share", "ticketbook"), nil
	}
	d, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("cannot find a folder for the database; pass --db: %w", err)
	}
	return filepath.Join(d, "Ticketbook"), nil
}

// addJSON adds the --json flag to commands that print records.
func (e *env) addJSON(cmd *cobra.Command) {
	cmd.Flags().BoolVar(&e.jsonOut, "json", false, e.t("print JSON (money in *_fen integers, times in RFC 3339)", "输出 JSON（金额为整数 *_fen，时间为 RFC 3339）"))
}

func (e *env) addUnmask(cmd *cobra.Command) {
	cmd.Flags().BoolVar(&e.unmask, "unmask", false, e.t("show ID and licence numbers in full", "显示完整的证件号码"))
}

// exactArgs is cobra.ExactArgs with a message in the user's language.
func (e *env) exactArgs(n int, what string, whatZh string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return usageError{fmt.Errorf("%s", e.t("expected %s; see --help", "需要提供%s；参见 --help", e.t(what, whatZh)))}
		}
		return nil
	}
}
