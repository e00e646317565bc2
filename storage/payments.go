package storage

import (
	"context"
	"fmt"

	"ticketbook/core"
)

type paymentRepo struct{ handle }

const paymentCols = `id, violation_id, fine_fen, late_fee_fen, method, paid_at, receipt_number, idempotency_key,
	state, provider_ref, elsewhere, created_at, updated_at`

func scanPayment(s scanner) (p core.Payment, err error) {
	err = s.Scan(&p.ID, &p.ViolationID, &p.FineFen, &p.LateFeeFen, &p.Method, tsPtrCol{&p.PaidAt}, &p.ReceiptNumber,
		&p.IdempotencyKey, &p.State, &p.ProviderRef, &p.Elsewhere, tsCol{&p.CreatedAt}, tsCol{&p.UpdatedAt})
	return p, err
}

func (r paymentRepo) fail(ctx context.Context, q queryer, err error, p *core.Payment) error {
	return mapErr(ctx, q, err, []unique{
		{"payments.idempotency_key", core.Conflict("idempotency_key",
			fmt.Sprintf("a payment with idempotency key %s is already recorded", p.IdempotencyKey),
			fmt.Sprintf("幂等键为 %s 的缴款记录已存在", p.IdempotencyKey))},
		{"payments.violation_id", core.Conflict("violation",
			"this violation already has a payment that has not failed; a fine paid twice cannot be got back",
			"该违法记录已有一笔未失败的缴款；重复缴纳的罚款无法退回")},
	}, ref{violationE, &p.ViolationID})
}

func (r paymentRepo) Insert(ctx context.Context, p *core.Payment) error {
	t := now()
	var id int64
	err := r.write(ctx, func(q queryer) (err error) {
		id, err = insertID(ctx, q, `INSERT INTO payments (`+paymentCols+`) VALUES (NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			p.ViolationID, p.FineFen, p.LateFeeFen, p.Method, tsPtr(p.PaidAt), p.ReceiptNumber, p.IdempotencyKey,
			p.State, p.ProviderRef, p.Elsewhere, ts(t), ts(t))
		return r.fail(ctx, q, err, p)
	})
	if err == nil {
		p.ID, p.CreatedAt, p.UpdatedAt = id, t, t
	}
	return err
}

func (r paymentRepo) Update(ctx context.Context, p *core.Payment) error {
	t := now()
	err := r.write(ctx, func(q queryer) error {
		res, err := q.ExecContext(ctx, `UPDATE payments SET violation_id = ?, fine_fen = ?, late_fee_fen = ?, method = ?,
			paid_at = ?, receipt_number = ?, idempotency_key = ?, state = ?, provider_ref = ?, elsewhere = ?,
			updated_at = ? WHERE id = ?`,
			p.ViolationID, p.FineFen, p.LateFeeFen, p.Method, tsPtr(p.PaidAt), p.ReceiptNumber, p.IdempotencyKey,
			p.State, p.ProviderRef, p.Elsewhere, ts(t), p.ID)
		if err != nil {
			return r.fail(ctx, q, err, p)
		}
		return updated(res, paymentE.notFound(p.ID))
	})
	if err == nil {
		p.UpdatedAt = t
	}
	return err
}

func (r paymentRepo) Get(ctx context.Context, id int64) (core.Payment, error) {
	return queryOne(ctx, r.read, scanPayment, paymentE.notFound(id),
		`SELECT `+paymentCols+` FROM payments WHERE id = ?`, id)
}

func (r paymentRepo) GetByKey(ctx context.Context, key string) (core.Payment, error) {
	return queryOne(ctx, r.read, scanPayment,
		core.NotFound("idempotency_key", fmt.Sprintf("no payment with idempotency key %s", key),
			fmt.Sprintf("找不到幂等键为 %s 的缴款记录", key)),
		`SELECT `+paymentCols+` FROM payments WHERE idempotency_key = ?`, key)
}

func (r paymentRepo) List(ctx context.Context, f core.PaymentFilter) ([]core.Payment, error) {
	var w where
	if f.ViolationID != 0 {
		w.add("violation_id = ?", f.ViolationID)
	}
	in(&w, "state", f.States)
	return queryAll(ctx, r.read, scanPayment,
		`SELECT `+paymentCols+` FROM payments`+w.String()+` ORDER BY created_at DESC, id DESC`, w.args...)
}
