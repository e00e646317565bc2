package core

import (
	"strings"
	"time"

	"ticketbook/core/field"
	"ticketbook/core/ident"
)

// Person is someone who may drive: their licence is the one a ticket is
// handled with when they were driving.
type Person struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	// IDNumber is the resident ID number, which is also the driving licence number.
	IDNumber     string    `json:"id_number,omitempty"`
	LicenceFile  string    `json:"licence_file,omitempty"`
	LicenceClass string    `json:"licence_class,omitempty"`
	FirstIssued  Date      `json:"first_issued"`
	ValidUntil   Date      `json:"valid_until"`
	Phone        string    `json:"phone,omitempty"`
	Role         Role      `json:"role"`
	Notes        string    `json:"notes,omitempty"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// licenceClasses are the classes of GA/T 1-era driving licences (准驾车型).
var licenceClasses = []string{"A1", "A2", "A3", "B1", "B2", "C1", "C2", "C3", "C4", "C5", "C6", "D", "E", "F", "M", "N", "P"}

func (p *Person) Normalize() error {
	var errs field.Errors
	p.Name = strings.TrimSpace(p.Name)
	errs.Add("name", required("name", p.Name))
	errs.Add("name", maxLen("name", p.Name, 100))
	if strings.TrimSpace(p.IDNumber) != "" {
		n, err := ident.ParseIDNumber(p.IDNumber)
		errs.Add("id_number", err)
		if err == nil {
			p.IDNumber = string(n)
		}
	} else {
		p.IDNumber = ""
	}
	if strings.TrimSpace(p.LicenceFile) != "" {
		l, err := ident.ParseLicenceFile(p.LicenceFile)
		errs.Add("licence_file", err)
		if err == nil {
			p.LicenceFile = string(l)
		}
	} else {
		p.LicenceFile = ""
	}
	if c := ident.Normalize(p.LicenceClass); c != "" {
		p.LicenceClass = c
		if !validLicenceClasses(c) {
			errs.Add("licence_class", field.New("licence_class", "licence_class_unknown",
				"\""+c+"\" is not a licence class such as C1, C2, B2 or A1 (several may be given, e.g. C1E)",
				"“"+c+"”不是准驾车型，应为 C1、C2、B2、A1 等（可组合，如 C1E）"))
		}
	} else {
		p.LicenceClass = ""
	}
	if !p.FirstIssued.IsZero() && !p.ValidUntil.IsZero() && !p.FirstIssued.Before(p.ValidUntil) {
		errs.Add("valid_until", field.New("valid_until", "before_first_issued",
			"must be after the first-issued date", "应晚于初次领证日期"))
	}
	if !p.FirstIssued.IsZero() && p.FirstIssued.After(DateOf(time.Now())) {
		errs.Add("first_issued", field.New("first_issued", "in_future", "is in the future", "不能晚于今天"))
	}
	p.Phone = strings.TrimSpace(toHalfWidth(p.Phone))
	if p.Phone != "" && !validPhone(p.Phone) {
		errs.Add("phone", field.New("phone", "phone_format",
			"should be digits, optionally with +, spaces or dashes", "应为数字，可含 +、空格或连字符"))
	}
	if p.Role == "" {
		p.Role = RoleEmployee
	} else if r, err := ParseRole(string(p.Role)); err != nil {
		errs.Add("role", err)
	} else {
		p.Role = r
	}
	errs.Add("notes", maxLen("notes", p.Notes, 4000))
	return errs.Err()
}

// validLicenceClasses accepts a class or a run of classes (C1E, A2D).
func validLicenceClasses(s string) bool {
	for s != "" {
		matched := false
		for _, c := range licenceClasses {
			if len(c) == 2 && strings.HasPrefix(s, c) {
				s, matched = s[2:], true
				break
			}
		}
		if !matched {
			for _, c := range licenceClasses {
				if len(c) == 1 && strings.HasPrefix(s, c) {
					s, matched = s[1:], true
					break
				}
			}
		}
		if !matched {
			return false
		}
	}
	return true
}

func validPhone(s string) bool {
	digits := 0
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '+' && i == 0, r == ' ', r == '-':
		default:
			return false
		}
	}
	return digits >= 5 && digits <= 20
}

// MaskedIDNumber is the ID number as shown by default: personal data stays
// hidden unless the user asks.
func (p Person) MaskedIDNumber() string {
	if p.IDNumber == "" {
		return ""
	}
	return ident.IDNumber(p.IDNumber).Masked()
}

func (p Person) MaskedLicenceFile() string {
	if p.LicenceFile == "" {
		return ""
	}
	return ident.LicenceFile(p.LicenceFile).Masked()
}
