package storage

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	sqlite3 "modernc.org/sqlite/lib"

	"ticketbook/core"
)

type violationRepo struct{ handle }

// violationCols gathers the photo hashes in the same query: hashes are hex,
// so a comma cannot occur inside one.
const violationCols = `v.id, v.record_number, v.decision_number, v.vehicle_id, v.occurred_at, v.place, v.code,
	v.description, v.fine_fen, v.points, v.source, v.decided_on, v.received_on, v.status, v.driver_id,
	v.driver_manual, v.notes, v.created_at, v.updated_at, v.notified_on, v.extended_until, v.appealed_on,
	v.appeal_decided_on, v.provider_late_fee_fen, v.provider_late_fee_on, v.charge_back_to, v.recovered_on,
	(SELECT group_concat(hash, ',' ORDER BY position) FROM violation_photos WHERE violation_id = v.id)`

func scanViolation(s scanner) (v core.Violation, err error) {
	var photos sql.NullString
	var providerFee sql.NullInt64
	err = s.Scan(&v.ID, &v.RecordNumber, &v.DecisionNumber, &v.VehicleID, tsCol{&v.OccurredAt}, &v.Place, &v.Code,
		&v.Description, &v.FineFen, &v.Points, &v.Source, dateCol{&v.DecidedOn}, dateCol{&v.ReceivedOn}, &v.Status,
		&v.DriverID, &v.DriverManual, &v.Notes, tsCol{&v.CreatedAt}, tsCol{&v.UpdatedAt},
		dateCol{&v.NotifiedOn}, dateCol{&v.ExtendedUntil}, dateCol{&v.AppealedOn}, dateCol{&v.AppealDecidedOn},
		&providerFee, dateCol{&v.ProviderLateFeeOn}, &v.ChargeBackTo, dateCol{&v.RecoveredOn}, &photos)
	if providerFee.Valid {
		fee := core.Fen(providerFee.Int64)
		v.ProviderLateFeeFen = &fee
	}
	if photos.String != "" {
		v.Photos = strings.Split(photos.String, ",")
	}
	return v, err
}

func (r violationRepo) fail(ctx context.Context, q queryer, err error, v *core.Violation) error {
	return mapErr(ctx, q, err, []unique{
		{"violations.decision_number", core.Conflict("decision_number",
			fmt.Sprintf("a violation with decision number %s is already recorded", v.DecisionNumber),
			fmt.Sprintf("决定书编号为 %s 的违法记录已存在", v.DecisionNumber))},
		{"violations.record_number", core.Conflict("record_number",
			fmt.Sprintf("a violation with record number %s is already recorded", v.RecordNumber),
			fmt.Sprintf("违法编号为 %s 的违法记录已存在", v.RecordNumber))},
	}, ref{vehicleE, &v.VehicleID}, ref{personE, v.DriverID})
}

// Insert stores the violation and its photo links in one transaction, so a
// missing photo leaves no violation without its evidence.
func (r violationRepo) Insert(ctx context.Context, v *core.Violation) error {
	t := now()
	var id int64
	err := r.write(ctx, func(q queryer) (err error) {
		id, err = insertID(ctx, q, `INSERT INTO violations (record_number, decision_number, vehicle_id, occurred_at,
			place, code, description, fine_fen, points, source, decided_on, received_on, status, driver_id,
			driver_manual, notes, created_at, updated_at, notified_on, extended_until, appealed_on, appeal_decided_on,
			provider_late_fee_fen, provider_late_fee_on, charge_back_to, recovered_on)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			v.RecordNumber, v.DecisionNumber, v.VehicleID, ts(v.OccurredAt), v.Place, v.Code, v.Description,
			v.FineFen, v.Points, v.Source, date(v.DecidedOn), date(v.ReceivedOn), v.Status, v.DriverID,
			v.DriverManual, v.Notes, ts(t), ts(t), date(v.NotifiedOn), date(v.ExtendedUntil), date(v.AppealedOn),
			date(v.AppealDecidedOn), v.ProviderLateFeeFen, date(v.ProviderLateFeeOn), v.ChargeBackTo, date(v.RecoveredOn))
		if err != nil {
			return r.fail(ctx, q, err, v)
		}
		return linkPhotos(ctx, q, id, v.Photos)
	})
	if err == nil {
		v.ID, v.CreatedAt, v.UpdatedAt = id, t, t
	}
	return err
}

func (r violationRepo) Update(ctx context.Context, v *core.Violation) error {
	t := now()
	err := r.write(ctx, func(q queryer) error {
		res, err := q.ExecContext(ctx, `UPDATE violations SET record_number = ?, decision_number = ?, vehicle_id = ?,
			occurred_at = ?, place = ?, code = ?, description = ?, fine_fen = ?, points = ?, source = ?,
			decided_on = ?, received_on = ?, status = ?, driver_id = ?, driver_manual = ?, notes = ?, updated_at = ?,
			notified_on = ?, extended_until = ?, appealed_on = ?, appeal_decided_on = ?, provider_late_fee_fen = ?,
			provider_late_fee_on = ?, charge_back_to = ?, recovered_on = ?
			WHERE id = ?`,
			v.RecordNumber, v.DecisionNumber, v.VehicleID, ts(v.OccurredAt), v.Place, v.Code, v.Description,
			v.FineFen, v.Points, v.Source, date(v.DecidedOn), date(v.ReceivedOn), v.Status, v.DriverID,
			v.DriverManual, v.Notes, ts(t), date(v.NotifiedOn), date(v.ExtendedUntil), date(v.AppealedOn),
			date(v.AppealDecidedOn), v.ProviderLateFeeFen, date(v.ProviderLateFeeOn), v.ChargeBackTo, date(v.RecoveredOn), v.ID)
		if err != nil {
			return r.fail(ctx, q, err, v)
		}
		if err := updated(res, violationE.notFound(v.ID)); err != nil {
			return err
		}
		return linkPhotos(ctx, q, v.ID, v.Photos)
	})
	if err == nil {
		v.UpdatedAt = t
	}
	return err
}

// linkPhotos replaces the violation's photo links with hashes, in order.
func linkPhotos(ctx context.Context, q queryer, id int64, hashes []string) error {
	if _, err := q.ExecContext(ctx, `DELETE FROM violation_photos WHERE violation_id = ?`, id); err != nil {
		return err
	}
	for i, h := range hashes {
		_, err := q.ExecContext(ctx, `INSERT INTO violation_photos (violation_id, hash, position) VALUES (?, ?, ?)`, id, h, i)
		switch sqliteCode(err) {
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return core.NotFound("photo", fmt.Sprintf("no photo with hash %s", h), fmt.Sprintf("找不到哈希为 %s 的照片", h))
		case sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return core.Conflict("photo", fmt.Sprintf("photo %s is listed twice", h), fmt.Sprintf("照片 %s 重复", h))
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (r violationRepo) Get(ctx context.Context, id int64) (core.Violation, error) {
	return queryOne(ctx, r.read, scanViolation, violationE.notFound(id),
		`SELECT `+violationCols+` FROM violations v WHERE v.id = ?`, id)
}

func (r violationRepo) FindByNumbers(ctx context.Context, record, decision string) ([]core.Violation, error) {
	return queryAll(ctx, r.read, scanViolation, `SELECT `+violationCols+` FROM violations v
		WHERE (? <> '' AND v.record_number = ?) OR (? <> '' AND v.decision_number = ?) ORDER BY v.id`,
		record, record, decision, decision)
}

// from builds the FROM and WHERE shared by List and Count.
func violationFrom(f core.ViolationFilter) (string, []any) {
	var w where
	from := ` FROM violations v`
	if strings.TrimSpace(f.Search) != "" {
		from += ` JOIN vehicles ve ON ve.id = v.vehicle_id LEFT JOIN people p ON p.id = v.driver_id`
		w.search(f.Search, "ve.plate", "v.decision_number", "v.record_number", "v.place", "p.name")
	}
	if f.VehicleID != 0 {
		w.add("v.vehicle_id = ?", f.VehicleID)
	}
	if f.DriverID != 0 {
		w.add("v.driver_id = ?", f.DriverID)
	}
	in(&w, "v.status", f.Statuses)
	if !f.From.IsZero() {
		w.add("v.occurred_at >= ?", ts(f.From))
	}
	if !f.To.IsZero() {
		w.add("v.occurred_at < ?", ts(f.To))
	}

	return from + w.String(), w.args
}

func (r violationRepo) List(ctx context.Context, f core.ViolationFilter) ([]core.Violation, error) {
	from, args := violationFrom(f)
	order := ` ORDER BY v.occurred_at DESC, v.id DESC`
	switch f.Sort {
	case core.SortDue:
		order = ` ORDER BY coalesce(v.received_on, v.decided_on) IS NULL, coalesce(v.received_on, v.decided_on), v.id`
	case core.SortAmount:
		order = ` ORDER BY v.fine_fen DESC, v.id DESC`
	}
	return queryAll(ctx, r.read, scanViolation, `SELECT `+violationCols+from+order+limit(f.Limit, f.Offset), args...)
}

func (r violationRepo) PointRecords(ctx context.Context, driverID int64, since core.Date) ([]core.Violation, error) {
	return queryAll(ctx, r.read, scanViolation, `SELECT `+violationCols+` FROM violations v
		WHERE v.driver_id = ? AND v.decided_on IS NOT NULL
		  AND (v.decided_on >= ? OR v.status NOT IN ('paid', 'appeal_upheld', 'in_person'))
		ORDER BY v.decided_on, v.id`, driverID, since.String())
}

// Count ignores Limit and Offset: it is the total a pager shows.
func (r violationRepo) Count(ctx context.Context, f core.ViolationFilter) (int, error) {
	from, args := violationFrom(f)
	var n int
	err := r.read.QueryRowContext(ctx, `SELECT count(*)`+from, args...).Scan(&n)
	return n, err
}

type attachmentRepo struct{ handle }

func (r attachmentRepo) Put(ctx context.Context, a *core.Attachment) error {
	if a.CreatedAt.IsZero() {
		a.CreatedAt = now()
	}
	return r.write(ctx, func(q queryer) error {
		// Content-addressed: the same hash is the same file, already stored.
		_, err := q.ExecContext(ctx, `INSERT INTO attachments (hash, name, mime, size, created_at)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT (hash) DO NOTHING`, a.Hash, a.Name, a.Mime, a.Size, ts(a.CreatedAt))
		return mapErr(ctx, q, err, nil)
	})
}

func (r attachmentRepo) Get(ctx context.Context, hash string) (core.Attachment, error) {
	return queryOne(ctx, r.read, func(s scanner) (a core.Attachment, err error) {
		err = s.Scan(&a.Hash, &a.Name, &a.Mime, &a.Size, tsCol{&a.CreatedAt})
		return a, err
	}, core.NotFound("photo", fmt.Sprintf("no attachment with hash %s", hash), fmt.Sprintf("找不到哈希为 %s 的附件", hash)),
		`SELECT hash, name, mime, size, created_at FROM attachments WHERE hash = ?`, hash)
}
