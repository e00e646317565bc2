package importer

import (
	"fmt"
	"sort"
	"strings"

	"ticketbook/core/field"
)

// Kind is what a file holds.
type Kind string

const (
	Vehicles   Kind = "vehicles"
	People     Kind = "people"
	Violations Kind = "violations"
)

// ParseKind accepts the kinds in English or Chinese, singular or plural.
func ParseKind(s string) (Kind, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "vehicles", "vehicle", "cars", "car", "车辆":
		return Vehicles, nil
	case "people", "person", "persons", "drivers", "driver", "人员", "驾驶人":
		return People, nil
	case "violations", "violation", "tickets", "ticket", "违法", "违法记录":
		return Violations, nil
	}
	return "", field.New("kind", "kind_unknown",
		fmt.Sprintf("%q is not one of: vehicles, people, violations", s),
		fmt.Sprintf("“%s”不是可选值之一：vehicles、people、violations", s))
}

// fieldDef is a column a kind understands. name is the field name the
// domain's Normalize reports problems under, so a problem finds its column.
type fieldDef struct {
	name    string
	aliases []string // compared after headerKey
}

var (
	plateDef     = fieldDef{"plate", []string{"plate", "platenumber", "plateno", "licenseplate", "licenceplate", "号牌", "号牌号码", "车牌", "车牌号", "车牌号码", "车号", "hphm"}}
	plateTypeDef = fieldDef{"plate_type", []string{"platetype", "号牌种类", "号牌类型", "车牌种类", "车牌类型", "hpzl"}}
	notesDef     = fieldDef{"notes", []string{"notes", "note", "remarks", "remark", "comment", "comments", "备注", "说明"}}
)

var kindFields = map[Kind][]fieldDef{
	Vehicles: {
		plateDef, plateTypeDef,
		{"vin", []string{"vin", "vinnumber", "chassisnumber", "车辆识别代号", "车辆识别代码", "车架号", "车架号码", "识别代号"}},
		{"engine", []string{"engine", "engineno", "enginenumber", "发动机号", "发动机号码"}},
		{"owner", []string{"owner", "ownername", "所有人", "车主", "车辆所有人", "所有人姓名"}},
		{"owner_kind", []string{"ownerkind", "所有人类型", "车辆归属", "归属"}},
		{"nickname", []string{"nickname", "alias", "昵称", "别名", "简称"}},
		{"use", []string{"use", "usage", "vehicleuse", "使用性质"}},
		notesDef,
	},
	People: {
		{"name", []string{"name", "fullname", "姓名", "名字", "驾驶人姓名"}},
		{"id_number", []string{"idnumber", "idno", "idcard", "idcardnumber", "licencenumber", "licensenumber", "身份证", "身份证号", "身份证号码", "公民身份号码", "证件号码", "驾驶证号", "驾驶证号码"}},
		{"licence_file", []string{"licencefile", "licensefile", "filenumber", "licencefilenumber", "licensefilenumber", "档案编号", "档案号", "驾驶证档案编号"}},
		{"licence_class", []string{"class", "licenceclass", "licenseclass", "准驾车型", "准驾车型代号"}},
		{"first_issued", []string{"firstissued", "issued", "初次领证日期", "初领日期", "初次领证"}},
		{"valid_until", []string{"validuntil", "expires", "expiry", "有效期至", "有效期", "驾驶证有效期", "有效期止"}},
		{"phone", []string{"phone", "mobile", "tel", "telephone", "phonenumber", "电话", "手机", "手机号", "手机号码", "联系电话", "联系方式"}},
		{"role", []string{"role", "身份", "角色", "人员类型"}},
		notesDef,
	},
	Violations: {
		plateDef, plateTypeDef,
		{"occurred", []string{"occurred", "occurredat", "time", "datetime", "when", "violationtime", "违法时间", "违章时间", "发生时间"}},
		{"place", []string{"place", "location", "address", "违法地点", "违章地点", "地点"}},
		{"code", []string{"code", "offencecode", "offensecode", "violationcode", "违法代码", "违章代码", "违法代号"}},
		{"description", []string{"description", "offence", "offense", "behaviour", "behavior", "违法行为", "违章行为", "违法内容", "违法描述"}},
		{"fine", []string{"fine", "fineyuan", "penalty", "罚款金额", "罚款", "罚金", "罚款数额"}},
		{"points", []string{"points", "记分", "扣分", "违法记分数", "记分值"}},
		{"decision_number", []string{"decisionnumber", "decisionno", "decision", "决定书编号", "决定书号", "处罚决定书编号", "jdsbh"}},
		{"record_number", []string{"recordnumber", "recordno", "record", "违法编号", "违法记录编号", "记录编号", "xh"}},
		{"driver", []string{"driver", "drivername", "驾驶人", "驾驶员", "驾驶人姓名", "当事人"}},
		{"source", []string{"source", "来源", "采集方式", "违法来源"}},
		{"status", []string{"status", "state", "状态", "处理状态"}},
		{"decided", []string{"decided", "decidedon", "decisiondate", "决定日期", "处罚日期", "处理时间"}},
		{"received", []string{"received", "receivedon", "送达日期", "签收日期"}},
		{"notified", []string{"notified", "notifiedon", "通知日期", "告知日期"}},
		notesDef,
	},
}

// distinctive fields tell a kind apart when the user gave none: plate and
// notes appear in more than one kind.
var distinctive = map[Kind][]string{
	Violations: {"occurred", "place", "code", "description", "fine", "points", "decision_number", "record_number", "driver", "decided", "received", "notified"},
	Vehicles:   {"plate", "plate_type", "vin", "engine", "owner", "owner_kind", "nickname", "use"},
	People:     {"name", "id_number", "licence_file", "licence_class", "first_issued", "valid_until", "phone", "role"},
}

// headerKey folds the ways a header is written: case, spaces, full-width
// letters, punctuation, a required-field star and a unit in brackets
// ("罚款金额（元）", "Plate No.", "plate_type*").
func headerKey(s string) string {
	s = strings.ToLower(toHalfWidth(cleanCell(s)))
	for _, pair := range [][2]string{{"(", ")"}, {"[", "]"}, {"【", "】"}} {
		if i := strings.Index(s, pair[0]); i > 0 {
			if j := strings.Index(s[i:], pair[1]); j > 0 {
				s = s[:i] + s[i+j+len(pair[1]):]
			}
		}
	}
	return strings.Map(func(r rune) rune {
		switch r {
		case ' ', '_', '-', '.', '*', ':', '/', '#', '：', '\u3000':
			return -1
		}
		return r
	}, s)
}

func toHalfWidth(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == 0x3000:
			return ' '
		case r >= 0xFF01 && r <= 0xFF5E:
			return r - 0xFEE0
		}
		return r
	}, s)
}

// lookupField finds the kind's field for a header, or "".
func lookupField(kind Kind, header string) string {
	k := headerKey(header)
	if k == "" {
		return ""
	}
	for _, d := range kindFields[kind] {
		if k == headerKey(d.name) {
			return d.name
		}
		for _, a := range d.aliases {
			if k == a {
				return d.name
			}
		}
	}
	return ""
}

// fieldNames lists the kind's fields, for messages.
func fieldNames(kind Kind) []string {
	var out []string
	for _, d := range kindFields[kind] {
		out = append(out, d.name)
	}
	return out
}

// ParseMap reads --map "col=field,col2=field2": col is a header as written
// in the file; field is a field name (plate, plate_type, ...), or "-" to
// ignore the column.
func ParseMap(s string) (map[string]string, error) {
	out := map[string]string{}
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		col, f, ok := strings.Cut(part, "=")
		col, f = strings.TrimSpace(col), strings.TrimSpace(f)
		if !ok || col == "" || f == "" {
			return nil, field.New("map", "map_format",
				fmt.Sprintf("%q should be written column=field, e.g. 车牌=plate", part),
				fmt.Sprintf("“%s”应写成 列名=字段，如 车牌=plate", part))
		}
		out[col] = f
	}
	return out, nil
}

// Column is one column of the file and the field it fills ("" = ignored).
type Column struct {
	Index  int    `json:"index"`
	Header string `json:"header"`
	Field  string `json:"field,omitempty"`
}

// mapColumns maps a header row for kind, explicit entries first.
func mapColumns(kind Kind, header []string, explicit map[string]string) ([]Column, error) {
	cols := make([]Column, len(header))
	used := map[string]string{}
	byHeader := map[string]int{}
	for i, h := range header {
		cols[i] = Column{Index: i, Header: h}
		byHeader[headerKey(h)] = i
	}
	keys := make([]string, 0, len(explicit))
	for k := range explicit {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	explicitCol := map[int]bool{}
	for _, h := range keys {
		i, ok := byHeader[headerKey(h)]
		if !ok || headerKey(h) == "" {
			return nil, field.New("map", "map_column",
				fmt.Sprintf("the file has no column %q; its columns are: %s", h, strings.Join(nonEmpty(header), ", ")),
				fmt.Sprintf("文件中没有“%s”列，现有列：%s", h, strings.Join(nonEmpty(header), "、")))
		}
		explicitCol[i] = true
		f := explicit[h]
		if f == "-" {
			continue
		}
		name := lookupField(kind, f)
		if name == "" {
			name = lookupField(kind, strings.ReplaceAll(f, " ", "_"))
		}
		if name == "" {
			return nil, field.New("map", "map_field",
				fmt.Sprintf("%q is not a field of %s; use one of: %s", f, kind, strings.Join(fieldNames(kind), ", ")),
				fmt.Sprintf("“%s”不是%s的字段，可用：%s", f, kindZh(kind), strings.Join(fieldNames(kind), "、")))
		}
		cols[i].Field = name
	}
	for i := range cols {
		if explicitCol[i] {
			continue
		}
		cols[i].Field = lookupField(kind, cols[i].Header)
	}
	// Two columns for one field would make one silently win.
	for i, c := range cols {
		if c.Field == "" {
			continue
		}
		if prev, ok := used[c.Field]; ok {
			return nil, field.New("map", "map_twice",
				fmt.Sprintf("columns %q and %q both fill %s; ignore one with --map \"%s=-\"", prev, c.Header, c.Field, c.Header),
				fmt.Sprintf("“%s”列和“%s”列都对应 %s，请用 --map \"%s=-\" 忽略其一", prev, c.Header, c.Field, c.Header))
		}
		used[c.Field] = cols[i].Header
	}
	return cols, nil
}

func nonEmpty(xs []string) []string {
	var out []string
	for _, x := range xs {
		if x != "" {
			out = append(out, x)
		}
	}
	return out
}

func kindZh(k Kind) string {
	switch k {
	case Vehicles:
		return "车辆"
	case People:
		return "人员"
	}
	return "违法记录"
}

// detect finds the header row (explicit is keyed by headerKey) among the first rows (a title row often sits
// above it) and, when kind is "", the kind: the row and kind whose headers
// name the most distinctive fields win.
func detect(t *Table, kind Kind, explicit map[string]string) (int, Kind, error) {
	if len(t.Rows) == 0 {
		return 0, "", badFile("the file has no rows", "文件中没有任何行")
	}
	kinds := []Kind{Violations, Vehicles, People}
	if kind != "" {
		kinds = []Kind{kind}
	}
	bestRow, bestKind, bestScore := -1, Kind(""), 0
	for ri := 0; ri < len(t.Rows) && ri < 10; ri++ {
		for _, k := range kinds {
			score := 0
			for _, h := range t.Rows[ri].Cells {
				f := lookupField(k, h)
				if mapped, ok := explicit[headerKey(h)]; ok {
					f = lookupField(k, mapped)
				}
				if f != "" && containsStr(distinctive[k], f) {
					score++
				}
			}
			// Violations rarely lack two of their own columns, while a
			// vehicle list may carry a "driver" column.
			if k == Violations && kind == "" && score < 2 {
				score = 0
			}
			if score > bestScore {
				bestRow, bestKind, bestScore = ri, k, score
			}
		}
	}
	if bestRow < 0 {
		var first []string
		if len(t.Rows) > 0 {
			first = nonEmpty(t.Rows[0].Cells)
		}
		if len(first) > 8 {
			first = append(first[:8], "…")
		}
		if kind == "" {
			return 0, "", badFile(
				fmt.Sprintf("cannot tell what the file holds: no known column headers (first row: %s); name the columns, or use --kind and --map", strings.Join(first, ", ")),
				fmt.Sprintf("无法识别文件内容：没有可识别的列名（第一行：%s），请修改列名或使用 --kind 和 --map", strings.Join(first, "、")))
		}
		return 0, "", badFile(
			fmt.Sprintf("no column of the file is a field of %s (first row: %s); name the columns or use --map", kind, strings.Join(first, ", ")),
			fmt.Sprintf("文件中没有%s的列（第一行：%s），请修改列名或使用 --map", kindZh(kind), strings.Join(first, "、")))
	}
	return bestRow, bestKind, nil
}

func containsStr(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}
