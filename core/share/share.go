// Package share writes and reads the payloads Ticketbook itself puts in QR
// codes: a vehicle share, a handover slip and a person invite. The wire
// format is documented in docs/share-format.md at the top of the repository.
//
// Every payload is signed with the Ed25519 key of the install that wrote it
// and carries that key's public half, so a recipient can tell a payload that
// was altered after signing, and can compare the key's fingerprint with the
// sender's in person. It does not prove who the sender is: anyone can make a
// key. Expiry limits how long a leaked printout stays useful.
package share

import (
	"ticketbook/core"

	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"ticketbook/core/ident"
)

// Scheme starts every payload; Classify in core/scan relies on it.
const Scheme = "ticketbook:"

// Version is the only payload version this code writes and reads.
const Version = 1

// MaxPayload bounds a payload's text. A QR code holding more is too dense to
// scan from a phone screen, and a hostile code must not make us decode much.
const MaxPayload = 2048

// clockSkew tolerates a sender whose clock runs ahead of ours.
const clockSkew = time.Hour

// maxLifetime stops a share from being valid for ever by mistake.
const maxLifetime = 366 * 24 * time.Hour

// Kind names a payload type; it is the path segment after "v1/".
type Kind string

const (
	KindVehicle  Kind = "vehicle"
	KindHandover Kind = "handover"
	KindInvite   Kind = "invite"
)

// Vehicle is what an owner shares so another install can add the car.
type Vehicle struct {
	PlateType string `json:"plate_type"`
	Plate     string `json:"plate"`
	VIN       string `json:"vin,omitempty"`
	Engine6   string `json:"engine6,omitempty"`
	Owner     string `json:"owner,omitempty"` // display name only
}

// Handover records that someone took a vehicle, for the who-was-driving log.
type Handover struct {
	Plate    string
	Person   string
	TimeOut  time.Time
	Odometer int // km; 0 when not read
	Purpose  string
}

// Invite asks a person to join a fleet. It deliberately has no ID number:
// a QR code is photographed and forwarded far beyond its intended reader.
type Invite struct {
	Name         string `json:"name"`
	Role         string `json:"role,omitempty"`
	LicenceClass string `json:"licence_class,omitempty"`
}

// Payload is a parsed, verified payload. Exactly one of Vehicle, Handover and
// Invite is set, matching Kind.
type Payload struct {
	Kind      Kind
	Version   int
	KeyID     string
	PublicKey ed25519.PublicKey
	Issued    time.Time
	Expires   time.Time
	Vehicle   *Vehicle
	Handover  *Handover
	Invite    *Invite
}

// Fingerprint is the short form of the signer's public key that people read
// aloud to compare; see Fingerprint.
func (p Payload) Fingerprint() string { return Fingerprint(p.PublicKey) }

// Fingerprint renders the first 80 bits of SHA-256 of a public key as four
// groups of base32 letters: short enough to compare by voice, long enough
// that nobody finds a second key with the same print.
func Fingerprint(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	s := base32.StdEncoding.EncodeToString(sum[:10]) // 16 characters, no padding
	return s[0:4] + "-" + s[4:8] + "-" + s[8:12] + "-" + s[12:16]
}

// GenerateKey makes a new signing key for an install.
func GenerateKey() (ed25519.PrivateKey, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	return priv, err
}

// Signer writes payloads. KeyID is a short label for the install (shown to
// the recipient next to the fingerprint); it is not trusted for anything.
type Signer struct {
	Key   ed25519.PrivateKey
	KeyID string
}

// common holds the fields every kind carries.
type common struct {
	KeyID   string `json:"kid,omitempty"`
	Issued  *int64 `json:"iat"`
	Expires *int64 `json:"exp"`
}

// One wire struct per kind: embedding all kinds in one struct would make
// their shared JSON names (plate) ambiguous, which encoding/json drops.
type vehicleWire struct {
	common
	Vehicle
}

type handoverWire struct {
	common
	Plate    string `json:"plate"`
	Person   string `json:"person"`
	TimeOut  int64  `json:"time_out"` // Unix seconds, like iat and exp
	Odometer int    `json:"odometer,omitempty"`
	Purpose  string `json:"purpose,omitempty"`
}

type inviteWire struct {
	common
	Invite
}

var b64 = base64.RawURLEncoding

// Vehicle signs a vehicle share valid from issued until expires.
func (s Signer) Vehicle(v Vehicle, issued, expires time.Time) (string, error) {
	if err := v.normalize(); err != nil {
		return "", err
	}
	w := &vehicleWire{Vehicle: v}
	return s.sign(KindVehicle, w, &w.common, issued, expires)
}

// Handover signs a handover slip valid from issued until expires.
func (s Signer) Handover(h Handover, issued, expires time.Time) (string, error) {
	if err := h.normalize(); err != nil {
		return "", err
	}
	w := &handoverWire{Plate: h.Plate, Person: h.Person, TimeOut: h.TimeOut.Unix(), Odometer: h.Odometer, Purpose: h.Purpose}
	return s.sign(KindHandover, w, &w.common, issued, expires)
}

// Invite signs a person invite valid from issued until expires.
func (s Signer) Invite(i Invite, issued, expires time.Time) (string, error) {
	if err := i.normalize(); err != nil {
		return "", err
	}
	w := &inviteWire{Invite: i}
	return s.sign(KindInvite, w, &w.common, issued, expires)
}

func (s Signer) sign(kind Kind, wire any, c *common, issued, expires time.Time) (string, error) {
	if len(s.Key) != ed25519.PrivateKeySize {
		return "", newErr("bad_key", "the signing key is missing or malformed", "签名密钥缺失或格式错误")
	}
	if !expires.After(issued) {
		return "", newErr("bad_expiry", "the expiry must be after the issue time", "有效期截止时间必须晚于签发时间")
	}
	if expires.Sub(issued) > maxLifetime {
		return "", newErr("bad_expiry", "a share may be valid for at most a year", "分享的有效期最长一年")
	}
	if utf8.RuneCountInString(s.KeyID) > 32 {
		return "", newErr("bad_key_id", "the key label is longer than 32 characters", "密钥标签超过32个字符")
	}
	iat, exp := issued.Unix(), expires.Unix()
	c.KeyID, c.Issued, c.Expires = s.KeyID, &iat, &exp
	data, err := json.Marshal(wire)
	if err != nil {
		return "", err
	}
	pub := s.Key.Public().(ed25519.PublicKey)
	signed := signedPart(kind, b64.EncodeToString(data), b64.EncodeToString(pub))
	sig := ed25519.Sign(s.Key, []byte(signed))
	out := signed + "&s=" + b64.EncodeToString(sig)
	if len(out) > MaxPayload {
		return "", newErr("too_large",
			fmt.Sprintf("the payload would be %d bytes; at most %d fit a QR code that phones scan reliably", len(out), MaxPayload),
			fmt.Sprintf("内容共%d字节，超过二维码可靠识别的上限%d字节", len(out), MaxPayload))
	}
	return out, nil
}

// signedPart is exactly the text the signature covers: everything before
// "&s=". Signing the text rather than re-encoded JSON means the verifier
// never has to reproduce the sender's JSON byte for byte, and the kind and
// key are covered too, so neither can be swapped.
func signedPart(kind Kind, data, key string) string {
	return fmt.Sprintf("%sv%d/%s?d=%s&k=%s", Scheme, Version, kind, data, key)
}

// KindOf tells whether text looks like a Ticketbook payload and of which
// kind, without verifying anything, so a scanner can label a tampered share
// as a (bad) share rather than as random text.
func KindOf(text string) (Kind, bool) {
	rest, ok := strings.CutPrefix(text, Scheme)
	if !ok {
		return "", false
	}
	_, rest, ok = strings.Cut(rest, "/")
	if !ok {
		return "", false
	}
	k, _, _ := strings.Cut(rest, "?")
	switch Kind(k) {
	case KindVehicle, KindHandover, KindInvite:
		return Kind(k), true
	}
	return "", false
}

// Parse verifies text at time now and returns its content. It refuses a
// payload that is too large, malformed, of an unknown version or kind,
// altered after signing, not yet valid or expired.
func Parse(text string, now time.Time) (Payload, error) {
	if len(text) > MaxPayload {
		return Payload{}, newErr("too_large",
			fmt.Sprintf("the payload is %d bytes; Ticketbook payloads are at most %d", len(text), MaxPayload),
			fmt.Sprintf("内容共%d字节，Ticketbook 分享内容最多%d字节", len(text), MaxPayload))
	}
	rest, ok := strings.CutPrefix(text, Scheme)
	if !ok {
		return Payload{}, malformed("it does not start with " + Scheme)
	}
	ver, rest, ok := strings.Cut(rest, "/")
	if !ok {
		return Payload{}, malformed("the version is missing")
	}
	if ver != fmt.Sprintf("v%d", Version) {
		return Payload{}, newErr("unknown_version",
			fmt.Sprintf("version %q is not one this Ticketbook reads; update Ticketbook", ver),
			fmt.Sprintf("无法识别的版本%q，请更新 Ticketbook", ver))
	}
	kindStr, query, ok := strings.Cut(rest, "?")
	if !ok {
		return Payload{}, malformed("the parameters are missing")
	}
	kind := Kind(kindStr)
	switch kind {
	case KindVehicle, KindHandover, KindInvite:
	default:
		return Payload{}, newErr("unknown_kind",
			fmt.Sprintf("%q is not a kind of share this Ticketbook knows", kindStr),
			fmt.Sprintf("无法识别的分享类型%q", kindStr))
	}
	// A fixed parameter order keeps exactly one textual form per payload, so
	// what is verified is what is shown.
	params := strings.Split(query, "&")
	if len(params) != 3 || !strings.HasPrefix(params[0], "d=") || !strings.HasPrefix(params[1], "k=") || !strings.HasPrefix(params[2], "s=") {
		return Payload{}, malformed("the parameters must be d, k and s in that order")
	}
	dataB64, keyB64, sigB64 := params[0][2:], params[1][2:], params[2][2:]
	data, err1 := b64.DecodeString(dataB64)
	key, err2 := b64.DecodeString(keyB64)
	sig, err3 := b64.DecodeString(sigB64)
	if err := errors.Join(err1, err2, err3); err != nil {
		return Payload{}, malformed("a parameter is not base64url")
	}
	if len(key) != ed25519.PublicKeySize || len(sig) != ed25519.SignatureSize {
		return Payload{}, malformed("the key or signature has the wrong length")
	}
	if !ed25519.Verify(key, []byte(signedPart(kind, dataB64, keyB64)), sig) {
		return Payload{}, newErr("bad_signature",
			"the signature does not match: the code was altered or damaged after it was made",
			"签名不符：二维码在生成后被修改或损坏")
	}

	var (
		c   *common
		vw  vehicleWire
		hw  handoverWire
		iw  inviteWire
		dst any
	)
	switch kind {
	case KindVehicle:
		dst, c = &vw, &vw.common
	case KindHandover:
		dst, c = &hw, &hw.common
	default:
		dst, c = &iw, &iw.common
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return Payload{}, malformed("its content is not the expected JSON")
	}
	if c.Issued == nil || c.Expires == nil {
		return Payload{}, malformed("the issue or expiry time is missing")
	}
	if utf8.RuneCountInString(c.KeyID) > 32 {
		return Payload{}, malformed("the key label is longer than 32 characters")
	}
	p := Payload{
		Kind: kind, Version: Version, KeyID: c.KeyID, PublicKey: ed25519.PublicKey(key),
		Issued: time.Unix(*c.Issued, 0).UTC(), Expires: time.Unix(*c.Expires, 0).UTC(),
	}
	if now.Add(clockSkew).Before(p.Issued) {
		return Payload{}, newErr("not_yet_valid",
			"it was issued in the future; check the clocks of both devices",
			"签发时间晚于当前时间，请检查双方设备的时钟")
	}
	if !now.Before(p.Expires) {
		return Payload{}, newErr("expired",
			fmt.Sprintf("it expired on %s; ask the sender for a new one", p.Expires.Local().Format("2006-01-02 15:04")),
			fmt.Sprintf("已于%s过期，请让对方重新生成", p.Expires.Local().Format("2006-01-02 15:04")))
	}
	// Signed content is still checked: a valid signature only says the
	// sender's install wrote it, and that install may be older or buggy.
	var err error
	switch kind {
	case KindVehicle:
		v := vw.Vehicle
		err = v.normalize()
		p.Vehicle = &v
	case KindHandover:
		h := Handover{Plate: hw.Plate, Person: hw.Person, TimeOut: time.Unix(hw.TimeOut, 0).UTC(), Odometer: hw.Odometer, Purpose: hw.Purpose}
		err = h.normalize()
		p.Handover = &h
	case KindInvite:
		i := iw.Invite
		err = i.normalize()
		p.Invite = &i
	}
	if err != nil {
		return Payload{}, err
	}
	return p, nil
}

func (v *Vehicle) normalize() error {
	plate, err := ident.ParsePlate(v.Plate)
	if err != nil {
		return fieldErr("plate", err)
	}
	v.Plate = plate.Text
	if v.PlateType == "" {
		v.PlateType = string(plate.DefaultType())
	} else {
		t, err := ident.ParsePlateType(v.PlateType)
		if err != nil {
			return fieldErr("plate_type", err)
		}
		v.PlateType = string(t)
	}
	if strings.TrimSpace(v.VIN) != "" {
		// The sender already decided about a failing check digit; the
		// recipient sees the warning when saving the vehicle.
		vin, err := ident.ParseVIN(v.VIN, true)
		if err != nil {
			return fieldErr("vin", err)
		}
		v.VIN = string(vin)
	}
	v.Engine6 = ident.Normalize(v.Engine6)
	if r := []rune(v.Engine6); len(r) > 6 {
		v.Engine6 = string(r[len(r)-6:])
	}
	v.Owner = strings.TrimSpace(v.Owner)
	return checkText("owner", v.Owner, 50)
}

func (h *Handover) normalize() error {
	plate, err := ident.ParsePlate(h.Plate)
	if err != nil {
		return fieldErr("plate", err)
	}
	h.Plate = plate.Text
	h.Person = strings.TrimSpace(h.Person)
	if h.Person == "" {
		return newErr("person_empty", "the handover slip names no person", "交接单缺少人员姓名")
	}
	if h.TimeOut.IsZero() || h.TimeOut.Unix() <= 0 {
		return newErr("time_out_missing", "the handover slip has no time out", "交接单缺少出车时间")
	}
	if h.Odometer < 0 || h.Odometer > 10_000_000 {
		return newErr("odometer_range", "the odometer reading is out of range", "里程读数超出范围")
	}
	h.Purpose = strings.TrimSpace(h.Purpose)
	return errors.Join(checkText("person", h.Person, 50), checkText("purpose", h.Purpose, 200))
}

func (i *Invite) normalize() error {
	i.Name = strings.TrimSpace(i.Name)
	i.Role = strings.TrimSpace(i.Role)
	i.LicenceClass = ident.Normalize(i.LicenceClass)
	if i.Name == "" {
		return newErr("name_empty", "the invite names no person", "邀请缺少姓名")
	}
	return errors.Join(checkText("name", i.Name, 50), checkText("role", i.Role, 50), checkText("licence_class", i.LicenceClass, 10))
}

// checkText bounds a free-text field and keeps resident ID numbers out of
// every code: a printed QR travels further than anyone intends.
func checkText(name, s string, max int) error {
	if utf8.RuneCountInString(s) > max {
		return newErr(name+"_too_long",
			fmt.Sprintf("%s is longer than %d characters", name, max),
			fmt.Sprintf("%s超过%d个字符", name, max))
	}
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return !(r >= '0' && r <= '9' || r == 'X' || r == 'x') }) {
		if _, err := ident.ParseIDNumber(w); err == nil || len(w) == 18 {
			return newErr("id_number_in_code",
				fmt.Sprintf("%s contains what looks like an ID number; Ticketbook never puts ID numbers in a QR code", name),
				fmt.Sprintf("%s中似乎含有身份证号码；Ticketbook 不会把身份证号码放进二维码", name))
		}
	}
	return nil
}

// VehicleOf is what Ticketbook shares of a recorded vehicle: queries need
// only the last 6 characters of the engine number, so no more leaves.
func VehicleOf(v core.Vehicle) Vehicle {
	engine := v.Engine
	if n := len(engine); n > 6 {
		engine = engine[n-6:]
	}
	return Vehicle{PlateType: string(v.PlateType), Plate: v.Plate, VIN: v.VIN, Engine6: engine, Owner: v.OwnerName}
}
