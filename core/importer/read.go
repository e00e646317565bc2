// Package importer reads the spreadsheets a fleet already keeps (CSV in
// whatever encoding Excel wrote, XLSX) and turns them into vehicles, people
// and violations: first a dry-run Plan that names every bad cell by row and
// column, then an all-or-nothing Commit.
package importer

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"

	"ticketbook/core"
)

// Limits keep a wrong file (a video, a database dump) from eating the
// machine; a fleet's sheet is far smaller.
const (
	MaxBytes   = 20 << 20
	MaxRows    = 100_000
	MaxColumns = 200
	// maxUnzipped bounds what an XLSX may expand to: a zip bomb stops here.
	maxUnzipped = 256 << 20
)

// ErrBadFile is the kind of every refusal of a file as a whole.
var ErrBadFile = errors.New("file cannot be imported")

func badFile(en, zh string) error { return &core.Problem{Kind: ErrBadFile, En: en, Zh: zh} }

// Table is a sheet as read: every non-blank row, the header row included
// (Plan finds which row the header is).
type Table struct {
	Rows     []Row  `json:"-"`
	Sheet    string `json:"sheet,omitempty"`
	Encoding string `json:"encoding,omitempty"`
	// date1904 is the workbook's date system; Excel for Mac once defaulted to it.
	date1904 bool
}

// Row is one row of cells, trimmed. Num is the row number the user sees in
// Excel (for CSV, the line the record starts on), so messages point at it.
type Row struct {
	Num   int
	Cells []string
}

// ReadOptions choose what to read from a file.
type ReadOptions struct {
	Sheet string // XLSX sheet name; default the first
}

// ReadFile reads a .csv/.txt/.tsv or .xlsx/.xlsm file.
func ReadFile(path string, opts ReadOptions) (*Table, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, core.NotFound("file", fmt.Sprintf("there is no file %s", path), fmt.Sprintf("文件 %s 不存在", path))
		}
		return nil, err
	}
	defer f.Close()
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".xlsx", ".xlsm":
		return ReadXLSX(f, opts.Sheet)
	case ".csv", ".txt", ".tsv", "":
		if opts.Sheet != "" {
			return nil, badFile("--sheet applies only to .xlsx files", "--sheet 仅适用于 .xlsx 文件")
		}
		return ReadCSV(f)
	case ".xls", ".et", ".numbers", ".ods":
		return nil, badFile(
			fmt.Sprintf("%s files cannot be read; save the sheet as .xlsx or .csv and import that", ext),
			fmt.Sprintf("无法读取 %s 文件，请另存为 .xlsx 或 .csv 后再导入", ext))
	default:
		return nil, badFile(
			fmt.Sprintf("%s is not a spreadsheet; import a .xlsx or .csv file", filepath.Base(path)),
			fmt.Sprintf("%s 不是表格文件，请导入 .xlsx 或 .csv 文件", filepath.Base(path)))
	}
}

func readBounded(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxBytes {
		return nil, badFile(
			fmt.Sprintf("the file is larger than %d MB; split it into smaller files", MaxBytes>>20),
			fmt.Sprintf("文件超过 %d MB，请拆分为较小的文件", MaxBytes>>20))
	}
	return data, nil
}

func tooManyRows() error {
	return badFile(
		fmt.Sprintf("the file has more than %d rows; split it into smaller files", MaxRows),
		fmt.Sprintf("文件超过 %d 行，请拆分为较小的文件", MaxRows))
}

// ReadCSV reads comma-, semicolon- or tab-separated text in UTF-8 (with or
// without BOM), UTF-16 with BOM, or GB18030/GBK, which is what Excel on a
// Chinese Windows saves as "CSV".
func ReadCSV(r io.Reader) (*Table, error) {
	data, err := readBounded(r)
	if err != nil {
		return nil, err
	}
	text, enc, err := decodeText(data)
	if err != nil {
		return nil, err
	}
	t := &Table{Encoding: enc}
	cr := csv.NewReader(strings.NewReader(text))
	cr.Comma = sniffDelimiter(text)
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			line := 0
			if errors.As(err, &pe) {
				line = pe.StartLine
			}
			return nil, badFile(fmt.Sprintf("line %d cannot be read as CSV: %v", line, err),
				fmt.Sprintf("第 %d 行不是有效的 CSV：%v", line, err))
		}
		line, _ := cr.FieldPos(0)
		if err := t.add(line, rec); err != nil {
			return nil, err
		}
	}
	return t, nil
}

func (t *Table) add(num int, cells []string) error {
	if len(cells) > MaxColumns {
		return badFile(fmt.Sprintf("row %d has more than %d columns", num, MaxColumns),
			fmt.Sprintf("第 %d 行超过 %d 列", num, MaxColumns))
	}
	blank := true
	for i, c := range cells {
		cells[i] = cleanCell(c)
		if cells[i] != "" {
			blank = false
		}
	}
	if blank {
		return nil
	}
	if len(t.Rows) >= MaxRows+1 { // +1: the header
		return tooManyRows()
	}
	t.Rows = append(t.Rows, Row{Num: num, Cells: cells})
	return nil
}

// cleanCell trims a cell and undoes the tricks people use to stop Excel
// turning an ID number into 1.10105E+17: ="0123", a leading ' or tab.
func cleanCell(s string) string {
	s = strings.TrimSpace(strings.TrimPrefix(s, "\ufeff"))
	if strings.HasPrefix(s, `="`) && strings.HasSuffix(s, `"`) && len(s) >= 3 {
		s = s[2 : len(s)-1]
	}
	s = strings.TrimPrefix(s, "'")
	return strings.TrimSpace(s)
}

func decodeText(data []byte) (string, string, error) {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		data = data[3:]
		if !utf8.Valid(data) {
			return "", "", badFile("the file says it is UTF-8 but is not", "文件标明为 UTF-8 编码，但内容不是")
		}
		return string(data), "UTF-8 BOM", nil
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		// Excel's "Unicode text" export.
		out, err := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder().Bytes(data)
		if err != nil {
			return "", "", badFile("the file cannot be read as UTF-16 text", "无法按 UTF-16 读取该文件")
		}
		return string(out), "UTF-16", nil
	case utf8.Valid(data):
		return string(data), "UTF-8", nil
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return "", "", badFile("the file is not text; import a .xlsx or .csv file", "该文件不是文本，请导入 .xlsx 或 .csv 文件")
	}
	out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(data)
	if err != nil {
		return "", "", badFile("the file is neither UTF-8 nor GBK text", "文件既不是 UTF-8 也不是 GBK 编码的文本")
	}
	return string(out), "GB18030", nil
}

// sniffDelimiter picks the separator most used in the first line: Excel
// writes ';' where ',' is the decimal comma and tabs for "text" exports.
func sniffDelimiter(text string) rune {
	first, _, _ := strings.Cut(text, "\n")
	best, n := ',', strings.Count(first, ",")
	for _, d := range []rune{'\t', ';'} {
		if c := strings.Count(first, string(d)); c > n {
			best, n = d, c
		}
	}
	return best
}

// ReadXLSX reads one sheet of a workbook: the named one, or the first.
func ReadXLSX(r io.Reader, sheet string) (*Table, error) {
	data, err := readBounded(r)
	if err != nil {
		return nil, err
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: maxUnzipped})
	if err != nil {
		return nil, badFile("the file is not a readable .xlsx workbook (is it password-protected or damaged?)",
			"该文件不是可读取的 .xlsx 工作簿（是否加密或已损坏？）")
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, badFile("the workbook has no sheets", "工作簿中没有工作表")
	}
	if sheet == "" {
		sheet = sheets[0]
	} else if !contains(sheets, sheet) {
		return nil, badFile(
			fmt.Sprintf("the workbook has no sheet %q; its sheets are: %s", sheet, strings.Join(sheets, ", ")),
			fmt.Sprintf("工作簿中没有工作表“%s”，现有：%s", sheet, strings.Join(sheets, "、")))
	}
	t := &Table{Sheet: sheet, Encoding: "XLSX"}
	if p, err := f.GetWorkbookProps(); err == nil && p.Date1904 != nil {
		t.date1904 = *p.Date1904
	}
	rows, err := f.Rows(sheet)
	if err != nil {
		return nil, badFile("the sheet cannot be read: "+err.Error(), "无法读取工作表："+err.Error())
	}
	defer rows.Close()
	num := 0
	for rows.Next() {
		num++ // Next yields the gaps between stored rows too, so this is Excel's row number
		// Raw values: formatted ones turn dates into "3/1/26", whose year
		// and day order depend on the workbook's locale.
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, badFile(fmt.Sprintf("row %d cannot be read: %v", num, err), fmt.Sprintf("无法读取第 %d 行：%v", num, err))
		}
		if err := t.add(num, cells); err != nil {
			return nil, err
		}
	}
	if err := rows.Error(); err != nil {
		if errors.Is(err, excelize.ErrMaxRows) {
			return nil, tooManyRows()
		}
		return nil, badFile("the sheet cannot be read: "+err.Error(), "无法读取工作表："+err.Error())
	}
	return t, nil
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// excelSerial reads a cell that holds an Excel date serial (days since
// 1899-12-30, the fraction being the time of day) as a wall-clock time.
func (t *Table) excelSerial(s string) (y, mo, d, h, mi, sec int, ok bool) {
	v, err := strconv.ParseFloat(s, 64)
	// 1 is 1900-01-01, 109574 is 2199-12-31: outside, it is not a date.
	if err != nil || v < 1 || v > 109574 {
		return 0, 0, 0, 0, 0, 0, false
	}
	tm, err := excelize.ExcelDateToTime(v, t.date1904)
	if err != nil {
		return 0, 0, 0, 0, 0, 0, false
	}
	// Serials carry float noise: 08:30 comes back as 08:29:59.9999.
	tm = tm.Round(1e9)
	return tm.Year(), int(tm.Month()), tm.Day(), tm.Hour(), tm.Minute(), tm.Second(), true
}
