package storage

import (
	"context"
	"database/sql"
	"errors"

	"ticketbook/core"
)

var outboxE = entity{"outbox", "id", "outbox entry", "待发送操作"}

type outboxRepo struct{ handle }

const outboxCols = `id, kind, subject, violation_id, registration_id, payment_id, idempotency_key, payload, request,
	state, outcome, attempts, next_at, lease_until, lease_owner, error_code, last_error, created_at, updated_at, done_at`

func scanOutbox(s scanner) (it core.OutboxItem, err error) {
	err = s.Scan(&it.ID, &it.Kind, &it.Subject, &it.ViolationID, &it.RegistrationID, &it.PaymentID, &it.IdempotencyKey,
		&it.Payload, &it.Request, &it.State, &it.Outcome, &it.Attempts, tsPtrCol{&it.NextAt}, tsPtrCol{&it.LeaseUntil},
		&it.LeaseOwner, &it.ErrorCode, &it.LastError, tsCol{&it.CreatedAt}, tsCol{&it.UpdatedAt}, tsPtrCol{&it.DoneAt})
	return it, err
}

func (r outboxRepo) Add(ctx context.Context, it *core.OutboxItem) error {
	t := now()
	if it.State == "" {
		it.State = core.OutboxQueued
	}
	if it.IdempotencyKey == "" {
		it.IdempotencyKey = core.NewIdempotencyKey()
	}
	if it.Payload == "" {
		it.Payload = "{}"
	}
	var id int64
	err := r.write(ctx, func(q queryer) (err error) {
		id, err = insertID(ctx, q, `INSERT INTO outbox (`+outboxCols+`)
			VALUES (NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			it.Kind, it.Subject, it.ViolationID, it.RegistrationID, it.PaymentID, it.IdempotencyKey, it.Payload,
			it.Request, it.State, it.Outcome, it.Attempts, tsPtr(it.NextAt), tsPtr(it.LeaseUntil), it.LeaseOwner, it.ErrorCode,
			it.LastError, ts(t), ts(t), tsPtr(it.DoneAt))
		return mapErr(ctx, q, err, nil, ref{violationE, it.ViolationID}, ref{registrationE, it.RegistrationID},
			ref{paymentE, it.PaymentID})
	})
	if err == nil {
		it.ID, it.CreatedAt, it.UpdatedAt = id, t, t
	}
	return err
}

func (r outboxRepo) Update(ctx context.Context, it *core.OutboxItem) error {
	t := now()
	err := r.write(ctx, func(q queryer) error {
		res, err := q.ExecContext(ctx, `UPDATE outbox SET payment_id = ?, idempotency_key = ?, payload = ?, request = ?,
			state = ?, outcome = ?, attempts = ?, next_at = ?, lease_until = ?, lease_owner = ?, error_code = ?,
			last_error = ?, updated_at = ?, done_at = ? WHERE id = ?`,
			it.PaymentID, it.IdempotencyKey, it.Payload, it.Request, it.State, it.Outcome, it.Attempts,
			tsPtr(it.NextAt), tsPtr(it.LeaseUntil), it.LeaseOwner, it.ErrorCode, it.LastError, ts(t), tsPtr(it.DoneAt), it.ID)
		if err != nil {
			return mapErr(ctx, q, err, nil, ref{paymentE, it.PaymentID})
		}
		return updated(res, outboxE.notFound(it.ID))
	})
	if err == nil {
		it.UpdatedAt = t
	}
	return err
}

func (r outboxRepo) Get(ctx context.Context, id int64) (core.OutboxItem, error) {
	return queryOne(ctx, r.read, scanOutbox, outboxE.notFound(id), `SELECT `+outboxCols+` FROM outbox WHERE id = ?`, id)
}

func (r outboxRepo) List(ctx context.Context, f core.OutboxFilter) ([]core.OutboxItem, error) {
	var w where
	in(&w, "state", f.States)
	if f.ViolationID != 0 {
		w.add("violation_id = ?", f.ViolationID)
	}
	if f.RegistrationID != 0 {
		w.add("registration_id = ?", f.RegistrationID)
	}
	return queryAll(ctx, r.read, scanOutbox,
		`SELECT `+outboxCols+` FROM outbox`+w.String()+` ORDER BY id`+limit(f.Limit, 0), w.args...)
}

func (r outboxRepo) Claim(ctx context.Context, id int64, c core.OutboxClaim) (bool, error) {
	var n int64
	err := r.write(ctx, func(q queryer) error {
		var w where
		in(&w, "state", c.From)
		res, err := q.ExecContext(ctx, `UPDATE outbox SET state = 'sending', lease_until = ?, lease_owner = ?, updated_at = ?
			WHERE id = ? AND ((`+w.conds[0]+`) OR (state = 'sending' AND (lease_until IS NULL OR lease_until < ?
				OR (? <> '' AND lease_owner = ?))))`,
			append(append([]any{ts(c.Until), c.Owner, ts(c.Now), id}, w.args...), ts(c.Now), c.Evict, c.Evict)...)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n == 1, err
}

type syncRepo struct{ handle }

func (r syncRepo) Cursor(ctx context.Context, vehicleID int64) (string, error) {
	var c string
	err := r.read.QueryRowContext(ctx, `SELECT cursor FROM sync_cursors WHERE vehicle_id = ?`, vehicleID).Scan(&c)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return c, err
}

func (r syncRepo) SetCursor(ctx context.Context, vehicleID int64, cursor string) error {
	return r.write(ctx, func(q queryer) error {
		_, err := q.ExecContext(ctx, `INSERT INTO sync_cursors (vehicle_id, cursor, updated_at) VALUES (?, ?, ?)
			ON CONFLICT (vehicle_id) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at`,
			vehicleID, cursor, ts(now()))
		return mapErr(ctx, q, err, nil, ref{vehicleE, &vehicleID})
	})
}

func (r syncRepo) Remote(ctx context.Context, violationID int64) (core.Remote, bool, error) {
	var rm core.Remote
	err := r.read.QueryRowContext(ctx, `SELECT version, photos, snapshot FROM sync_violations WHERE violation_id = ?`,
		violationID).Scan(&rm.Version, &rm.Photos, &rm.Snapshot)
	if errors.Is(err, sql.ErrNoRows) {
		return rm, false, nil
	}
	return rm, err == nil, err
}

func (r syncRepo) SetRemote(ctx context.Context, violationID int64, rm core.Remote) error {
	return r.write(ctx, func(q queryer) error {
		_, err := q.ExecContext(ctx, `INSERT INTO sync_violations (violation_id, version, photos, snapshot, updated_at)
			VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (violation_id) DO UPDATE SET version = excluded.version, photos = excluded.photos,
			snapshot = excluded.snapshot, updated_at = excluded.updated_at`,
			violationID, rm.Version, rm.Photos, rm.Snapshot, ts(now()))
		return mapErr(ctx, q, err, nil, ref{violationE, &violationID})
	})
}
