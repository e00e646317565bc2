package syncer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/cenkalti/backoff/v5"

	"ticketbook/core"
	"ticketbook/core/field"
	"ticketbook/core/ident"
	"ticketbook/core/provider"
)

// maxPagesPerVehicle bounds one run's pull of one vehicle, so a provider
// that keeps saying "more" cannot keep the run going for ever.
const maxPagesPerVehicle = 200

func (e *Engine) pull(ctx context.Context, acct provider.Account, rep *Report, progress func(Progress)) error {
	if err := e.addAccount(ctx, acct, rep); err != nil {
		return err
	}
	vehicles, err := e.store.Vehicles().List(ctx, core.VehicleFilter{})
	if err != nil {
		return err
	}
	for i, veh := range vehicles {
		progress(Progress{Phase: "pull", Done: i, Total: len(vehicles), Detail: veh.Plate})
		if err := e.pullVehicle(ctx, veh, rep); err != nil {
			return err
		}
	}
	progress(Progress{Phase: "pull", Done: len(vehicles), Total: len(vehicles)})
	return nil
}

// addAccount adds the account's vehicles and licences this desktop lacks.
func (e *Engine) addAccount(ctx context.Context, acct provider.Account, rep *Report) error {
	for _, av := range acct.Vehicles {
		plate, err := ident.ParsePlate(av.Plate)
		if err != nil {
			rep.Warnings = append(rep.Warnings, badData("vehicle", av.Plate, err))
			continue
		}
		have, err := e.store.Vehicles().FindByPlate(ctx, plate.String())
		if err != nil {
			return err
		}
		if haveType(have, av.PlateType) {
			continue
		}
		use := core.VehicleUse(av.Use)
		if _, err := core.ParseVehicleUse(av.Use); err != nil {
			use = core.UsePrivate
		}
		v := core.Vehicle{PlateType: ident.PlateType(av.PlateType), Plate: av.Plate, VIN: av.VIN, Engine: av.Engine,
			OwnerName: av.OwnerName, OwnerKind: core.OwnerOwn, Use: use}
		if _, err := e.fleet.AddVehicle(ctx, v); err != nil {
			rep.Warnings = append(rep.Warnings, badData("vehicle", av.Plate, err))
			continue
		}
		rep.VehiclesAdded++
	}
	if len(acct.Licences) == 0 {
		return nil
	}
	people, err := e.store.People().List(ctx, core.PersonFilter{})
	if err != nil {
		return err
	}
	for _, l := range acct.Licences {
		if l.LicenceFile == "" || hasLicence(people, l.LicenceFile) {
			continue
		}
		role := core.RoleFamily
		if l.Name == acct.Name {
			role = core.RoleOwner
		}
		p := core.Person{Name: l.Name, LicenceFile: l.LicenceFile, IDNumber: l.IDNumber, LicenceClass: l.Class, Role: role}
		if d, err := core.ParseDate("first_issued", l.FirstIssued); err == nil && l.FirstIssued != "" {
			p.FirstIssued = d
		}
		if d, err := core.ParseDate("valid_until", l.ValidUntil); err == nil && l.ValidUntil != "" {
			p.ValidUntil = d
		}
		added, err := e.fleet.AddPerson(ctx, p)
		if err != nil {
			rep.Warnings = append(rep.Warnings, badData("licence", l.Name, err))
			continue
		}
		people = append(people, added)
		rep.PeopleAdded++
	}
	return nil
}

func haveType(vs []core.Vehicle, plateType string) bool {
	for _, v := range vs {
		if string(v.PlateType) == plateType || plateType == "" {
			return true
		}
	}
	return false
}

func hasLicence(ps []core.Person, file string) bool {
	for _, p := range ps {
		if p.LicenceFile == file {
			return true
		}
	}
	return false
}

var dataNames = map[string]string{"vehicle": "车辆", "licence": "驾驶证", "record": "违法记录", "photo": "照片"}

func badData(what, which string, err error) Problem {
	return Problem{Code: "bad_provider_data",
		Message:   fmt.Sprintf("the provider's %s %s was not taken: %v", what, which, err),
		MessageZh: fmt.Sprintf("服务方的%s %s 未导入：%v", dataNames[what], which, field.Localize(err, "zh")),
		ToDo:      "Tell the provider; nothing to do here.", ToDoZh: "请告知服务方，此处无需处理。"}
}

// pullVehicle takes every page changed since the vehicle's cursor. A
// vehicle that cannot be pulled now is a warning, not a failed run.
func (e *Engine) pullVehicle(ctx context.Context, veh core.Vehicle, rep *Report) error {
	cursor, err := e.store.Sync().Cursor(ctx, veh.ID)
	if err != nil {
		return err
	}
	for range maxPagesPerVehicle {
		page, err := backoff.Retry(ctx, func() (provider.ViolationPage, error) {
			p, err := e.client.Violations(ctx, string(veh.PlateType), veh.Plate, provider.VINTail(veh.VIN), cursor, e.opt.PageSize)
			return p, e.retryable(err)
		}, backoff.WithBackOff(e.backoff()), backoff.WithMaxTries(e.opt.TriesPerRun), backoff.WithMaxElapsedTime(0))
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, provider.ErrOffline) || provider.Code(err) == provider.CodeUnauthorized {
				return e.fatal(err)
			}
			rep.Warnings = append(rep.Warnings, vehicleWarning(veh, err))
			return nil
		}
		if len(page.Violations) > provider.MaxPageSize {
			rep.Warnings = append(rep.Warnings, vehicleWarning(veh, errors.New("the provider sent an oversized page")))
			return nil
		}
		for _, pv := range page.Violations {
			if err := e.pullOne(ctx, veh, pv, rep); err != nil {
				return err
			}
		}
		if page.Cursor != "" && page.Cursor != cursor {
			if err := e.store.Sync().SetCursor(ctx, veh.ID, truncate(page.Cursor, 200)); err != nil {
				return err
			}
			cursor = page.Cursor
		}
		if !page.More {
			return nil
		}
	}
	return nil
}

func vehicleWarning(veh core.Vehicle, err error) Problem {
	p := Problem{VehicleID: veh.ID, Code: provider.Code(err),
		Message:   fmt.Sprintf("%s not synced: %s", veh.Plate, messageOf(err)),
		MessageZh: fmt.Sprintf("%s 未同步：%s", veh.Plate, messageOf(err)),
		ToDo:      "It is tried again at the next sync.", ToDoZh: "下次同步时会再试。"}
	switch p.Code {
	case provider.CodeVehicleMismatch:
		p.ToDo, p.ToDoZh = todoVehicle.en, todoVehicle.zh
	case provider.CodeProcessing:
		p.Message = fmt.Sprintf("%s: the provider is still looking up its records", veh.Plate)
		p.MessageZh = fmt.Sprintf("%s：服务方仍在查询违法记录", veh.Plate)
	}
	return p
}

// pullOne merges one record and then fetches its missing photos.
func (e *Engine) pullOne(ctx context.Context, veh core.Vehicle, pv provider.Violation, rep *Report) error {
	var id int64
	err := e.store.InTx(ctx, func(r core.Repos) (err error) {
		id, err = e.mergeViolation(ctx, r, veh.ID, pv, rep, false)
		return err
	})
	var bad *badRecord
	if errors.As(err, &bad) {
		rep.Warnings = append(rep.Warnings, badData("record", pv.RecordNumber, bad.err))
		return nil
	}
	if err != nil || id == 0 {
		return err
	}
	return e.fetchPhotos(ctx, id, pv, rep)
}

type badRecord struct{ err error }

func (b *badRecord) Error() string { return b.err.Error() }

// snapshot is the provider-owned part of a violation, as strings, so the
// last pulled values can be kept and compared.
type snapshot struct {
	Status          string `json:"status"`
	Fine            string `json:"fine"`
	Points          string `json:"points"`
	DecisionNumber  string `json:"decision_number"`
	DecidedOn       string `json:"decided_on"`
	NotifiedOn      string `json:"notified_on"`
	AppealedOn      string `json:"appealed_on"`
	AppealDecidedOn string `json:"appeal_decided_on"`
}

func snapshotOf(s string) snapshot {
	var sn snapshot
	_ = json.Unmarshal([]byte(s), &sn)
	return sn
}

func localSnapshot(v core.Violation) snapshot {
	ds := func(d core.Date) string {
		if d.IsZero() {
			return ""
		}
		return d.String()
	}
	return snapshot{Status: string(v.Status), Fine: v.FineFen.Yuan(), Points: strconv.Itoa(v.Points),
		DecisionNumber: v.DecisionNumber, DecidedOn: ds(v.DecidedOn), NotifiedOn: ds(v.NotifiedOn),
		AppealedOn: ds(v.AppealedOn), AppealDecidedOn: ds(v.AppealDecidedOn)}
}

func parseDay(s string) (core.Date, error) {
	if s == "" {
		return core.Date{}, nil
	}
	return core.ParseDate("date", s)
}

// applyProvider copies the provider-owned fields of pv onto v.
func applyProvider(v *core.Violation, pv provider.Violation, withStatus bool) error {
	st, err := core.ParseViolationStatus(pv.Status)
	if err != nil {
		return err
	}
	decided, err := parseDay(pv.DecidedOn)
	if err != nil {
		return err
	}
	notified, err := parseDay(pv.NotifiedOn)
	if err != nil {
		return err
	}
	lateOn, err := parseDay(pv.LateFeeOn)
	if err != nil {
		return err
	}
	v.FineFen, v.Points, v.DecisionNumber, v.DecidedOn, v.NotifiedOn = core.Fen(pv.FineFen), pv.Points, pv.DecisionNumber, decided, notified
	if v.RecordNumber == "" {
		v.RecordNumber = pv.RecordNumber
	}
	if pv.LateFeeFen != nil {
		fee := core.Fen(*pv.LateFeeFen)
		v.ProviderLateFeeFen, v.ProviderLateFeeOn = &fee, lateOn
	}
	if a := pv.Appeal; a != nil {
		if filed, err := parseDay(a.FiledOn); err == nil && !filed.IsZero() {
			v.AppealedOn = filed
		}
		if dec, err := parseDay(a.DecidedOn); err == nil && !dec.IsZero() {
			v.AppealDecidedOn = dec
		}
	}
	if withStatus {
		v.Status = st
	}
	return nil
}

// mergeViolation takes one provider record into the book, in the caller's
// transaction, and returns the local id. The provider owns status, fine,
// points, decision number and the late fee; the user owns the driver, the
// notes and custody. While an action of the user's on the record is still
// on its way, the local status stands (the provider has not seen it yet).
// A provider-owned field the user changed since the last pull is a
// conflict: the provider's value is kept and the user's is reported.
func (e *Engine) mergeViolation(ctx context.Context, r core.Repos, vehicleID int64, pv provider.Violation, rep *Report, fromAction bool) (int64, error) {
	rec, err := ident.ParseRecordNumber(pv.RecordNumber)
	if err != nil {
		return 0, &badRecord{err}
	}
	pv.RecordNumber = rec
	if pv.DecisionNumber != "" {
		d, err := ident.ParseDecisionNumber(pv.DecisionNumber)
		if err != nil {
			return 0, &badRecord{err}
		}
		pv.DecisionNumber = d.String()
	}
	found, err := r.Violations().FindByNumbers(ctx, pv.RecordNumber, pv.DecisionNumber)
	if err != nil {
		return 0, err
	}
	if len(found) == 0 {
		return e.insertPulled(ctx, r, vehicleID, pv, rep)
	}
	v := found[0]
	if v.VehicleID != vehicleID {
		return 0, &badRecord{fmt.Errorf("record %s belongs to another vehicle here", pv.RecordNumber)}
	}
	pending, err := r.Outbox().List(ctx, core.OutboxFilter{ViolationID: v.ID, States: pendingStates})
	if err != nil {
		return 0, err
	}
	// The action being finished is itself still marked pending.
	waiting := len(pending) > 0 && !(fromAction && len(pending) == 1)
	rm, pulled, err := r.Sync().Remote(ctx, v.ID)
	if err != nil {
		return 0, err
	}
	old := v
	if err := applyProvider(&v, pv, !waiting); err != nil {
		return 0, &badRecord{err}
	}
	if err := v.Normalize(); err != nil {
		return 0, &badRecord{err}
	}
	e.noteConflicts(rep, old, v, rm, pulled)
	if localSnapshot(old) != localSnapshot(v) || !sameFee(old, v) {
		if err := r.Violations().Update(ctx, &v); err != nil {
			return 0, err
		}
		if err := addChanges(ctx, r, old, v, e.now()); err != nil {
			return 0, err
		}
		rep.ViolationsUpdated++
	}
	if v.Status == core.StatusPaid && !waiting {
		if err := e.recordElsewhereIfNone(ctx, r, v, pv, rep); err != nil {
			return 0, err
		}
	}
	sn, _ := json.Marshal(localSnapshot(v))
	return v.ID, r.Sync().SetRemote(ctx, v.ID, core.Remote{Version: pv.Version, Photos: rm.Photos, Snapshot: string(sn)})
}

func sameFee(a, b core.Violation) bool {
	if (a.ProviderLateFeeFen == nil) != (b.ProviderLateFeeFen == nil) {
		return false
	}
	return a.ProviderLateFeeFen == nil || (*a.ProviderLateFeeFen == *b.ProviderLateFeeFen && a.ProviderLateFeeOn == b.ProviderLateFeeOn)
}

func (e *Engine) noteConflicts(rep *Report, old, cur core.Violation, rm core.Remote, pulled bool) {
	was, now := localSnapshot(old), localSnapshot(cur)
	base := snapshotOf(rm.Snapshot)
	check := func(field, local, remote, baseValue string) {
		if local == remote || local == "" {
			return
		}
		// Pulled before: a conflict only when the user changed it since.
		// Never pulled (entered by hand): any difference is one.
		if pulled && local == baseValue {
			return
		}
		rep.Conflicts = append(rep.Conflicts, Conflict{ViolationID: cur.ID, Field: field, Local: local, Provider: remote})
	}
	check("fine", was.Fine, now.Fine, base.Fine)
	check("points", was.Points, now.Points, base.Points)
	check("decision_number", was.DecisionNumber, now.DecisionNumber, base.DecisionNumber)
	check("decided", was.DecidedOn, now.DecidedOn, base.DecidedOn)
}

func (e *Engine) insertPulled(ctx context.Context, r core.Repos, vehicleID int64, pv provider.Violation, rep *Report) (int64, error) {
	v := core.Violation{VehicleID: vehicleID, RecordNumber: pv.RecordNumber, OccurredAt: pv.OccurredAt.UTC(),
		Place: truncateRunes(pv.Place, 200), Code: pv.Code, Description: truncateRunes(pv.Description, 500), Source: core.SourceCamera}
	if err := applyProvider(&v, pv, true); err != nil {
		return 0, &badRecord{err}
	}
	if err := v.Normalize(); err != nil {
		return 0, &badRecord{err}
	}
	if err := r.Violations().Insert(ctx, &v); err != nil {
		return 0, err
	}
	if err := r.Changes().Add(ctx, &core.Change{Entity: "violation", EntityID: v.ID, Field: "created",
		New: string(v.Status) + " (provider)"}); err != nil {
		return 0, err
	}
	rep.ViolationsAdded++
	if v.Status == core.StatusPaid {
		if err := e.recordElsewhereIfNone(ctx, r, v, pv, rep); err != nil {
			return 0, err
		}
	}
	sn, _ := json.Marshal(localSnapshot(v))
	return v.ID, r.Sync().SetRemote(ctx, v.ID, core.Remote{Version: pv.Version, Snapshot: string(sn)})
}

func truncateRunes(s string, n int) string {
	rs := []rune(strings.TrimSpace(s))
	if len(rs) > n {
		rs = rs[:n]
	}
	return string(rs)
}

// recordElsewhereIfNone records the provider's payment of a paid record
// that has no payment here: it was paid outside this desktop.
func (e *Engine) recordElsewhereIfNone(ctx context.Context, r core.Repos, v core.Violation, pv provider.Violation, rep *Report) error {
	live, err := r.Payments().List(ctx, core.PaymentFilter{ViolationID: v.ID,
		States: []core.PayState{core.PayQueued, core.PaySubmitted, core.PayUnknown, core.PayConfirmed}})
	if err != nil || len(live) > 0 {
		return err
	}
	if err := e.recordElsewhere(ctx, r, v.ID, pv.Payment); err != nil {
		return err
	}
	rep.PaidElsewhere++
	return nil
}

// fetchPhotos stores the record's photos not yet here, each bounded in size
// and checked to be an image.
func (e *Engine) fetchPhotos(ctx context.Context, id int64, pv provider.Violation, rep *Report) error {
	rm, ok, err := e.store.Sync().Remote(ctx, id)
	if err != nil || !ok || e.blobs == nil {
		return err
	}
	want := min(pv.PhotoCount, e.opt.MaxPhotos)
	for n := rm.Photos; n < want; n++ {
		data, err := e.client.Photo(ctx, pv.RecordNumber, n)
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, provider.ErrOffline) {
				return e.fatal(err)
			}
			rep.Warnings = append(rep.Warnings, badData("photo", pv.RecordNumber, err))
			return nil
		}
		mime := http.DetectContentType(data)
		if !strings.HasPrefix(mime, "image/") {
			rep.Warnings = append(rep.Warnings, badData("photo", pv.RecordNumber, fmt.Errorf("not an image (%s)", mime)))
			return nil
		}
		hash, err := e.blobs.Put(ctx, data)
		if err != nil {
			return err
		}
		err = e.store.InTx(ctx, func(r core.Repos) error {
			if err := r.Attachments().Put(ctx, &core.Attachment{Hash: hash, Name: fmt.Sprintf("%s-%d", pv.RecordNumber, n+1),
				Mime: mime, Size: int64(len(data))}); err != nil {
				return err
			}
			v, err := r.Violations().Get(ctx, id)
			if err != nil {
				return err
			}
			if !slices.Contains(v.Photos, hash) {
				v.Photos = append(v.Photos, hash)
				if err := r.Violations().Update(ctx, &v); err != nil {
					return err
				}
			}
			cur, _, err := r.Sync().Remote(ctx, id)
			if err != nil {
				return err
			}
			cur.Photos = n + 1
			return r.Sync().SetRemote(ctx, id, cur)
		})
		if err != nil {
			return err
		}
		rep.PhotosFetched++
	}
	return nil
}
