package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"ticketbook/storage"
)

func (e *env) backupCmd() *cobra.Command {
	var out string
	var keep int
	cmd := &cobra.Command{
		Use:   "backup [--out FILE]",
		Short: e.t("Back up the database and attachments to one file", "将数据库和附件备份为一个文件"),
		Long: e.t(`Writes one .tbbackup file holding a consistent copy of the database, the
attachments folder and a manifest with checksums. It works while the window is
open. Without --out the file goes to the backups folder beside the database,
which keeps the newest --keep backups.`, `生成一个 .tbbackup 文件，包含数据库的一致副本、附件文件夹和带校验值的清单。
窗口打开时也可使用。不指定 --out 时保存到数据库旁的 backups 文件夹，并只保留最新的 --keep 个。`),
		Example: "  ticketbook backup\n  ticketbook backup --out /media/usb/ticketbook.tbbackup",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := e.open()
			if err != nil {
				return err
			}
			dataDir := filepath.Dir(st.Path())
			prog := e.longRunProgress(e.t("backing up: file", "正在备份：文件"))
			var path string
			var m storage.Manifest
			if out != "" {
				path = out
				if fi, err := os.Stat(out); err == nil && fi.IsDir() {
					path = filepath.Join(out, "ticketbook-"+time.Now().UTC().Format("20060102T150405Z")+storage.BackupExt)
				}
				m, err = storage.Backup(e.ctx, st, dataDir, path, prog)
			} else {
				path, m, err = storage.BackupToFolder(e.ctx, st, dataDir, keep, prog)
			}
			if err != nil {
				return err
			}
			if e.jsonOut {
				return e.printJSON(struct {
					Path     string           `json:"path"`
					Manifest storage.Manifest `json:"manifest"`
				}{path, m})
			}
			fmt.Fprintln(e.stdout, e.t("Backed up to %s", "已备份到 %s", path))
			fmt.Fprintln(e.stdout, e.backupSummary(m))
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "", e.t("backup file or folder to write (default: the backups folder, rotated)", "备份文件或文件夹（默认：backups 文件夹，自动轮换）"))
	cmd.Flags().IntVar(&keep, "keep", storage.DefaultKeep, e.t("without --out, how many backups the backups folder keeps", "不指定 --out 时，backups 文件夹保留的备份个数"))
	e.addJSON(cmd)
	return cmd
}

func (e *env) backupSummary(m storage.Manifest) string {
	c := m.Counts
	return e.t("%s, schema %d: %d vehicles, %d people, %d violations, %d payments, %d attachments (%s)",
		"%s，数据结构 %d：车辆 %d、人员 %d、违法记录 %d、缴款记录 %d、附件 %d（%s）",
		e.localTime(m.Created), m.Schema, c.Vehicles, c.People, c.Violations, c.Payments, c.Attachments, humanSize(m.Size()))
}

func humanSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

func (e *env) restoreCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "restore FILE",
		Short: e.t("Replace the database and attachments with a backup", "用备份替换数据库和附件"),
		Long: e.t(`Verifies the backup file by file, checks the restored database's integrity and
only then swaps it in. The data it replaces is not deleted: it is renamed with a
.before-restore-<time> suffix beside the database. Close the window first.`, `逐个文件校验备份并检查恢复后数据库的完整性，之后才替换。被替换的数据不会删除，
而是以 .before-restore-<时间> 为后缀保留在数据库旁。请先关闭窗口。`),
		Example: "  ticketbook restore ~/.local/share/ticketbook/backups/ticketbook-20260301T083000Z.tbbackup",
		Args:    e.exactArgs(1, "the backup file", "备份文件"),
		RunE: func(cmd *cobra.Command, args []string) error {
			// Never through e.open(): the database being replaced must not
			// be held open by this process.
			res, err := storage.RestoreTo(e.ctx, args[0], e.dbPath)
			if err != nil {
				return err
			}
			if e.jsonOut {
				return e.printJSON(res)
			}
			fmt.Fprintln(e.stdout, e.t("Restored %s into %s", "已将 %s 恢复到 %s", args[0], res.DBPath))
			fmt.Fprintln(e.stdout, e.backupSummary(res.Manifest))
			if len(res.SetAside) > 0 {
				fmt.Fprintln(e.stdout, e.t("The data it replaced was kept as: %s", "被替换的数据保留为：%s", strings.Join(res.SetAside, ", ")))
			}
			return nil
		},
	}
	e.addJSON(cmd)
	return cmd
}

// longRunProgress reports progress on stderr, but only for runs longer than
// a second and at most once a second, so quick runs and logs stay quiet.
func (e *env) longRunProgress(label string) func(done, total int) {
	start := time.Now()
	var last time.Time
	return func(done, total int) {
		now := time.Now()
		if now.Sub(start) < time.Second || (now.Sub(last) < time.Second && done < total) {
			return
		}
		last = now
		fmt.Fprintf(e.stderr, "%s %d/%d\n", label, done, total)
	}
}
