package scan

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"ticketbook/core/ident"
	"ticketbook/core/share"
)

// Kinds returned by Classify.
const (
	KindDecisionNumber  = "decision_number"
	KindRecordNumber    = "violation_record_number"
	KindVehicleShare    = "vehicle_share"
	KindHandoverSlip    = "handover_slip"
	KindPersonInvite    = "person_invite"
	KindOfficialVehicle = "official_vehicle_qr"
	KindPaymentLink     = "payment_link"
	KindText            = "text"
)

// Classify says what a decoded text is. officialHosts are the payment hosts
// the user configured; links elsewhere get a scam warning.
func Classify(text string, officialHosts []string) (kind string, fields map[string]string) {
	return classifyAt(text, officialHosts, time.Now())
}

func classifyAt(text string, officialHosts []string, now time.Time) (string, map[string]string) {
	t := strings.TrimSpace(text)
	if k, ok := share.KindOf(t); ok {
		return classifyShare(k, t, now)
	}
	if d, ok := decisionNumber(t); ok {
		return KindDecisionNumber, d
	}
	if u, err := url.Parse(t); err == nil && (strings.EqualFold(u.Scheme, "https") || strings.EqualFold(u.Scheme, "http")) && u.Host != "" {
		return KindPaymentLink, paymentFields(u, officialHosts)
	}
	if officialApp(t) {
		// The official app's format is not public and may change: keep the
		// raw text for the user to show or re-scan, and read nothing from it.
		return KindOfficialVehicle, map[string]string{"note": "opaque code of the official 12123 app; stored as is, never parsed"}
	}
	if recordNumber(t) {
		return KindRecordNumber, map[string]string{"number": t}
	}
	return KindText, nil
}

func classifyShare(k share.Kind, text string, now time.Time) (string, map[string]string) {
	kind := map[share.Kind]string{share.KindVehicle: KindVehicleShare, share.KindHandover: KindHandoverSlip, share.KindInvite: KindPersonInvite}[k]
	p, err := share.Parse(text, now)
	if err != nil {
		f := map[string]string{"status": "invalid: " + reasonEn(err)}
		if se, ok := err.(*share.Error); ok {
			f["status_zh"] = "无效：" + se.Zh
			f["reason_code"] = se.Code
		}
		return kind, f
	}
	f := map[string]string{
		"status":      "valid",
		"fingerprint": p.Fingerprint(),
		"issued":      p.Issued.Format(time.RFC3339),
		"expires":     p.Expires.Format(time.RFC3339),
	}
	if p.KeyID != "" {
		f["key_id"] = p.KeyID
	}
	switch {
	case p.Vehicle != nil:
		f["plate"], f["plate_type"] = p.Vehicle.Plate, p.Vehicle.PlateType
		putIf(f, "vin", p.Vehicle.VIN)
		putIf(f, "engine6", p.Vehicle.Engine6)
		putIf(f, "owner", p.Vehicle.Owner)
	case p.Handover != nil:
		f["plate"], f["person"] = p.Handover.Plate, p.Handover.Person
		f["time_out"] = p.Handover.TimeOut.Format(time.RFC3339)
		if p.Handover.Odometer > 0 {
			f["odometer"] = strconv.Itoa(p.Handover.Odometer)
		}
		putIf(f, "purpose", p.Handover.Purpose)
	case p.Invite != nil:
		f["name"] = p.Invite.Name
		putIf(f, "role", p.Invite.Role)
		putIf(f, "licence_class", p.Invite.LicenceClass)
	}
	return kind, f
}

func reasonEn(err error) string {
	if se, ok := err.(*share.Error); ok {
		return se.En
	}
	return err.Error()
}

func putIf(m map[string]string, k, v string) {
	if v != "" {
		m[k] = v
	}
}

// decisionNumber recognises a penalty decision number: 15 or 16 digits,
// possibly printed with spaces or dashes.
func decisionNumber(t string) (map[string]string, bool) {
	if !looksLikeDecisionNumber(ident.Normalize(t)) {
		return nil, false
	}
	d, err := ident.ParseDecisionNumber(t)
	if err != nil {
		return nil, false
	}
	f := map[string]string{
		"number":     d.Digits,
		"region":     d.Region,
		"kind_digit": string(d.Digits[6]),
		"kind":       d.Kind.Name("en"),
		"kind_zh":    d.Kind.Name("zh"),
	}
	switch {
	case !d.HasCheck:
		f["check"] = "none(15 digits)"
	case d.CheckOK:
		f["check"] = "ok"
	default:
		f["check"] = "failed"
	}
	if w := d.Warning(); w != nil {
		f["warning"], f["warning_zh"] = w.En, w.Zh
	}
	return f, true
}

func paymentFields(u *url.URL, officialHosts []string) map[string]string {
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	f := map[string]string{"host": host, "url": u.String(), "scam_warning": "false"}
	if !officialHost(host, officialHosts) {
		f["scam_warning"] = "true"
		f["warning"] = "possibly fraudulent: not the configured official provider"
		f["warning_zh"] = "可能是诈骗：不是已配置的官方缴款渠道"
	}
	return f
}

// officialHost accepts a configured host and its subdomains, never a host
// that merely ends with the same letters (evil-bank.com is not bank.com).
func officialHost(host string, official []string) bool {
	for _, h := range official {
		h = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(h)), ".")
		if h == "" {
			continue
		}
		if host == h || strings.HasSuffix(host, "."+h) {
			return true
		}
	}
	return false
}

// officialApp recognises a payload of the official traffic app (交管12123)
// or its operator (TMRI) by the names they carry. Their vehicle code is not
// a published format, so this is the only safe test.
func officialApp(t string) bool {
	l := strings.ToLower(t)
	return strings.Contains(l, "12123") || strings.Contains(l, "122.gov.cn") || strings.Contains(l, "tmri")
}

// recordNumber accepts what is very probably a violation record number
// (违法编号): 17-32 ASCII digits and letters, at least 12 of them digits,
// and neither a decision number, ID-number shaped nor a VIN. The format is
// not published, so anything less sure stays text.
func recordNumber(t string) bool {
	if len(t) < 17 || len(t) > 32 {
		return false
	}
	digits := 0
	for _, c := range t {
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c >= 'A' && c <= 'Z':
		default:
			return false
		}
	}
	if digits < 12 || strings.Count(t, t[:1]) == len(t) {
		return false
	}
	// ID-number shaped (17 digits and a check character), whether or not
	// the check holds: calling a person's ID a record number would put it
	// where record numbers go.
	if len(t) == 18 && digits >= 17 && (t[17] == 'X' || t[17] >= '0' && t[17] <= '9') {
		return false
	}
	if _, err := ident.ParseVIN(t, false); err == nil {
		return false
	}
	_, err := ident.ParseRecordNumber(t)
	return err == nil
}
