package core

import (
	"strings"
	"time"

	"ticketbook/core/field"
)

// Custody says who had which vehicle from when to when; it is how a ticket
// finds the person who was really driving.
type Custody struct {
	ID          int64      `json:"id"`
	VehicleID   int64      `json:"vehicle_id"`
	PersonID    int64      `json:"person_id"`
	From        time.Time  `json:"from"`
	To          *time.Time `json:"to"` // nil while the person still has the car
	OdometerOut *int64     `json:"odometer_out"`
	OdometerIn  *int64     `json:"odometer_in"`
	Purpose     string     `json:"purpose,omitempty"`
	Notes       string     `json:"notes,omitempty"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
}

func (c *Custody) Normalize() error {
	var errs field.Errors
	if c.VehicleID == 0 {
		errs.Add("vehicle", field.New("vehicle", "required", "is required", "必填"))
	}
	if c.PersonID == 0 {
		errs.Add("person", field.New("person", "required", "is required", "必填"))
	}
	if c.From.IsZero() {
		errs.Add("from", field.New("from", "required", "is required", "必填"))
	}
	c.From = c.From.UTC()
	if c.To != nil {
		to := c.To.UTC()
		c.To = &to
		if !c.From.IsZero() && !to.After(c.From) {
			errs.Add("to", field.New("to", "before_from", "must be after the start time", "应晚于开始时间"))
		}
	}
	if c.OdometerOut != nil && *c.OdometerOut < 0 {
		errs.Add("odometer", field.New("odometer", "negative", "cannot be negative", "不能为负数"))
	}
	if c.OdometerIn != nil {
		if *c.OdometerIn < 0 {
			errs.Add("odometer_in", field.New("odometer_in", "negative", "cannot be negative", "不能为负数"))
		} else if c.OdometerOut != nil && *c.OdometerIn < *c.OdometerOut {
			errs.Add("odometer_in", field.New("odometer_in", "below_out",
				"is lower than the odometer when the car went out ("+itoa(int(*c.OdometerOut))+" km)",
				"低于出车时的里程（"+itoa(int(*c.OdometerOut))+" 公里）"))
		}
	}
	c.Purpose = strings.TrimSpace(c.Purpose)
	errs.Add("purpose", maxLen("purpose", c.Purpose, 200))
	errs.Add("notes", maxLen("notes", c.Notes, 4000))
	return errs.Err()
}

// Covers reports whether the custody spans instant t (start inclusive, end exclusive).
func (c Custody) Covers(t time.Time) bool {
	return !t.Before(c.From) && (c.To == nil || t.Before(*c.To))
}

// Overlaps reports whether two custody periods share any instant.
func (c Custody) Overlaps(o Custody) bool {
	endsAfterOStarts := c.To == nil || c.To.After(o.From)
	oEndsAfterCStarts := o.To == nil || o.To.After(c.From)
	return endsAfterOStarts && oEndsAfterCStarts
}

// Registration is a non-owner registration (备案非本人机动车): it lets a person
// handle tickets of a vehicle they drive but do not own.
type Registration struct {
	ID        int64     `json:"id"`
	VehicleID int64     `json:"vehicle_id"`
	PersonID  int64     `json:"person_id"`
	Method    RegMethod `json:"method"`
	Status    RegStatus `json:"status"`
	Applied   Date      `json:"applied"`
	Approved  Date      `json:"approved"`
	Cancelled Date      `json:"cancelled"`
	// OfficialQR keeps a scanned official-app code as an opaque string: its
	// format is not public and must never be parsed or forged.
	OfficialQR string `json:"-"`
	// ProviderRef is the provider's id of the application once sent.
	ProviderRef string    `json:"provider_ref,omitempty"`
	Notes       string    `json:"notes,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

func (r *Registration) Normalize() error {
	var errs field.Errors
	if r.VehicleID == 0 {
		errs.Add("vehicle", field.New("vehicle", "required", "is required", "必填"))
	}
	if r.PersonID == 0 {
		errs.Add("person", field.New("person", "required", "is required", "必填"))
	}
	if m, err := ParseRegMethod(string(r.Method)); err != nil {
		errs.Add("method", err)
	} else {
		r.Method = m
	}
	if r.Applied.IsZero() {
		errs.Add("applied", field.New("applied", "required", "is required", "必填"))
	}
	if !r.Approved.IsZero() && r.Approved.Before(r.Applied) {
		errs.Add("approved", field.New("approved", "before_applied", "cannot be before the application date", "不能早于申请日期"))
	}
	if !r.Cancelled.IsZero() && r.Cancelled.Before(r.Applied) {
		errs.Add("cancelled", field.New("cancelled", "before_applied", "cannot be before the application date", "不能早于申请日期"))
	}
	switch {
	case r.Status == "":
		r.Status = r.derivedStatus()
	default:
		if s, err := ParseRegStatus(string(r.Status)); err != nil {
			errs.Add("status", err)
		} else {
			r.Status = s
		}
	}
	if len(r.OfficialQR) > 4096 {
		errs.Add("notes", field.New("notes", "too_long", "official QR payload is longer than 4096 bytes", "官方二维码内容超过 4096 字节"))
	}
	errs.Add("notes", maxLen("notes", r.Notes, 4000))
	return errs.Err()
}

func (r Registration) derivedStatus() RegStatus {
	switch {
	case !r.Cancelled.IsZero():
		return RegCancelled
	case !r.Approved.IsZero():
		return RegApproved
	}
	return RegApplied
}

// Active reports whether the registration counts against the quotas.
func (r Registration) Active() bool { return r.Status == RegApplied || r.Status == RegApproved }
