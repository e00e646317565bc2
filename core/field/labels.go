package field

// labels names every input field a user can get wrong, in both languages.
// An unknown field falls back to its machine name so nothing renders empty.
var labels = map[string][2]string{
	"plate":               {"plate", "号牌号码"},
	"plate_type":          {"plate type", "号牌种类"},
	"vin":                 {"VIN", "车辆识别代号"},
	"engine":              {"engine number", "发动机号"},
	"owner":               {"owner", "所有人"},
	"owner_kind":          {"owner kind", "所有人类型"},
	"use":                 {"vehicle use", "使用性质"},
	"nickname":            {"nickname", "昵称"},
	"notes":               {"notes", "备注"},
	"name":                {"name", "姓名"},
	"id_number":           {"ID number", "身份证号码"},
	"licence_file":        {"licence file number", "档案编号"},
	"licence_class":       {"licence class", "准驾车型"},
	"first_issued":        {"licence first issued", "初次领证日期"},
	"valid_until":         {"licence valid until", "驾驶证有效期"},
	"phone":               {"phone", "电话"},
	"role":                {"role", "身份"},
	"person":              {"person", "人员"},
	"vehicle":             {"vehicle", "车辆"},
	"from":                {"from", "开始时间"},
	"to":                  {"to", "结束时间"},
	"at":                  {"time", "时间"},
	"odometer":            {"odometer", "里程"},
	"odometer_in":         {"odometer in", "归还里程"},
	"purpose":             {"purpose", "用途"},
	"method":              {"method", "方式"},
	"applied":             {"applied on", "申请日期"},
	"approved":            {"approved on", "通过日期"},
	"cancelled":           {"cancelled on", "取消日期"},
	"status":              {"status", "状态"},
	"record_number":       {"violation record number", "违法编号"},
	"decision_number":     {"decision number", "决定书编号"},
	"occurred":            {"occurred at", "违法时间"},
	"place":               {"place", "违法地点"},
	"code":                {"offence code", "违法代码"},
	"description":         {"description", "违法行为"},
	"fine":                {"fine", "罚款金额"},
	"points":              {"points", "记分"},
	"source":              {"source", "来源"},
	"decided":             {"decided on", "决定日期"},
	"received":            {"decision received on", "送达日期"},
	"notified":            {"notified on", "通知日期"},
	"extended_until":      {"extended until", "延期至"},
	"appealed":            {"appealed on", "申诉日期"},
	"appeal_decided":      {"appeal decided on", "申诉结果日期"},
	"region":              {"region", "地区"},
	"setting":             {"setting", "设置项"},
	"as_of":               {"as of", "计算日期"},
	"driver":              {"driver", "驾驶人"},
	"violation":           {"violation", "违法记录"},
	"fine_part":           {"fine paid", "罚款部分"},
	"late_fee":            {"late fee", "滞纳金"},
	"paid_at":             {"paid at", "缴款时间"},
	"receipt":             {"receipt number", "票据号"},
	"idempotency_key":     {"idempotency key", "幂等键"},
	"state":               {"state", "状态"},
	"photo":               {"photo", "照片"},
	"date":                {"date", "日期"},
	"amount":              {"amount", "金额"},
	"id":                  {"id", "编号"},
	"lang":                {"language", "语言"},
	"db":                  {"database", "数据库"},
	"late_fee_convention": {"late-fee day convention", "滞纳金起算方式"},
	"charge_back":         {"charged back to", "追偿对象"},
	"recovered":           {"recovered on", "追偿日期"},
	"month":               {"month", "月份"},
	"receipt_code":        {"receipt code", "凭证二维码"},
	"official_hosts":      {"official payment hosts", "官方缴款域名"},
}

// Label is the user-facing name of a field in lang.
func Label(name, lang string) string {
	l, ok := labels[name]
	if !ok {
		return name
	}
	if isZh(lang) {
		return l[1]
	}
	return l[0]
}
