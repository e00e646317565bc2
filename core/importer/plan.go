package importer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"ticketbook/core"
	"ticketbook/core/field"
	"ticketbook/core/ident"
)

// Options steer a plan.
type Options struct {
	Kind Kind // "" detects it from the headers
	// Map maps a header as written in the file to a field name, or to "-"
	// to ignore the column; it wins over the built-in header names.
	Map map[string]string
	// Location reads times without a zone (default time.Local).
	Location *time.Location
	// Progress, if set, is called as rows are checked and written.
	Progress func(done, total int)
}

type Action string

const (
	Add       Action = "add"
	Update    Action = "update"
	Unchanged Action = "unchanged"
	// Duplicate repeats an earlier row of the same file, value for value.
	Duplicate Action = "duplicate"
)

// Problem is one bad cell (or a bad row) of the file.
type Problem struct {
	Row    int    `json:"row"`
	Column string `json:"column,omitempty"` // the header as written in the file
	Field  string `json:"field,omitempty"`
	Code   string `json:"code,omitempty"`
	En     string `json:"en"`
	Zh     string `json:"zh"`
}

// Message renders "row 7, column 号牌: ..." in lang; without a column (a
// field the file does not have) it names the field instead.
func (p Problem) Message(lang string) string {
	if strings.HasPrefix(strings.ToLower(lang), "zh") {
		switch {
		case p.Column != "":
			return fmt.Sprintf("第 %d 行，“%s”列：%s", p.Row, p.Column, p.Zh)
		case p.Field != "":
			return fmt.Sprintf("第 %d 行，%s：%s", p.Row, field.Label(p.Field, "zh"), p.Zh)
		}
		return fmt.Sprintf("第 %d 行：%s", p.Row, p.Zh)
	}
	switch {
	case p.Column != "":
		return fmt.Sprintf("row %d, column %s: %s", p.Row, p.Column, p.En)
	case p.Field != "":
		return fmt.Sprintf("row %d, %s: %s", p.Row, field.Label(p.Field, "en"), p.En)
	}
	return fmt.Sprintf("row %d: %s", p.Row, p.En)
}

// RowPlan is what one data row will do, or why it cannot.
type RowPlan struct {
	Row      int       `json:"row"`
	Action   Action    `json:"action,omitempty"` // empty when the row has problems
	Label    string    `json:"label,omitempty"`  // plate, name or ticket, for a person to read
	ID       int64     `json:"id,omitempty"`     // the stored record an update or unchanged row matched
	Changes  []string  `json:"changes,omitempty"`
	SameAs   int       `json:"same_as,omitempty"` // the earlier row a duplicate repeats
	Problems []Problem `json:"problems,omitempty"`
	Warnings []Problem `json:"warnings,omitempty"`

	vehicle   *core.Vehicle
	person    *core.Person
	violation *core.Violation
	stored    *core.Violation
}

type Counts struct {
	Add       int `json:"add"`
	Update    int `json:"update"`
	Unchanged int `json:"unchanged"`
	Duplicate int `json:"duplicate"`
	// Problem counts rows with problems, not problems.
	Problem int `json:"problem"`
}

// Plan is the dry run of an import: nothing is written until Commit.
type Plan struct {
	Kind      Kind      `json:"kind"`
	Sheet     string    `json:"sheet,omitempty"`
	Encoding  string    `json:"encoding,omitempty"`
	HeaderRow int       `json:"header_row"`
	Columns   []Column  `json:"columns"`
	Ignored   []string  `json:"ignored,omitempty"` // headers no field matched
	Rows      []RowPlan `json:"rows"`
	Counts    Counts    `json:"counts"`

	table *Table
	opts  Options
}

// OK reports whether the plan can be committed.
func (p *Plan) OK() bool { return p != nil && p.Counts.Problem == 0 }

// Problems lists every problem of every row, in row order.
func (p *Plan) Problems() []Problem {
	var out []Problem
	for _, r := range p.Rows {
		out = append(out, r.Problems...)
	}
	return out
}

// ErrHasProblems refuses to commit a plan with bad rows.
var ErrHasProblems = errors.New("import has problems")

func problemsError(p *Plan) error {
	n := p.Counts.Problem
	return &core.Problem{Kind: ErrHasProblems,
		En: fmt.Sprintf("%d %s of the file %s problems; nothing was imported", n, plural(n, "row", "rows"), plural(n, "has", "have")),
		Zh: fmt.Sprintf("文件中有 %d 行存在问题，未导入任何数据", n)}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// MakePlan checks every row of t against the data in r and says what each
// would do. Vehicles match on (plate type, plate); people on ID number, else
// exact name; violations on decision number, else record number, else
// (vehicle, time to the minute, offence code); so importing a file again
// adds nothing. A filled cell overwrites the stored value; an empty cell
// keeps it.
func MakePlan(ctx context.Context, r core.Repos, t *Table, opts Options) (*Plan, error) {
	if opts.Location == nil {
		opts.Location = time.Local
	}
	explicit := map[string]string{}
	for k, v := range opts.Map {
		explicit[headerKey(k)] = v
	}
	headerIdx, kind, err := detect(t, opts.Kind, explicit)
	if err != nil {
		return nil, err
	}
	header := t.Rows[headerIdx]
	cols, err := mapColumns(kind, header.Cells, opts.Map)
	if err != nil {
		return nil, err
	}
	opts.Kind = kind
	plan := &Plan{Kind: kind, Sheet: t.Sheet, Encoding: t.Encoding, HeaderRow: header.Num, Columns: cols, table: t, opts: opts}
	p := &planner{ctx: ctx, r: r, t: t, kind: kind, loc: opts.Location,
		col: map[string]int{}, header: map[string]string{},
		plates: map[string][]core.Vehicle{}, vehicles: map[[2]string]resolved{}, drivers: map[string]resolved{},
		seen: map[string]seenRow{}}
	for _, c := range cols {
		if c.Field == "" {
			if c.Header != "" {
				plan.Ignored = append(plan.Ignored, c.Header)
			}
			continue
		}
		p.col[c.Field], p.header[c.Field] = c.Index, c.Header
	}
	if err := requireColumns(kind, p.col, header.Cells); err != nil {
		return nil, err
	}
	data := t.Rows[headerIdx+1:]
	for i, row := range data {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		var rp RowPlan
		switch kind {
		case Vehicles:
			rp, err = p.vehicleRow(row)
		case People:
			rp, err = p.personRow(row)
		default:
			rp, err = p.violationRow(row)
		}
		if err != nil {
			return nil, err
		}
		switch {
		case len(rp.Problems) > 0:
			plan.Counts.Problem++
		case rp.Action == Add:
			plan.Counts.Add++
		case rp.Action == Update:
			plan.Counts.Update++
		case rp.Action == Unchanged:
			plan.Counts.Unchanged++
		case rp.Action == Duplicate:
			plan.Counts.Duplicate++
		}
		plan.Rows = append(plan.Rows, rp)
		if opts.Progress != nil && (i%500 == 499 || i == len(data)-1) {
			opts.Progress(i+1, len(data))
		}
	}
	return plan, nil
}

func requireColumns(kind Kind, col map[string]int, header []string) error {
	var need [][]string
	switch kind {
	case Vehicles:
		need = [][]string{{"plate"}}
	case People:
		need = [][]string{{"name", "id_number"}}
	default:
		need = [][]string{{"plate", "decision_number", "record_number"}}
	}
	for _, anyOf := range need {
		found := false
		for _, f := range anyOf {
			if _, ok := col[f]; ok {
				found = true
			}
		}
		if !found {
			var en, zh []string
			for _, f := range anyOf {
				en, zh = append(en, field.Label(f, "en")), append(zh, field.Label(f, "zh"))
			}
			return badFile(
				fmt.Sprintf("a file of %s needs a %s column; its columns are: %s (name them, or use --map)", kind, strings.Join(en, " or "), strings.Join(nonEmpty(header), ", ")),
				fmt.Sprintf("%s文件需要“%s”列；现有列：%s（请修改列名或使用 --map）", kindZh(kind), strings.Join(zh, "”或“"), strings.Join(nonEmpty(header), "、")))
		}
	}
	return nil
}

type resolved struct {
	id  int64
	err error
}

type seenRow struct {
	row int
	fp  string
}

type planner struct {
	ctx    context.Context
	r      core.Repos
	t      *Table
	kind   Kind
	loc    *time.Location
	col    map[string]int
	header map[string]string

	plates   map[string][]core.Vehicle
	vehicles map[[2]string]resolved
	drivers  map[string]resolved
	vio      *violationIndex
	// seen holds the keys of earlier rows of the file.
	seen map[string]seenRow
}

func (p *planner) get(row Row, f string) string {
	i, ok := p.col[f]
	if !ok || i >= len(row.Cells) {
		return ""
	}
	return row.Cells[i]
}

// problems turns the domain's errors into problems of this row. Errors
// that are not about the input (the disk, the database) come back as err.
func (p *planner) problems(row int, errs field.Errors, other []error) ([]Problem, error) {
	var out []Problem
	seen := map[string]bool{}
	add := func(f, code, en, zh string) {
		// One problem per field: a cell that failed to parse is also
		// "required" to Normalize, which says nothing new.
		key := f
		if f == "vehicle" {
			key = "plate"
		}
		if seen[key] {
			return
		}
		seen[key] = true
		col := p.header[f]
		if f == "vehicle" {
			col = p.header["plate"]
		}
		out = append(out, Problem{Row: row, Column: col, Field: f, Code: code, En: en, Zh: zh})
	}
	for _, e := range errs {
		add(e.Field, e.Code, e.En, e.Zh)
	}
	for _, err := range other {
		var fe *field.Error
		var pr *core.Problem
		switch {
		case errors.As(err, &fe):
			add(fe.Field, fe.Code, fe.En, fe.Zh)
		case errors.As(err, &pr):
			add(pr.Field, "", pr.En, pr.Zh)
		default:
			return nil, err
		}
	}
	return out, nil
}

// fingerprint is a record's values without its identity, to tell a
// repeated row from a conflicting one.
func fingerprint(v any) string {
	b, _ := json.Marshal(v)
	var m map[string]any
	json.Unmarshal(b, &m)
	for _, k := range []string{"id", "created_at", "updated_at"} {
		delete(m, k)
	}
	b, _ = json.Marshal(m)
	return string(b)
}

// diff names the JSON fields that differ between the stored and the new record.
func diff(old, cur any) []string {
	var a, b map[string]any
	ja, _ := json.Marshal(old)
	jb, _ := json.Marshal(cur)
	json.Unmarshal(ja, &a)
	json.Unmarshal(jb, &b)
	var out []string
	for k, v := range b {
		if k == "id" || k == "created_at" || k == "updated_at" {
			continue
		}
		if fmt.Sprint(a[k]) != fmt.Sprint(v) {
			out = append(out, k)
		}
	}
	for k := range a {
		if _, ok := b[k]; !ok {
			out = append(out, k)
		}
	}
	sortStrings(out)
	return out
}

func sortStrings(xs []string) {
	for i := 1; i < len(xs); i++ {
		for j := i; j > 0 && xs[j] < xs[j-1]; j-- {
			xs[j], xs[j-1] = xs[j-1], xs[j]
		}
	}
}

// dedupe checks the row's keys against earlier rows: the same values again
// is a harmless duplicate, different values for the same record a problem.
// rowKey is one key a row is known by and the column it comes from.
type rowKey struct{ key, field string }

func (p *planner) dedupe(rp *RowPlan, fp string, keys ...rowKey) bool {
	for _, rk := range keys {
		k, keyField := rk.key, rk.field
		if k == "" {
			continue
		}
		if prev, ok := p.seen[k]; ok {
			if prev.fp == fp {
				rp.Action, rp.SameAs = Duplicate, prev.row
			} else {
				rp.Problems = append(rp.Problems, Problem{Row: rp.Row, Column: p.header[keyField], Field: keyField, Code: "duplicate_row",
					En: fmt.Sprintf("is the same record as row %d but with other values; keep one of the two rows", prev.row),
					Zh: fmt.Sprintf("与第 %d 行是同一条记录但内容不同，请保留其中一行", prev.row)})
			}
			return true
		}
	}
	for _, k := range keys {
		if k.key != "" {
			p.seen[k.key] = seenRow{rp.Row, fp}
		}
	}
	return false
}

func (p *planner) findPlate(plate string) ([]core.Vehicle, error) {
	if vs, ok := p.plates[plate]; ok {
		return vs, nil
	}
	vs, err := p.r.Vehicles().FindByPlate(p.ctx, plate)
	if err == nil {
		p.plates[plate] = vs
	}
	return vs, err
}

// Vehicles.

var ownerKindAliases = map[string]core.OwnerKind{
	"公司": core.OwnerCompany, "企业": core.OwnerCompany, "单位车": core.OwnerCompany, "机关": core.OwnerCompany,
	"个人": core.OwnerOwn, "自有": core.OwnerOwn, "私人": core.OwnerOwn,
	"亲属": core.OwnerFamily, "朋友": core.OwnerFamily, "家人": core.OwnerFamily,
}

// useAliases are the 使用性质 wordings of registration certificates.
var useAliases = map[string]core.VehicleUse{
	"营转非": core.UsePrivate, "营运": core.UseTransport, "客运": core.UseTransport, "公路客运": core.UseTransport,
	"出租客运": core.UseTransport, "旅游客运": core.UseTransport, "公交客运": core.UseTransport, "货运": core.UseTransport,
	"危化品运输": core.UseHazardous, "危险品运输": core.UseHazardous, "危险货物运输": core.UseHazardous,
	"校车": core.UseSchoolBus, "幼儿校车": core.UseSchoolBus, "小学生校车": core.UseSchoolBus, "中小学生校车": core.UseSchoolBus,
}

func (p *planner) applyVehicle(row Row, v *core.Vehicle) {
	set := func(f string, dst *string) {
		if s := p.get(row, f); s != "" {
			*dst = s
		}
	}
	set("plate", &v.Plate)
	if s := p.get(row, "plate_type"); s != "" {
		v.PlateType = ident.PlateType(s)
	}
	set("vin", &v.VIN)
	set("engine", &v.Engine)
	set("owner", &v.OwnerName)
	if s := p.get(row, "owner_kind"); s != "" {
		v.OwnerKind = core.OwnerKind(s)
		if k, ok := ownerKindAliases[s]; ok {
			v.OwnerKind = k
		} else if k, err := core.ParseOwnerKind(s); err == nil {
			v.OwnerKind = k // now, because the use below depends on it
		}
	}
	if s := p.get(row, "use"); s != "" {
		v.Use = core.VehicleUse(s)
		if u, ok := useAliases[s]; ok {
			v.Use = u
		} else if s == "非营运" {
			// The certificate says only 非营运; whose car it is decides
			// which of the two the rules mean.
			v.Use = core.UsePrivate
			if v.OwnerKind == core.OwnerCompany {
				v.Use = core.UseNonOperating
			}
		}
	}
	set("nickname", &v.Nickname)
	set("notes", &v.Notes)
}

func (p *planner) vehicleRow(row Row) (RowPlan, error) {
	rp := RowPlan{Row: row.Num}
	var other []error
	var stored *core.Vehicle
	if plate, err := ident.ParsePlate(p.get(row, "plate")); err == nil {
		var want ident.PlateType
		typeErr := error(nil)
		if s := p.get(row, "plate_type"); s != "" {
			want, typeErr = ident.ParsePlateType(s)
		}
		if typeErr == nil {
			found, err := p.findPlate(plate.Text)
			if err != nil {
				return rp, err
			}
			var match []core.Vehicle
			for _, v := range found {
				if want != "" && v.PlateType == want {
					match = append(match, v)
				}
			}
			// Without a type, a plate recorded once is that vehicle: the
			// default type guessed from the plate may differ from the one
			// the user chose.
			if want == "" {
				match = found
			}
			switch len(match) {
			case 0:
			case 1:
				stored = &match[0]
			default:
				other = append(other, field.New("plate_type", "plate_type_ambiguous",
					fmt.Sprintf("plate %s is recorded with several plate types; fill in the plate type", plate.Text),
					fmt.Sprintf("号牌 %s 有多种号牌种类，请填写号牌种类", plate.Text)))
			}
		}
	}
	var v core.Vehicle
	if stored != nil {
		v = *stored
	}
	p.applyVehicle(row, &v)
	var errs field.Errors
	errs.Add("plate", v.Normalize())
	probs, err := p.problems(row.Num, errs, other)
	if err != nil || len(probs) > 0 {
		rp.Problems = probs
		return rp, err
	}
	rp.Label = v.Plate
	rp.vehicle = &v
	if p.dedupe(&rp, fingerprint(v), rowKey{"vehicle:" + string(v.PlateType) + "|" + v.Plate, "plate"}) {
		return rp, nil
	}
	p.plan(&rp, stored != nil, func() (int64, []string) { return stored.ID, diff(*stored, v) })
	return rp, nil
}

func (p *planner) plan(rp *RowPlan, matched bool, compare func() (int64, []string)) {
	if !matched {
		rp.Action = Add
		return
	}
	rp.ID, rp.Changes = compare()
	rp.Action = Unchanged
	if len(rp.Changes) > 0 {
		rp.Action = Update
	}
}

// People.

var roleAliases = map[string]core.Role{
	"司机": core.RoleEmployee, "驾驶员": core.RoleEmployee, "职工": core.RoleEmployee, "雇员": core.RoleEmployee,
	"老板": core.RoleOwner, "本人": core.RoleOwner, "家属": core.RoleFamily, "家人": core.RoleFamily, "朋友": core.RoleFamily,
}

func (p *planner) applyPerson(row Row, ps *core.Person, errs *field.Errors) {
	set := func(f string, dst *string) {
		if s := p.get(row, f); s != "" {
			*dst = s
		}
	}
	set("name", &ps.Name)
	set("id_number", &ps.IDNumber)
	set("licence_file", &ps.LicenceFile)
	set("licence_class", &ps.LicenceClass)
	if s := p.get(row, "first_issued"); s != "" {
		ps.FirstIssued = p.date("first_issued", s, errs)
	}
	if s := p.get(row, "valid_until"); s != "" {
		// 长期 (no expiry) is how licences for life are written.
		if s == "长期" || strings.EqualFold(s, "permanent") {
			ps.ValidUntil = core.Date{}
		} else {
			ps.ValidUntil = p.date("valid_until", s, errs)
		}
	}
	set("phone", &ps.Phone)
	if s := p.get(row, "role"); s != "" {
		ps.Role = core.Role(s)
		if r, ok := roleAliases[s]; ok {
			ps.Role = r
		}
	}
	set("notes", &ps.Notes)
}

func (p *planner) personRow(row Row) (RowPlan, error) {
	rp := RowPlan{Row: row.Num}
	var other []error
	var stored *core.Person
	name := strings.TrimSpace(p.get(row, "name"))
	pick := func(found []core.Person, keep func(core.Person) bool) []core.Person {
		var out []core.Person
		for _, x := range found {
			if keep(x) {
				out = append(out, x)
			}
		}
		return out
	}
	ambiguous := func(n int) error {
		return field.New("name", "name_ambiguous",
			fmt.Sprintf("%d people are named %s; fill in the ID number to say which", n, name),
			fmt.Sprintf("有 %d 人名为 %s，请填写身份证号码以区分", n, name))
	}
	if s := p.get(row, "id_number"); s != "" {
		if n, err := ident.ParseIDNumber(s); err == nil {
			found, err := p.r.People().FindByRef(p.ctx, string(n))
			if err != nil {
				return rp, err
			}
			if m := pick(found, func(x core.Person) bool { return x.IDNumber == string(n) }); len(m) > 0 {
				stored = &m[0]
			} else if name != "" {
				// Someone recorded by name only, now given their ID number.
				found, err := p.r.People().FindByRef(p.ctx, name)
				if err != nil {
					return rp, err
				}
				m := pick(found, func(x core.Person) bool { return x.Name == name && x.IDNumber == "" })
				switch {
				case len(m) == 1:
					stored = &m[0]
				case len(m) > 1:
					other = append(other, ambiguous(len(m)))
				}
			}
		}
	} else if name != "" {
		found, err := p.r.People().FindByRef(p.ctx, name)
		if err != nil {
			return rp, err
		}
		m := pick(found, func(x core.Person) bool { return x.Name == name })
		switch {
		case len(m) == 1:
			stored = &m[0]
		case len(m) > 1:
			other = append(other, ambiguous(len(m)))
		}
	}
	var ps core.Person
	if stored != nil {
		ps = *stored
	}
	var errs field.Errors
	p.applyPerson(row, &ps, &errs)
	errs.Add("name", ps.Normalize())
	probs, err := p.problems(row.Num, errs, other)
	if err != nil || len(probs) > 0 {
		rp.Problems = probs
		return rp, err
	}
	rp.Label = ps.Name
	rp.person = &ps
	key := rowKey{"person-name:" + ps.Name, "name"}
	if ps.IDNumber != "" {
		key = rowKey{"person-id:" + ps.IDNumber, "id_number"}
	}
	if p.dedupe(&rp, fingerprint(ps), key) {
		return rp, nil
	}
	p.plan(&rp, stored != nil, func() (int64, []string) { return stored.ID, diff(*stored, ps) })
	return rp, nil
}

// Violations.

// violationIndex holds the stored violations by each key they can be
// matched on; loaded once, because the repository has no exact lookup by
// decision or record number and a query per row would scan the table.
type violationIndex struct {
	all        []core.Violation
	byDecision map[string]int
	byRecord   map[string]int
	byTriple   map[string][]int
}

func tripleKey(vehicleID int64, at time.Time, code string) string {
	if vehicleID == 0 || at.IsZero() || code == "" {
		return ""
	}
	// To the minute: a sheet rarely has the seconds the provider sent.
	return fmt.Sprintf("%d|%s|%s", vehicleID, at.UTC().Truncate(time.Minute).Format(time.RFC3339), code)
}

func (p *planner) index() (*violationIndex, error) {
	if p.vio != nil {
		return p.vio, nil
	}
	all, err := p.r.Violations().List(p.ctx, core.ViolationFilter{})
	if err != nil {
		return nil, err
	}
	ix := &violationIndex{all: all, byDecision: map[string]int{}, byRecord: map[string]int{}, byTriple: map[string][]int{}}
	for i, v := range all {
		if v.DecisionNumber != "" {
			ix.byDecision[v.DecisionNumber] = i
		}
		if v.RecordNumber != "" {
			ix.byRecord[v.RecordNumber] = i
		}
		if k := tripleKey(v.VehicleID, v.OccurredAt, v.Code); k != "" {
			ix.byTriple[k] = append(ix.byTriple[k], i)
		}
	}
	p.vio = ix
	return ix, nil
}

// match finds the stored violation a row means. A weaker key never matches
// a record whose stronger number differs: that is another ticket.
func (ix *violationIndex) match(dec, rec, triple string) (*core.Violation, error) {
	if dec != "" {
		if i, ok := ix.byDecision[dec]; ok {
			return &ix.all[i], nil
		}
	}
	if rec != "" {
		if i, ok := ix.byRecord[rec]; ok {
			s := &ix.all[i]
			if dec != "" && s.DecisionNumber != "" {
				return nil, field.New("record_number", "record_taken",
					fmt.Sprintf("%s is the record number of violation #%d, which has decision number %s", rec, s.ID, s.DecisionNumber),
					fmt.Sprintf("%s 是违法记录 #%d 的违法编号，该记录的决定书编号为 %s", rec, s.ID, s.DecisionNumber))
			}
			return s, nil
		}
	}
	if triple != "" {
		for _, i := range ix.byTriple[triple] {
			s := &ix.all[i]
			if (dec == "" || s.DecisionNumber == "") && (rec == "" || s.RecordNumber == "") {
				return s, nil
			}
		}
	}
	return nil, nil
}

func (p *planner) resolveVehicle(plate, plateType string) (int64, error) {
	k := [2]string{plate, plateType}
	if r, ok := p.vehicles[k]; ok {
		return r.id, r.err
	}
	v, err := core.ResolveVehicle(p.ctx, p.r, plate, plateType)
	p.vehicles[k] = resolved{v.ID, err}
	return v.ID, err
}

func (p *planner) resolveDriver(ref string) (int64, error) {
	if r, ok := p.drivers[ref]; ok {
		return r.id, r.err
	}
	ps, err := core.ResolvePerson(p.ctx, p.r, "driver", ref)
	p.drivers[ref] = resolved{ps.ID, err}
	return ps.ID, err
}

// userErr keeps the user's mistakes and lets failures through.
func userErr(err error) bool {
	var fe *field.Error
	var pr *core.Problem
	return errors.As(err, &fe) || errors.As(err, &pr)
}

func (p *planner) violationRow(row Row) (RowPlan, error) {
	rp := RowPlan{Row: row.Num}
	var other []error
	var errs field.Errors

	var vehicleID int64
	if s := p.get(row, "plate"); s != "" {
		id, err := p.resolveVehicle(s, p.get(row, "plate_type"))
		if err != nil && !userErr(err) {
			return rp, err
		}
		if err != nil {
			other = append(other, err)
		}
		vehicleID = id
	}
	var driverID *int64
	if s := p.get(row, "driver"); s != "" {
		id, err := p.resolveDriver(s)
		if err != nil && !userErr(err) {
			return rp, err
		}
		if err != nil {
			other = append(other, err)
		} else {
			driverID = &id
		}
	}
	var dec, rec string
	if s := p.get(row, "decision_number"); s != "" {
		if d, err := ident.ParseDecisionNumber(s); err == nil {
			dec = d.String()
		}
	}
	if s := p.get(row, "record_number"); s != "" {
		rec, _ = ident.ParseRecordNumber(s)
	}
	var occurred time.Time
	if s := p.get(row, "occurred"); s != "" {
		occurred = p.time("occurred", s, &errs)
	}
	triple := tripleKey(vehicleID, occurred, ident.Normalize(p.get(row, "code")))

	ix, err := p.index()
	if err != nil {
		return rp, err
	}
	stored, err := ix.match(dec, rec, triple)
	if err != nil {
		other = append(other, err)
	}
	var v core.Violation
	if stored != nil {
		v = *stored
	}
	if vehicleID != 0 {
		v.VehicleID = vehicleID
	}
	if driverID != nil {
		v.DriverID, v.DriverManual = driverID, true
	}
	if !occurred.IsZero() {
		v.OccurredAt = occurred
	}
	p.applyViolation(row, &v, &errs)
	errs.Add("place", v.Normalize())
	probs, err := p.problems(row.Num, errs, other)
	if err != nil || len(probs) > 0 {
		rp.Problems = probs
		return rp, err
	}
	for _, w := range v.Warnings() {
		rp.Warnings = append(rp.Warnings, Problem{Row: row.Num, Column: p.header[w.Field], Field: w.Field, Code: w.Code, En: w.En, Zh: w.Zh})
	}
	rp.Label = p.violationLabel(row, v)
	rp.violation = &v
	rp.stored = stored
	if p.dedupe(&rp, fingerprint(v),
		rowKey{prefixed("decision:", v.DecisionNumber), "decision_number"},
		rowKey{prefixed("record:", v.RecordNumber), "record_number"},
		rowKey{prefixed("triple:", tripleKey(v.VehicleID, v.OccurredAt, v.Code)), "occurred"}) {
		return rp, nil
	}
	p.plan(&rp, stored != nil, func() (int64, []string) {
		var names []string
		for _, c := range core.ViolationChanges(*stored, v, time.Time{}) {
			names = append(names, c.Field)
		}
		return stored.ID, names
	})
	return rp, nil
}

func prefixed(prefix, key string) string {
	if key == "" {
		return ""
	}
	return prefix + key
}

func (p *planner) violationLabel(row Row, v core.Violation) string {
	plate := p.get(row, "plate")
	if pl, err := ident.ParsePlate(plate); err == nil {
		plate = pl.Text
	}
	parts := []string{plate, v.OccurredAt.In(p.loc).Format("2006-01-02 15:04"), v.Code}
	if v.DecisionNumber != "" {
		parts = append(parts, v.DecisionNumber)
	}
	return strings.TrimSpace(strings.Join(parts, " "))
}

func (p *planner) applyViolation(row Row, v *core.Violation, errs *field.Errors) {
	set := func(f string, dst *string) {
		if s := p.get(row, f); s != "" {
			*dst = s
		}
	}
	set("place", &v.Place)
	set("code", &v.Code)
	set("description", &v.Description)
	if s := p.get(row, "fine"); s != "" {
		fen, err := core.ParseYuan("fine", cleanNumber(s))
		errs.Add("fine", err)
		v.FineFen = fen
	}
	if s := p.get(row, "points"); s != "" {
		s = strings.TrimSuffix(cleanNumber(strings.TrimSuffix(s, "分")), "分")
		n, err := strconv.Atoi(strings.TrimSpace(toHalfWidth(s)))
		if err != nil || n < 0 || n > 12 {
			errs.Add("points", field.New("points", "number_range", "must be a whole number from 0 to 12", "应为 0 到 12 之间的整数"))
		}
		v.Points = n
	}
	set("decision_number", &v.DecisionNumber)
	set("record_number", &v.RecordNumber)
	if s := p.get(row, "source"); s != "" {
		v.Source = core.Source(s)
	}
	if s := p.get(row, "status"); s != "" {
		v.Status = core.ViolationStatus(s)
	}
	if s := p.get(row, "decided"); s != "" {
		v.DecidedOn = p.date("decided", s, errs)
	}
	if s := p.get(row, "received"); s != "" {
		v.ReceivedOn = p.date("received", s, errs)
	}
	if s := p.get(row, "notified"); s != "" {
		v.NotifiedOn = p.date("notified", s, errs)
	}
	set("notes", &v.Notes)
}

// cleanNumber undoes a spreadsheet's float noise (150.49999999999997) and
// trailing ".0" so money and points read as typed.
func cleanNumber(s string) string {
	if !strings.ContainsAny(s, ".eE") {
		return s
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return s
	}
	r := math.Round(f*100) / 100
	if math.Abs(f-r) > 1e-6 {
		return s
	}
	return strconv.FormatFloat(r, 'f', -1, 64)
}

var zhDateReplacer = strings.NewReplacer("年", "-", "月", "-", "日", "", "时", ":", "分", "", "秒", "")

func (p *planner) date(name, s string, errs *field.Errors) core.Date {
	if y, m, d, _, _, _, ok := p.t.excelSerial(s); ok {
		return core.Date{Year: y, Month: time.Month(m), Day: d}
	}
	d, err := core.ParseDate(name, s)
	errs.Add(name, err)
	return d
}

func (p *planner) time(name, s string, errs *field.Errors) time.Time {
	if y, mo, d, h, mi, sec, ok := p.t.excelSerial(s); ok {
		return time.Date(y, time.Month(mo), d, h, mi, sec, 0, p.loc).UTC()
	}
	in := strings.TrimSpace(zhDateReplacer.Replace(s))
	t, err := core.ParseLocalTime(name, in, p.loc)
	if err != nil {
		// The message quotes what the user wrote, not our rewrite of it.
		_, err = core.ParseLocalTime(name, s, p.loc)
	}
	errs.Add(name, err)
	return t
}

// Result is what Commit wrote.
type Result struct {
	Kind      Kind `json:"kind"`
	Added     int  `json:"added"`
	Updated   int  `json:"updated"`
	Unchanged int  `json:"unchanged"`
	Duplicate int  `json:"duplicate"`
}

// Commit writes a plan in one transaction: every row lands or none does.
// It plans again inside the transaction, against the data as it is now, so
// a change made since the dry run (in the window, by a sync) is never
// overwritten blindly; a plan with problems, then or now, is refused.
func Commit(ctx context.Context, store core.Store, plan *Plan) (Result, error) {
	if plan == nil || plan.table == nil {
		return Result{}, errors.New("importer: Commit needs a plan from MakePlan")
	}
	if !plan.OK() {
		return Result{}, problemsError(plan)
	}
	var res Result
	err := store.InTx(ctx, func(r core.Repos) error {
		opts := plan.opts
		progress := opts.Progress
		opts.Progress = nil
		p, err := MakePlan(ctx, r, plan.table, opts)
		if err != nil {
			return err
		}
		if !p.OK() {
			return problemsError(p)
		}
		res = Result{Kind: p.Kind}
		now := time.Now().UTC()
		for i, row := range p.Rows {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := write(ctx, r, row, now); err != nil {
				return fmt.Errorf("row %d: %w", row.Row, err)
			}
			switch row.Action {
			case Add:
				res.Added++
			case Update:
				res.Updated++
			case Unchanged:
				res.Unchanged++
			case Duplicate:
				res.Duplicate++
			}
			if progress != nil && (i%500 == 499 || i == len(p.Rows)-1) {
				progress(i+1, len(p.Rows))
			}
		}
		return nil
	})
	if err != nil {
		return Result{}, err
	}
	return res, nil
}

func write(ctx context.Context, r core.Repos, row RowPlan, now time.Time) error {
	if row.Action != Add && row.Action != Update {
		return nil
	}
	add := row.Action == Add
	switch {
	case row.vehicle != nil:
		if add {
			return r.Vehicles().Insert(ctx, row.vehicle)
		}
		return r.Vehicles().Update(ctx, row.vehicle)
	case row.person != nil:
		if add {
			return r.People().Insert(ctx, row.person)
		}
		return r.People().Update(ctx, row.person)
	case row.violation != nil:
		v := row.violation
		// History like a violation entered by hand, so the detail screen
		// shows where the record came from.
		if add {
			if err := r.Violations().Insert(ctx, v); err != nil {
				return err
			}
			return r.Changes().Add(ctx, &core.Change{Entity: "violation", EntityID: v.ID, At: now, Field: "created", New: string(v.Status)})
		}
		if err := r.Violations().Update(ctx, v); err != nil {
			return err
		}
		for _, c := range core.ViolationChanges(*row.stored, *v, now) {
			if err := r.Changes().Add(ctx, &c); err != nil {
				return err
			}
		}
	}
	return nil
}
