package core

import (
	"strings"
	"time"
	"unicode/utf8"

	"ticketbook/core/field"
	"ticketbook/core/ident"
)

// Vehicle is a car the user handles tickets for. A plate is unique only
// together with its plate type.
type Vehicle struct {
	ID        int64           `json:"id"`
	PlateType ident.PlateType `json:"plate_type"`
	Plate     string          `json:"plate"`
	VIN       string          `json:"vin,omitempty"`
	// VINUnchecked records that the user kept a VIN whose check digit fails:
	// not every vehicle sold in China carries a valid one.
	VINUnchecked  bool       `json:"vin_unchecked,omitempty"`
	Engine        string     `json:"engine,omitempty"`
	OwnerName     string     `json:"owner,omitempty"`
	OwnerKind     OwnerKind  `json:"owner_kind"`
	OwnerPersonID *int64     `json:"owner_person_id,omitempty"`
	Nickname      string     `json:"nickname,omitempty"`
	Use           VehicleUse `json:"use"`
	Notes         string     `json:"notes,omitempty"`
	Archived      bool       `json:"archived"`
	CreatedAt     time.Time  `json:"created_at"`
	UpdatedAt     time.Time  `json:"updated_at"`
}

// Normalize puts every field in canonical form and reports every problem at
// once, so a form can mark all bad fields together.
func (v *Vehicle) Normalize() error {
	var errs field.Errors
	plate, err := ident.ParsePlate(v.Plate)
	errs.Add("plate", err)
	if err == nil {
		v.Plate = plate.Text
		if v.PlateType == "" {
			v.PlateType = plate.DefaultType()
		} else if t, err := ident.ParsePlateType(string(v.PlateType)); err != nil {
			errs.Add("plate_type", err)
		} else {
			v.PlateType = t
			errs.Add("plate_type", ident.CheckPlateType(plate, t))
		}
	}
	if strings.TrimSpace(v.VIN) != "" {
		vin, err := ident.ParseVIN(v.VIN, v.VINUnchecked)
		errs.Add("vin", err)
		if err == nil {
			v.VIN = string(vin)
		}
	} else {
		v.VIN, v.VINUnchecked = "", false
	}
	v.Engine = ident.Normalize(v.Engine)
	if utf8.RuneCountInString(v.Engine) > 32 {
		errs.Add("engine", field.New("engine", "too_long", "is longer than 32 characters", "超过 32 个字符"))
	}
	v.OwnerName = strings.TrimSpace(v.OwnerName)
	errs.Add("owner", maxLen("owner", v.OwnerName, 100))
	if v.OwnerKind == "" {
		v.OwnerKind = OwnerOwn
	} else if k, err := ParseOwnerKind(string(v.OwnerKind)); err != nil {
		errs.Add("owner_kind", err)
	} else {
		v.OwnerKind = k
	}
	if v.Use == "" {
		v.Use = UsePrivate
	} else if u, err := ParseVehicleUse(string(v.Use)); err != nil {
		errs.Add("use", err)
	} else {
		v.Use = u
	}
	v.Nickname = strings.TrimSpace(v.Nickname)
	errs.Add("nickname", maxLen("nickname", v.Nickname, 50))
	errs.Add("notes", maxLen("notes", v.Notes, 4000))
	return errs.Err()
}

// Label is how the vehicle is named in lists: plate plus nickname.
func (v Vehicle) Label() string {
	if v.Nickname != "" {
		return v.Plate + " (" + v.Nickname + ")"
	}
	return v.Plate
}

func maxLen(fieldName, s string, n int) error {
	if utf8.RuneCountInString(s) > n {
		return field.New(fieldName, "too_long",
			"is longer than "+itoa(n)+" characters", "超过 "+itoa(n)+" 个字符")
	}
	if !utf8.ValidString(s) {
		return field.New(fieldName, "encoding", "is not valid text", "不是有效的文本")
	}
	return nil
}

func required(fieldName, s string) error {
	if strings.TrimSpace(s) == "" {
		return field.New(fieldName, "required", "is required", "必填")
	}
	return nil
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	neg := n < 0
	if neg {
		n = -n
	}
	var b []byte
	for n > 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	if neg {
		b = append([]byte{'-'}, b...)
	}
	return string(b)
}
