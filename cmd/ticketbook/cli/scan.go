package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"ticketbook/core/field"
	"ticketbook/core/scan"
)

// scanned is one file's result as printed; the field names are a contract.
type scanned struct {
	File  string      `json:"file"`
	Codes []scan.Code `json:"codes"`
	Error string      `json:"error,omitempty"`
}

var imageExts = map[string]bool{".png": true, ".jpg": true, ".jpeg": true, ".gif": true, ".bmp": true, ".webp": true, ".tif": true, ".tiff": true}

// expandImages turns folders into the image files inside them (recursively,
// sorted) and keeps files as given.
func expandImages(args []string) ([]string, error) {
	var out []string
	for _, a := range args {
		fi, err := os.Stat(a)
		if err != nil || !fi.IsDir() {
			out = append(out, a) // a missing file is reported per file
			continue
		}
		var found []string
		err = filepath.WalkDir(a, func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && imageExts[strings.ToLower(filepath.Ext(p))] {
				found = append(found, p)
			}
			return err
		})
		if err != nil {
			return nil, err
		}
		sort.Strings(found)
		out = append(out, found...)
	}
	return out, nil
}

func (e *env) scanCmd() *cobra.Command {
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   "scan [--json] FILE|FOLDER...",
		Short: e.t("Read decision numbers and QR codes from photos", "从照片中识别决定书编号和二维码"),
		Long: e.t(`Reads QR codes, Code 39, Code 128 and ITF barcodes from PNG, JPEG, GIF, BMP,
WebP and TIFF images, checks what was read, and says what each code is: a
decision number, a Ticketbook vehicle share, handover slip or invite, the
official app's vehicle code, a payment link (with a warning when its host is
not the configured provider's), or plain text. Exit 1 if any file could not be read.`,
			`从 PNG、JPEG、GIF、BMP、WebP、TIFF 图片中识别二维码及 Code 39、Code 128、ITF 条码，
校验识别结果并说明每个码的类型：决定书编号、Ticketbook 车辆分享/交接单/邀请、官方 App 车辆码、
缴款链接（链接域名不是已设置服务商时给出警告）或普通文字。任一文件无法读取时退出码为 1。`),
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageError{errors.New(e.t("give one or more image files or folders", "请提供一个或多个图片文件或文件夹"))}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			files, err := expandImages(args)
			if err != nil {
				return err
			}
			opts := scan.Options{Timeout: timeout, OfficialHosts: e.officialHosts()}
			results := make([]scanned, 0, len(files))
			failed := 0
			for i, f := range files {
				if e.ctx.Err() != nil {
					return e.ctx.Err()
				}
				if len(files) > 1 && !e.jsonOut {
					fmt.Fprintf(e.stderr, "[%d/%d] %s\n", i+1, len(files), f)
				}
				r := scanned{File: f, Codes: []scan.Code{}}
				res, err := scan.DecodeFile(e.ctx, f, opts)
				if err != nil {
					r.Error = field.Localize(err, string(e.lang))
					failed++
				} else if res.Codes != nil {
					r.Codes = res.Codes
				}
				results = append(results, r)
			}
			if e.jsonOut {
				if err := e.printJSON(results); err != nil {
					return err
				}
			} else {
				e.printScans(results)
			}
			if failed > 0 {
				return scanFailed{failed}
			}
			return nil
		},
	}
	cmd.Flags().DurationVar(&timeout, "timeout", 10*time.Second, e.t("give up on one image after this long", "单张图片的最长识别时间"))
	e.addJSON(cmd)
	return cmd
}

// scanFailed makes the exit code 1 after the results are printed.
type scanFailed struct{ n int }

func (s scanFailed) Error() string { return fmt.Sprintf("%d file(s) could not be read", s.n) }

func (e *env) printScans(rs []scanned) {
	for _, r := range rs {
		switch {
		case r.Error != "":
			fmt.Fprintf(e.stdout, "%s: %s\n", r.File, r.Error)
		case len(r.Codes) == 0:
			fmt.Fprintf(e.stdout, "%s: %s\n", r.File, e.t("no code found", "未发现条码或二维码"))
		}
		for _, c := range r.Codes {
			line := fmt.Sprintf("%s: %s %s %s", r.File, c.Format, c.Kind, c.Text)
			if c.Fields["scam_warning"] == "true" {
				line += e.t("  ⚠ possibly fraudulent: not the configured official provider", "  ⚠ 可能是诈骗链接：不是已设置的官方服务商")
			}
			fmt.Fprintln(e.stdout, line)
		}
	}
}

// officialHosts are the payment hosts a link may point to without a warning:
// the configured provider's (none until a provider is set).
func (e *env) officialHosts() []string {
	svc, err := e.tickets()
	if err != nil {
		return nil
	}
	hosts, _ := svc.OfficialHosts(e.ctx)
	return hosts
}
