// Package tickets holds the user actions on violations and payments.
package tickets

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"ticketbook/core"
	"ticketbook/core/field"
	"ticketbook/core/ident"
	"ticketbook/core/rules"
)

type Service struct {
	store core.Store
	now   core.Clock
	table *rules.Table
}

func New(store core.Store, now core.Clock) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: store, now: now, table: rules.Default()}
}

// Rules is the rule table the service applies.
func (s *Service) Rules() *rules.Table { return s.table }

// AddViolation records a violation. A driver given here is the user's own
// assignment and is never replaced by a suggestion.
func (s *Service) AddViolation(ctx context.Context, v core.Violation) (core.Violation, []*field.Error, error) {
	if v.DriverID != nil {
		v.DriverManual = true
	}
	if err := v.Normalize(); err != nil {
		return core.Violation{}, nil, err
	}
	err := s.store.InTx(ctx, func(r core.Repos) error {
		if _, err := r.Vehicles().Get(ctx, v.VehicleID); err != nil {
			return err
		}
		if v.DriverID != nil {
			if _, err := r.People().Get(ctx, *v.DriverID); err != nil {
				return err
			}
		}
		if err := r.Violations().Insert(ctx, &v); err != nil {
			return err
		}
		return r.Changes().Add(ctx, &core.Change{Entity: "violation", EntityID: v.ID, Field: "created", New: string(v.Status)})
	})
	if err != nil {
		return core.Violation{}, nil, err
	}
	return v, v.Warnings(), nil
}

func (s *Service) EditViolation(ctx context.Context, id int64, edit func(*core.Violation)) (core.Violation, []*field.Error, error) {
	var out core.Violation
	err := s.store.InTx(ctx, func(r core.Repos) (err error) {
		out, err = s.editViolation(ctx, r, id, edit)
		return err
	})
	if err != nil {
		return core.Violation{}, nil, err
	}
	return out, out.Warnings(), nil
}

// editViolation applies edit inside the caller's transaction, so an action
// can add its outbox entry to the same commit.
func (s *Service) editViolation(ctx context.Context, r core.Repos, id int64, edit func(*core.Violation)) (core.Violation, error) {
	v, err := r.Violations().Get(ctx, id)
	if err != nil {
		return core.Violation{}, err
	}
	stored := v
	before := v.DriverID
	edit(&v)
	v.ID = id
	if !sameID(before, v.DriverID) {
		v.DriverManual = v.DriverID != nil
	}
	if err := v.Normalize(); err != nil {
		return core.Violation{}, err
	}
	for _, id := range []*int64{v.DriverID, v.ChargeBackTo} {
		if id != nil {
			if _, err := r.People().Get(ctx, *id); err != nil {
				return core.Violation{}, err
			}
		}
	}
	if err := r.Violations().Update(ctx, &v); err != nil {
		return core.Violation{}, err
	}
	return v, s.recordChanges(ctx, r, stored, v)
}

func sameID(a, b *int64) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// View is a violation with the names a person reads next to it.
type View struct {
	core.Violation
	Plate     string          `json:"plate"`
	PlateType ident.PlateType `json:"plate_type"`
	Driver    string          `json:"driver"`
	// ChargeBackName is who the fine is to be recovered from, if anyone.
	ChargeBackName string `json:"charge_back_name,omitempty"`
}

// Views loads violations with their plate and driver name.
func (s *Service) Views(ctx context.Context, f core.ViolationFilter) ([]View, error) {
	vs, err := s.store.Violations().List(ctx, f)
	if err != nil {
		return nil, err
	}
	return s.decorate(ctx, vs)
}

func (s *Service) View(ctx context.Context, id int64) (View, error) {
	v, err := s.store.Violations().Get(ctx, id)
	if err != nil {
		return View{}, err
	}
	out, err := s.decorate(ctx, []core.Violation{v})
	if err != nil {
		return View{}, err
	}
	return out[0], nil
}

func (s *Service) decorate(ctx context.Context, vs []core.Violation) ([]View, error) {
	vehicles := map[int64]core.Vehicle{}
	people := map[int64]core.Person{}
	out := make([]View, len(vs))
	for i, v := range vs {
		veh, ok := vehicles[v.VehicleID]
		if !ok {
			var err error
			if veh, err = s.store.Vehicles().Get(ctx, v.VehicleID); err != nil {
				return nil, err
			}
			vehicles[v.VehicleID] = veh
		}
		out[i] = View{Violation: v, Plate: veh.Plate, PlateType: veh.PlateType}
		name := func(id *int64) (string, error) {
			if id == nil {
				return "", nil
			}
			p, ok := people[*id]
			if !ok {
				var err error
				if p, err = s.store.People().Get(ctx, *id); err != nil {
					return "", err
				}
				people[*id] = p
			}
			return p.Name, nil
		}
		var err error
		if out[i].Driver, err = name(v.DriverID); err != nil {
			return nil, err
		}
		if out[i].ChargeBackName, err = name(v.ChargeBackTo); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// RecordPayment records a payment made outside Ticketbook (at a bank counter,
// in the official app) and marks the violation paid, both in one transaction.
// The database refuses a second live payment of the same violation.
func (s *Service) RecordPayment(ctx context.Context, p core.Payment) (core.Payment, error) {
	if p.State == "" {
		p.State = core.PayConfirmed
	}
	if p.PaidAt == nil && p.State == core.PayConfirmed {
		now := s.now().UTC()
		p.PaidAt = &now
	}
	if err := p.Normalize(); err != nil {
		return core.Payment{}, err
	}
	err := s.store.InTx(ctx, func(r core.Repos) error {
		v, err := r.Violations().Get(ctx, p.ViolationID)
		if err != nil {
			return err
		}
		if v.Status == core.StatusPaid {
			return core.Conflict("violation",
				fmt.Sprintf("violation #%d is already paid; a fine paid twice cannot be got back", v.ID),
				fmt.Sprintf("违法记录 #%d 已缴款；重复缴纳的罚款无法退回", v.ID))
		}
		if err := r.Payments().Insert(ctx, &p); err != nil {
			return err
		}
		if err := r.Changes().Add(ctx, &core.Change{Entity: "violation", EntityID: v.ID, Field: "payment",
			New: fmt.Sprintf("%s %s %s", p.TotalFen().Yuan(), p.Method, p.State)}); err != nil {
			return err
		}
		if p.State == core.PayConfirmed {
			stored := v
			v.Status = core.StatusPaid
			if err := r.Violations().Update(ctx, &v); err != nil {
				return err
			}
			return s.recordChanges(ctx, r, stored, v)
		}
		return nil
	})
	return p, err
}

func (s *Service) recordChanges(ctx context.Context, r core.Repos, old, cur core.Violation) error {
	for _, c := range core.ViolationChanges(old, cur, s.now().UTC()) {
		if err := r.Changes().Add(ctx, &c); err != nil {
			return err
		}
	}
	return nil
}

// History is the violation's change log, oldest first.
func (s *Service) History(ctx context.Context, id int64) ([]core.Change, error) {
	return s.store.Changes().List(ctx, "violation", id)
}

// Count is how many violations match f, for a pager.
func (s *Service) Count(ctx context.Context, f core.ViolationFilter) (int, error) {
	return s.store.Violations().Count(ctx, f)
}

// AssignDriver records who was driving (nil clears it). It is the user's
// own assignment, so it wins over any suggestion from custody.
func (s *Service) AssignDriver(ctx context.Context, id int64, personID *int64) (core.Violation, error) {
	v, _, err := s.EditViolation(ctx, id, func(v *core.Violation) { v.DriverID = personID })
	if err != nil || v.DriverManual == (personID != nil) {
		return v, err
	}
	// The same person was already stored without being confirmed: confirming
	// makes it the user's own assignment.
	v, _, err = s.EditViolation(ctx, id, func(v *core.Violation) { v.DriverManual = personID != nil })
	return v, err
}

// RecordAppeal records that the ticket was appealed on a day: it freezes the
// late fee until the outcome is recorded.
func (s *Service) RecordAppeal(ctx context.Context, id int64, on core.Date, reason string) (core.Violation, error) {
	v, _, err := s.EditViolation(ctx, id, func(v *core.Violation) {
		v.Status = core.StatusAppealed
		v.AppealedOn = on
		v.AppealDecidedOn = core.Date{}
		if reason = strings.TrimSpace(reason); reason != "" {
			if v.Notes != "" {
				v.Notes += "\n"
			}
			v.Notes += reason
		}
	})
	return v, err
}

// RecordAppealOutcome closes an appeal: upheld clears the ticket, rejected
// puts it back to be paid (with the appeal days kept free of late fee).
func (s *Service) RecordAppealOutcome(ctx context.Context, id int64, upheld bool, on core.Date) (core.Violation, error) {
	var problem error
	v, _, err := s.EditViolation(ctx, id, func(v *core.Violation) {
		if v.Status != core.StatusAppealed {
			problem = core.Conflict("status", fmt.Sprintf("violation #%d has no pending appeal", id), fmt.Sprintf("违法记录 #%d 没有待处理的申诉", id))
			return
		}
		v.AppealDecidedOn = on
		v.Status = core.StatusAppealRejected
		if upheld {
			v.Status = core.StatusAppealUpheld
		}
	})
	if problem != nil {
		return core.Violation{}, problem
	}
	return v, err
}

// MaxPhotoBytes bounds one attached photo: phone photos are a few MB.
const MaxPhotoBytes = 25 << 20

// AttachPhoto stores a photo and links it to the violation. The file is
// written first (content-addressed, so a retry is harmless), then the
// attachment row and the link in one transaction.
func (s *Service) AttachPhoto(ctx context.Context, blobs core.BlobStore, id int64, name string, data []byte) (core.Violation, error) {
	if len(data) == 0 || len(data) > MaxPhotoBytes {
		return core.Violation{}, field.New("photo", "photo_size", "must be an image of at most 25 MB", "应为不超过 25 MB 的图片")
	}
	mime := http.DetectContentType(data)
	if !strings.HasPrefix(mime, "image/") {
		return core.Violation{}, field.New("photo", "photo_type", "is not an image (PNG, JPEG, GIF, WebP or BMP)", "不是图片（PNG、JPEG、GIF、WebP 或 BMP）")
	}
	hash, err := blobs.Put(ctx, data)
	if err != nil {
		return core.Violation{}, err
	}
	var out core.Violation
	err = s.store.InTx(ctx, func(r core.Repos) error {
		if err := r.Attachments().Put(ctx, &core.Attachment{Hash: hash, Name: name, Mime: mime, Size: int64(len(data))}); err != nil {
			return err
		}
		v, err := r.Violations().Get(ctx, id)
		if err != nil {
			return err
		}
		stored := v
		for _, h := range v.Photos {
			if h == hash {
				out = v
				return nil
			}
		}
		v.Photos = append(v.Photos, hash)
		if err := r.Violations().Update(ctx, &v); err != nil {
			return err
		}
		out = v
		return s.recordChanges(ctx, r, stored, v)
	})
	return out, err
}

// PaymentView is a payment with the plate and decision number it paid.
type PaymentView struct {
	core.Payment
	Plate          string `json:"plate"`
	DecisionNumber string `json:"decision_number"`
}

func (s *Service) Payments(ctx context.Context, f core.PaymentFilter) ([]PaymentView, error) {
	ps, err := s.store.Payments().List(ctx, f)
	if err != nil {
		return nil, err
	}
	out := make([]PaymentView, len(ps))
	views := map[int64]View{}
	for i, p := range ps {
		v, ok := views[p.ViolationID]
		if !ok {
			if v, err = s.View(ctx, p.ViolationID); err != nil {
				return nil, err
			}
			views[p.ViolationID] = v
		}
		out[i] = PaymentView{Payment: p, Plate: v.Plate, DecisionNumber: v.DecisionNumber}
	}
	return out, nil
}

// Photos adapts the service and a blob store to what the window needs.
type Photos struct {
	Service *Service
	Blobs   core.BlobStore
}

func (p Photos) Attach(ctx context.Context, violationID int64, name string, data []byte) (core.Violation, error) {
	return p.Service.AttachPhoto(ctx, p.Blobs, violationID, name, data)
}

func (p Photos) Open(hash string) (io.ReadCloser, error) { return p.Blobs.Open(hash) }

// Appeal files an online appeal with its evidence kept next to the photos.
func (p Photos) Appeal(ctx context.Context, id int64, reason string, evidence []Evidence) (core.Violation, error) {
	return p.Service.Appeal(ctx, p.Blobs, id, reason, evidence)
}

// ChargeBack records that the fine is to be recovered from a person (nil
// clears it); MarkRecovered records when it was.
func (s *Service) ChargeBack(ctx context.Context, id int64, personID *int64) (core.Violation, error) {
	v, _, err := s.EditViolation(ctx, id, func(v *core.Violation) {
		v.ChargeBackTo = personID
		if personID == nil {
			v.RecoveredOn = core.Date{}
		}
	})
	return v, err
}

func (s *Service) MarkRecovered(ctx context.Context, id int64, on core.Date) (core.Violation, error) {
	v, _, err := s.EditViolation(ctx, id, func(v *core.Violation) { v.RecoveredOn = on })
	return v, err
}
