package core

// OwnerKind says whose car it is, which decides who may handle its tickets.
type OwnerKind string

const (
	OwnerOwn      OwnerKind = "own"
	OwnerCompany  OwnerKind = "company"
	OwnerCustomer OwnerKind = "customer"
	OwnerFamily   OwnerKind = "family"
)

var ownerKinds = choiceSet{"owner_kind", []choice{
	{"own", "own", "本人", nil},
	{"company", "company", "单位", []string{"organisation", "organization"}},
	{"customer", "customer", "客户", nil},
	{"family", "family or friend", "亲友", []string{"friend", "family_friend"}},
}}

func ParseOwnerKind(s string) (OwnerKind, error) {
	c, err := ownerKinds.parse(s)
	return OwnerKind(c), err
}
func (k OwnerKind) Name(lang string) string { return ownerKinds.name(string(k), lang) }
func OwnerKinds() []string                  { return ownerKinds.codes() }

// VehicleUse (使用性质) matters because transport, school-bus and
// hazardous-goods vehicles can never be handled online.
type VehicleUse string

const (
	UsePrivate      VehicleUse = "private"
	UseNonOperating VehicleUse = "non_operating"
	UseTransport    VehicleUse = "transport"
	UseSchoolBus    VehicleUse = "school_bus"
	UseHazardous    VehicleUse = "hazardous"
)

var vehicleUses = choiceSet{"use", []choice{
	{"private", "private", "非营运（个人）", []string{"personal"}},
	{"non_operating", "non-operating", "非营运（单位）", []string{"nonoperating"}},
	{"transport", "passenger or goods transport", "客货运输", []string{"passenger", "goods"}},
	{"school_bus", "school bus", "校车", nil},
	{"hazardous", "hazardous goods", "危险货物运输", []string{"hazardous_goods"}},
}}

func ParseVehicleUse(s string) (VehicleUse, error) {
	c, err := vehicleUses.parse(s)
	return VehicleUse(c), err
}
func (u VehicleUse) Name(lang string) string { return vehicleUses.name(string(u), lang) }
func VehicleUses() []string                  { return vehicleUses.codes() }

// Role is how a person relates to the user of Ticketbook.
type Role string

const (
	RoleOwner    Role = "owner"
	RoleEmployee Role = "employee"
	RoleFamily   Role = "family"
	RoleCustomer Role = "customer"
)

var roles = choiceSet{"role", []choice{
	{"owner", "owner", "车主", nil},
	{"employee", "employee", "员工", []string{"staff"}},
	{"family", "family or friend", "亲友", []string{"friend"}},
	{"customer", "customer", "客户", nil},
}}

func ParseRole(s string) (Role, error) { c, err := roles.parse(s); return Role(c), err }
func (r Role) Name(lang string) string { return roles.name(string(r), lang) }
func Roles() []string                  { return roles.codes() }

// RegMethod is how a non-owner registration (备案非本人机动车) was applied for.
type RegMethod string

const (
	RegSMS    RegMethod = "sms"
	RegQR     RegMethod = "qr"
	RegWindow RegMethod = "window"
)

var regMethods = choiceSet{"method", []choice{
	{"sms", "SMS code", "短信验证码", nil},
	{"qr", "QR code", "扫码", []string{"qrcode", "qr_code"}},
	{"window", "service window", "窗口办理", []string{"counter"}},
}}

func ParseRegMethod(s string) (RegMethod, error) {
	c, err := regMethods.parse(s)
	return RegMethod(c), err
}
func (m RegMethod) Name(lang string) string { return regMethods.name(string(m), lang) }
func RegMethods() []string                  { return regMethods.codes() }

// RegStatus is where a registration stands; only approved ones let the
// registrant handle the vehicle's tickets.
type RegStatus string

const (
	RegApplied   RegStatus = "applied"
	RegApproved  RegStatus = "approved"
	RegRejected  RegStatus = "rejected"
	RegCancelled RegStatus = "cancelled"
)

var regStatuses = choiceSet{"status", []choice{
	{"applied", "applied, under review", "审核中", []string{"pending"}},
	{"approved", "approved", "已备案", nil},
	{"rejected", "rejected", "未通过", nil},
	{"cancelled", "cancelled", "已取消", []string{"canceled"}},
}}

func ParseRegStatus(s string) (RegStatus, error) {
	c, err := regStatuses.parse(s)
	return RegStatus(c), err
}
func (s RegStatus) Name(lang string) string { return regStatuses.name(string(s), lang) }

// Source says how a violation was recorded.
type Source string

const (
	SourceCamera Source = "camera"
	SourceOnSite Source = "on_site"
)

var sources = choiceSet{"source", []choice{
	{"camera", "camera", "电子监控", []string{"electronic"}},
	{"on_site", "on site", "现场处罚", []string{"onsite"}},
}}

func ParseSource(s string) (Source, error) { c, err := sources.parse(s); return Source(c), err }
func (s Source) Name(lang string) string   { return sources.name(string(s), lang) }

// ViolationStatus is where a ticket stands in its handling.
type ViolationStatus string

const (
	StatusNew            ViolationStatus = "new"
	StatusConfirmed      ViolationStatus = "confirmed"
	StatusDecided        ViolationStatus = "decided"
	StatusPaid           ViolationStatus = "paid"
	StatusAppealed       ViolationStatus = "appealed"
	StatusAppealUpheld   ViolationStatus = "appeal_upheld"
	StatusAppealRejected ViolationStatus = "appeal_rejected"
	StatusInPerson       ViolationStatus = "in_person"
)

var violationStatuses = choiceSet{"status", []choice{
	{"new", "new", "未处理", nil},
	{"confirmed", "confirmed", "已确认", nil},
	{"decided", "decided", "已决定", nil},
	{"paid", "paid", "已缴款", nil},
	{"appealed", "appealed", "申诉中", nil},
	{"appeal_upheld", "appeal upheld", "申诉成立", []string{"upheld"}},
	{"appeal_rejected", "appeal rejected", "申诉驳回", []string{"rejected"}},
	{"in_person", "handled in person", "窗口已处理", []string{"handled_in_person"}},
}}

func ParseViolationStatus(s string) (ViolationStatus, error) {
	c, err := violationStatuses.parse(s)
	return ViolationStatus(c), err
}
func (s ViolationStatus) Name(lang string) string { return violationStatuses.name(string(s), lang) }
func ViolationStatuses() []string                 { return violationStatuses.codes() }

// OpenStatuses are the statuses of tickets that still need something.
func OpenStatuses() []ViolationStatus {
	var out []ViolationStatus
	for _, c := range violationStatuses.choices {
		if s := ViolationStatus(c.code); s.Open() {
			out = append(out, s)
		}
	}
	return out
}

// Open reports whether the ticket still needs something from the user.
func (s ViolationStatus) Open() bool {
	switch s {
	case StatusPaid, StatusAppealUpheld, StatusInPerson:
		return false
	}
	return true
}

// PayMethod is the channel a fine was paid through.
type PayMethod string

const (
	PayAlipay  PayMethod = "alipay"
	PayWeChat  PayMethod = "wechat"
	PayCard    PayMethod = "card"
	PayCounter PayMethod = "counter"
	PayCash    PayMethod = "cash"
)

var payMethods = choiceSet{"method", []choice{
	{"alipay", "Alipay", "支付宝", nil},
	{"wechat", "WeChat Pay", "微信支付", []string{"wechat_pay", "weixin"}},
	{"card", "bank card", "银行卡", []string{"bank_card", "unionpay"}},
	{"counter", "bank counter", "银行柜台", []string{"bank_counter", "bank"}},
	{"cash", "cash at window", "窗口现金", []string{"window"}},
}}

func ParsePayMethod(s string) (PayMethod, error) {
	c, err := payMethods.parse(s)
	return PayMethod(c), err
}
func (m PayMethod) Name(lang string) string { return payMethods.name(string(m), lang) }
func PayMethods() []string                  { return payMethods.codes() }

// PayState tracks a payment through the provider; "unknown" means a reply was
// lost and the payment must be looked up before anything is sent again.
type PayState string

const (
	PayQueued    PayState = "queued"
	PaySubmitted PayState = "submitted"
	PayConfirmed PayState = "confirmed"
	PayFailed    PayState = "failed"
	PayUnknown   PayState = "unknown"
)

var payStates = choiceSet{"state", []choice{
	{"queued", "queued", "排队中", nil},
	{"submitted", "submitted", "已提交", nil},
	{"confirmed", "confirmed", "已确认", nil},
	{"failed", "failed", "失败", nil},
	{"unknown", "unknown, being checked", "待核实", nil},
}}

func ParsePayState(s string) (PayState, error) { c, err := payStates.parse(s); return PayState(c), err }
func (s PayState) Name(lang string) string     { return payStates.name(string(s), lang) }
