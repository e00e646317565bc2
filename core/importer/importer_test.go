package importer_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"ticketbook/core"
	"ticketbook/core/importer"
	"ticketbook/storage/storagetest"
)

var cst = time.FixedZone("CST", 8*3600)

// xlsx writes rows (nil rows are left blank) to a workbook in a temp dir.
// A time.Time cell is stored as Excel stores dates: a serial with a format.
func xlsx(t *testing.T, name string, rows [][]any) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sheet := f.GetSheetName(0)
	dateStyle, err := f.NewStyle(&excelize.Style{NumFmt: 22})
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		for j, v := range r {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			if err := f.SetCellValue(sheet, cell, v); err != nil {
				t.Fatal(err)
			}
			if _, ok := v.(time.Time); ok {
				f.SetCellStyle(sheet, cell, cell, dateStyle)
			}
		}
	}
	p := filepath.Join(t.TempDir(), name)
	if err := f.SaveAs(p); err != nil {
		t.Fatal(err)
	}
	return p
}

func plan(t *testing.T, r core.Repos, path string, opts importer.Options) *importer.Plan {
	t.Helper()
	tab, err := importer.ReadFile(path, importer.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if opts.Location == nil {
		opts.Location = cst
	}
	p, err := importer.MakePlan(t.Context(), r, tab, opts)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func clean(t *testing.T, p *importer.Plan) {
	t.Helper()
	for _, pr := range p.Problems() {
		t.Errorf("unexpected problem: %s", pr.Message("en"))
	}
	if t.Failed() {
		t.FailNow()
	}
}

func companyCars(n int, plateOf func(i int) string) [][]any {
	rows := [][]any{{"顺达物流 公司车辆台账"}, nil, {"序号", "号牌号码", "号牌种类", "所有人", "所有人类型", "使用性质", "昵称", "发动机号"}}
	for i := range n {
		rows = append(rows, []any{i + 1, plateOf(i), "小型汽车", "深圳市顺达物流有限公司", "单位", "非营运", fmt.Sprintf("%d号车", i+1), fmt.Sprintf("EN%06d", i)})
	}
	return rows
}

func TestFifteenCompanyCarsFromXLSXThenReimportAddsNothing(t *testing.T) {
	ctx := t.Context()
	st := storagetest.Open(t)
	path := xlsx(t, "cars.xlsx", companyCars(15, func(i int) string { return fmt.Sprintf("粤B%05d", 30001+i) }))

	p := plan(t, st, path, importer.Options{})
	clean(t, p)
	if p.Kind != importer.Vehicles || p.HeaderRow != 3 {
		t.Errorf("detected %s with header on row %d, want vehicles on row 3", p.Kind, p.HeaderRow)
	}
	if p.Counts.Add != 15 || len(p.Rows) != 15 || p.Rows[0].Row != 4 || p.Rows[0].Action != importer.Add {
		t.Fatalf("plan = %+v", p.Counts)
	}
	if len(p.Ignored) != 1 || p.Ignored[0] != "序号" {
		t.Errorf("ignored columns = %v", p.Ignored)
	}
	// A dry run writes nothing.
	if vs, _ := st.Vehicles().List(ctx, core.VehicleFilter{}); len(vs) != 0 {
		t.Fatalf("dry run wrote %d vehicles", len(vs))
	}
	res, err := importer.Commit(ctx, st, p)
	if err != nil {
		t.Fatal(err)
	}
	if res.Added != 15 {
		t.Errorf("result = %+v", res)
	}
	vs, err := st.Vehicles().List(ctx, core.VehicleFilter{})
	if err != nil || len(vs) != 15 {
		t.Fatalf("%d vehicles stored, %v", len(vs), err)
	}
	found, _ := st.Vehicles().FindByPlate(ctx, "粤B30007")
	if len(found) != 1 || found[0].OwnerKind != core.OwnerCompany || found[0].Use != core.UseNonOperating ||
		found[0].Nickname != "7号车" || found[0].PlateType != "02" || found[0].Engine != "EN000006" {
		t.Errorf("stored = %+v", found)
	}

	p = plan(t, st, path, importer.Options{})
	clean(t, p)
	if p.Counts.Unchanged != 15 || p.Counts.Add != 0 {
		t.Errorf("re-import plan = %+v", p.Counts)
	}
	res, err = importer.Commit(ctx, st, p)
	if err != nil || res.Added != 0 || res.Unchanged != 15 {
		t.Errorf("re-import = %+v, %v", res, err)
	}
	if vs, _ := st.Vehicles().List(ctx, core.VehicleFilter{}); len(vs) != 15 {
		t.Errorf("re-import made %d vehicles", len(vs))
	}
}

func TestOneBadPlateNamesRowAndColumnAndWritesNothing(t *testing.T) {
	ctx := t.Context()
	st := storagetest.Open(t)
	path := xlsx(t, "cars.xlsx", companyCars(5, func(i int) string {
		if i == 3 {
			return "X1234"
		}
		return fmt.Sprintf("粤B%05d", 40001+i)
	}))
	p := plan(t, st, path, importer.Options{})
	if p.OK() || p.Counts.Problem != 1 || p.Counts.Add != 4 {
		t.Fatalf("plan = %+v", p.Counts)
	}
	probs := p.Problems()
	if len(probs) != 1 || probs[0].Row != 7 || probs[0].Column != "号牌号码" || probs[0].Field != "plate" {
		t.Fatalf("problems = %+v", probs)
	}
	if msg := probs[0].Message("en"); !strings.HasPrefix(msg, "row 7, column 号牌号码: ") {
		t.Errorf("message = %q", msg)
	}
	if msg := probs[0].Message("zh"); !strings.HasPrefix(msg, "第 7 行，“号牌号码”列：") {
		t.Errorf("zh message = %q", msg)
	}
	_, err := importer.Commit(ctx, st, p)
	if !errors.Is(err, importer.ErrHasProblems) || !core.IsUserError(err) {
		t.Fatalf("commit of a bad plan: %v", err)
	}
	if vs, _ := st.Vehicles().List(ctx, core.VehicleFilter{}); len(vs) != 0 {
		t.Errorf("a refused import wrote %d vehicles", len(vs))
	}
}

func TestCommitIsAllOrNothingWhenDataChangedSinceTheDryRun(t *testing.T) {
	ctx := t.Context()
	st := storagetest.Open(t)
	path := xlsx(t, "v.xlsx", [][]any{
		{"plate", "nickname"},
		{"粤B50001", "a"},
		{"粤B50002", "b"},
	})
	p := plan(t, st, path, importer.Options{})
	clean(t, p)
	// Someone records one of the cars as a large car meanwhile: the
	// file's plate is now ambiguous, and the commit refuses as a whole.
	v := core.Vehicle{Plate: "粤B50002", PlateType: "01"}
	if err := v.Normalize(); err != nil {
		t.Fatal(err)
	}
	if err := st.Vehicles().Insert(ctx, &v); err != nil {
		t.Fatal(err)
	}
	v2 := core.Vehicle{Plate: "粤B50002"}
	v2.Normalize()
	if err := st.Vehicles().Insert(ctx, &v2); err != nil {
		t.Fatal(err)
	}
	if _, err := importer.Commit(ctx, st, p); !errors.Is(err, importer.ErrHasProblems) {
		t.Fatalf("commit after a conflicting change: %v", err)
	}
	if vs, _ := st.Vehicles().FindByPlate(ctx, "粤B50001"); len(vs) != 0 {
		t.Errorf("half an import landed: %+v", vs)
	}
}

func TestCSVWithBOMAndGBKAreRead(t *testing.T) {
	tab, err := importer.ReadFile("testdata/people_utf8bom.csv", importer.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if tab.Encoding != "UTF-8 BOM" || len(tab.Rows) != 4 || tab.Rows[0].Cells[0] != "姓名" || tab.Rows[1].Cells[0] != "王五" {
		t.Errorf("BOM CSV read as %s: %v", tab.Encoding, tab.Rows)
	}
	tab, err = importer.ReadFile("testdata/vehicles_gbk.csv", importer.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if tab.Encoding != "GB18030" || len(tab.Rows) != 4 || tab.Rows[0].Cells[0] != "号牌号码" || tab.Rows[3].Cells[5] != "充电卡在前台" {
		t.Errorf("GBK CSV read as %s: %v", tab.Encoding, tab.Rows)
	}
	ctx := t.Context()
	st := storagetest.Open(t)
	p, err := importer.MakePlan(ctx, st, tab, importer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	clean(t, p)
	if _, err := importer.Commit(ctx, st, p); err != nil {
		t.Fatal(err)
	}
	found, _ := st.Vehicles().FindByPlate(ctx, "粤BD12345")
	if len(found) != 1 || found[0].PlateType != "52" || found[0].Use != core.UsePrivate || found[0].Notes != "充电卡在前台" {
		t.Errorf("GBK vehicle = %+v", found)
	}

	// Tab-separated UTF-16, Excel's "Unicode text".
	u16 := []byte{0xFF, 0xFE}
	for _, r := range "plate\tnickname\r\n粤B10009\t小白\r\n" {
		u16 = append(u16, byte(r), byte(r>>8))
	}
	tab, err = importer.ReadCSV(bytes.NewReader(u16))
	if err != nil || tab.Encoding != "UTF-16" || len(tab.Rows) != 2 || tab.Rows[1].Cells[1] != "小白" {
		t.Errorf("UTF-16 read = %+v, %v", tab, err)
	}
}

func TestPeopleThenViolationsWithDriverByName(t *testing.T) {
	ctx := t.Context()
	st := storagetest.Open(t)
	p := plan(t, st, "testdata/people_utf8bom.csv", importer.Options{})
	clean(t, p)
	if p.Kind != importer.People || p.Counts.Add != 3 {
		t.Fatalf("people plan = %s %+v", p.Kind, p.Counts)
	}
	if _, err := importer.Commit(ctx, st, p); err != nil {
		t.Fatal(err)
	}
	ps, _ := st.People().FindByRef(ctx, "钱七")
	if len(ps) != 1 || ps[0].FirstIssued.String() != "2008-07-01" || ps[0].LicenceClass != "B2" {
		t.Fatalf("people = %+v", ps)
	}
	// Re-import: people match on ID number, else name.
	p = plan(t, st, "testdata/people_utf8bom.csv", importer.Options{})
	if p.Counts.Unchanged != 3 {
		t.Errorf("people re-import = %+v", p.Counts)
	}

	for _, plate := range []string{"粤B10001", "粤B10002"} {
		v := core.Vehicle{Plate: plate}
		v.Normalize()
		if err := st.Vehicles().Insert(ctx, &v); err != nil {
			t.Fatal(err)
		}
	}
	rows := [][]any{
		{"车牌", "违法时间", "违法地点", "违法代码", "违法行为", "罚款金额（元）", "记分", "决定书编号", "驾驶人"},
		{"粤B10001", time.Date(2026, 3, 1, 8, 30, 0, 0, time.UTC), "深南大道与科苑路交叉口", 1625, "闯红灯", 200, 6, "4403001234567890", "王五"},
		{"粤B10002", "2026年3月2日 09时15分", "滨海大道", "13441", "超速", "150.5", "3", "", "11010519491231002X"},
		{"粤B10002", "2026-03-03 18:00", "北环大道", "1039", "违停", 200, 0, "", ""},
	}
	path := xlsx(t, "tickets.xlsx", rows)
	p = plan(t, st, path, importer.Options{})
	clean(t, p)
	if p.Kind != importer.Violations || p.Counts.Add != 3 {
		t.Fatalf("violations plan = %s %+v", p.Kind, p.Counts)
	}
	res, err := importer.Commit(ctx, st, p)
	if err != nil || res.Added != 3 {
		t.Fatalf("commit = %+v, %v", res, err)
	}
	wang, _ := st.People().FindByRef(ctx, "王五")
	vs, _ := st.Violations().List(ctx, core.ViolationFilter{DriverID: wang[0].ID})
	if len(vs) != 2 {
		t.Fatalf("王五 drove %d, want 2", len(vs))
	}
	first := vs[1]
	if want := time.Date(2026, 3, 1, 0, 30, 0, 0, time.UTC); !first.OccurredAt.Equal(want) || first.FineFen != 20000 ||
		first.Points != 6 || first.Code != "1625" || first.Status != core.StatusDecided || !first.DriverManual {
		t.Errorf("first violation = %+v", first)
	}
	if second := vs[0]; second.FineFen != 15050 || !second.OccurredAt.Equal(time.Date(2026, 3, 2, 1, 15, 0, 0, time.UTC)) {
		t.Errorf("second violation = %+v", second)
	}
	hist, _ := st.Changes().List(ctx, "violation", first.ID)
	if len(hist) != 1 || hist[0].Field != "created" {
		t.Errorf("history = %+v", hist)
	}

	// Same file again: nothing new. A changed fine is one update.
	p = plan(t, st, path, importer.Options{})
	clean(t, p)
	if p.Counts.Unchanged != 3 {
		t.Errorf("re-import plan = %+v", p.Counts)
	}
	rows[3][5] = 100
	p = plan(t, st, xlsx(t, "tickets2.xlsx", rows), importer.Options{})
	clean(t, p)
	if p.Counts.Update != 1 || p.Counts.Unchanged != 2 || p.Rows[2].Action != importer.Update || strings.Join(p.Rows[2].Changes, ",") != "fine" {
		t.Fatalf("changed-fine plan = %+v %+v", p.Counts, p.Rows[2])
	}
	if res, err := importer.Commit(ctx, st, p); err != nil || res.Updated != 1 {
		t.Fatalf("update commit = %+v, %v", res, err)
	}

	// Unknown driver and unknown car are named by row and column.
	bad := [][]any{
		{"车牌", "违法时间", "违法地点", "违法代码", "罚款金额", "记分", "驾驶人"},
		{"粤B10001", "2026-03-05 10:00", "深南大道", "1625", 200, 6, "无名氏"},
		{"粤B99999", "2026-03-05 11:00", "深南大道", "1625", 200, 6, ""},
		{"粤B10001", "2026-03-05 12:00", "深南大道", "16", "二百", 15, ""},
	}
	p = plan(t, st, xlsx(t, "bad.xlsx", bad), importer.Options{})
	got := map[string]bool{}
	for _, pr := range p.Problems() {
		got[fmt.Sprintf("%d/%s", pr.Row, pr.Column)] = true
	}
	for _, want := range []string{"2/驾驶人", "3/车牌", "4/违法代码", "4/罚款金额", "4/记分"} {
		if !got[want] {
			t.Errorf("missing problem %s in %v", want, p.Problems())
		}
	}
}

func TestDuplicateRowsInOneFile(t *testing.T) {
	st := storagetest.Open(t)
	path := xlsx(t, "dup.xlsx", [][]any{
		{"plate", "nickname"},
		{"粤B60001", "a"},
		{"粤 b 60001", "a"},
		{"粤B60001", "b"},
	})
	p := plan(t, st, path, importer.Options{})
	if p.Rows[1].Action != importer.Duplicate || p.Rows[1].SameAs != 2 {
		t.Errorf("identical repeat = %+v", p.Rows[1])
	}
	if len(p.Rows[2].Problems) != 1 || !strings.Contains(p.Rows[2].Problems[0].En, "row 2") {
		t.Errorf("conflicting repeat = %+v", p.Rows[2])
	}
}

func TestExplicitMapAndKind(t *testing.T) {
	st := storagetest.Open(t)
	path := filepath.Join(t.TempDir(), "x.csv")
	os.WriteFile(path, []byte("Kennzeichen;Spitzname;Farbe\n粤B70001;Blitz;rot\n"), 0o600)
	tab, err := importer.ReadFile(path, importer.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = importer.MakePlan(t.Context(), st, tab, importer.Options{})
	if !errors.Is(err, importer.ErrBadFile) || !strings.Contains(err.Error(), "Kennzeichen") {
		t.Errorf("unknown headers: %v", err)
	}
	m, err := importer.ParseMap("kennzeichen=plate, Spitzname=nickname ,Farbe=-")
	if err != nil {
		t.Fatal(err)
	}
	p, err := importer.MakePlan(t.Context(), st, tab, importer.Options{Kind: importer.Vehicles, Map: m})
	if err != nil {
		t.Fatal(err)
	}
	clean(t, p)
	if p.Counts.Add != 1 || p.Rows[0].Label != "粤B70001" {
		t.Errorf("mapped plan = %+v", p.Rows)
	}
	if _, err := importer.MakePlan(t.Context(), st, tab, importer.Options{Map: map[string]string{"Kennzeichen": "wheels"}}); err == nil {
		t.Error("a map to an unknown field was accepted")
	}
	if _, err := importer.ParseMap("plate"); err == nil {
		t.Error("a map without = was accepted")
	}
	if _, err := importer.ParseKind("人员"); err != nil {
		t.Error(err)
	}
}

func TestRefusedFiles(t *testing.T) {
	dir := t.TempDir()
	var big strings.Builder
	big.WriteString("plate\n")
	for i := range importer.MaxRows + 1 {
		fmt.Fprintf(&big, "粤B%05d\n", i%100000)
	}
	for name, data := range map[string]string{
		"old.xls":     "whatever",
		"photo.jpg":   "\xff\xd8\xff",
		"many.csv":    big.String(),
		"broken.xlsx": "PK\x03\x04 not really",
		"binary.csv":  "a,b\n\x00\x01\xff\xfe\x80",
	} {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(data), 0o600)
		if _, err := importer.ReadFile(p, importer.ReadOptions{}); !errors.Is(err, importer.ErrBadFile) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := importer.ReadFile(filepath.Join(dir, "none.csv"), importer.ReadOptions{}); !errors.Is(err, core.ErrNotFound) {
		t.Errorf("missing file: %v", err)
	}
	path := xlsx(t, "s.xlsx", [][]any{{"plate"}})
	if _, err := importer.ReadFile(path, importer.ReadOptions{Sheet: "Nope"}); !errors.Is(err, importer.ErrBadFile) || !strings.Contains(err.Error(), "Sheet1") {
		t.Errorf("unknown sheet: %v", err)
	}
}

func TestEmptyFileIsRefused(t *testing.T) {
	tab, err := importer.ReadCSV(strings.NewReader("\ufeff\r\n,,\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = importer.MakePlan(t.Context(), storagetest.Open(t), tab, importer.Options{})
	if !errors.Is(err, importer.ErrBadFile) || !strings.Contains(err.Error(), "no rows") {
		t.Errorf("empty file: %v", err)
	}
}
