package syncer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/cenkalti/backoff/v5"

	"ticketbook/core"
	"ticketbook/core/provider"
)

var pendingStates = []core.OutboxState{core.OutboxQueued, core.OutboxSending, core.OutboxUnknown}

// push sends every due entry, in order within each violation or
// registration: an entry that has to wait holds back the ones after it.
func (e *Engine) push(ctx context.Context, rep *Report, progress func(Progress)) error {
	items, err := e.store.Outbox().List(ctx, core.OutboxFilter{States: pendingStates})
	if err != nil {
		return err
	}
	held := map[string]bool{}
	for i, it := range items {
		progress(Progress{Phase: "push", Done: i, Total: len(items), Detail: it.Kind.Name("en")})
		if held[it.Subject] {
			continue
		}
		now := e.now().UTC()
		if it.NextAt != nil && it.NextAt.After(now) {
			held[it.Subject] = true
			continue
		}
		claim := core.OutboxClaim{From: []core.OutboxState{core.OutboxQueued, core.OutboxUnknown},
			Until: now.Add(e.opt.Lease), Now: now, Owner: e.opt.Owner}
		if it.State == core.OutboxSending && it.LeaseOwner != "" && it.LeaseOwner != e.opt.Owner &&
			e.opt.Dead != nil && e.opt.Dead(it.LeaseOwner) {
			claim.Evict = it.LeaseOwner
		}
		claimed, err := e.store.Outbox().Claim(ctx, it.ID, claim)
		if err != nil {
			return err
		}
		if !claimed { // another process is sending it
			held[it.Subject] = true
			continue
		}
		if it, err = e.store.Outbox().Get(ctx, it.ID); err != nil {
			return err
		}
		err = e.attempt(ctx, &it, rep)
		if err == nil {
			if it.State != core.OutboxDone {
				held[it.Subject] = true
			}
			continue
		}
		held[it.Subject] = true
		if rerr := e.release(context.WithoutCancel(ctx), &it, err); rerr != nil {
			return errors.Join(err, rerr)
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if errors.Is(err, provider.ErrOffline) || provider.Code(err) == provider.CodeUnauthorized {
			return e.fatal(err)
		}
	}
	progress(Progress{Phase: "push", Done: len(items), Total: len(items)})
	return nil
}

// attempt tries one entry a few times within the run. It returns nil once
// the entry is done or failed (recorded), or the error that made it wait.
func (e *Engine) attempt(ctx context.Context, it *core.OutboxItem, rep *Report) error {
	_, err := backoff.Retry(ctx, func() (struct{}, error) {
		err := e.once(ctx, it, rep)
		return struct{}{}, e.retryable(err)
	}, backoff.WithBackOff(e.backoff()), backoff.WithMaxTries(e.opt.TriesPerRun), backoff.WithMaxElapsedTime(0))
	return err
}

// retryable sorts an error for backoff.Retry: temporary ones are retried
// (after Retry-After when the provider named one), the rest end the attempt.
func (e *Engine) retryable(err error) error {
	if err == nil {
		return nil
	}
	var ae *provider.APIError
	switch {
	case errors.Is(err, provider.ErrOffline), errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, provider.ErrNoReply):
		return backoff.Permanent(err)
	case errors.As(err, &ae) && ae.Temporary() && ae.RetryAfter > 0:
		if ae.RetryAfter > e.opt.MaxWaitInRun {
			return backoff.Permanent(err)
		}
		return fmt.Errorf("%w: %w", &backoff.RetryAfterError{Duration: ae.RetryAfter}, err)
	case errors.As(err, &ae) && (ae.Temporary() || ae.Status >= 500):
		return err
	case errors.Is(err, provider.ErrNoReply):
		return err
	}
	return backoff.Permanent(err)
}

// backoff is exponential backoff with full jitter (a random wait between
// zero and the exponential ceiling), so desktops coming back online together
// do not retry in step.
func (e *Engine) backoff() backoff.BackOff {
	exp := &backoff.ExponentialBackOff{InitialInterval: e.opt.BaseDelay, Multiplier: 2, MaxInterval: e.opt.MaxDelay}
	exp.Reset()
	return &fullJitter{exp: exp, e: e}
}

type fullJitter struct {
	exp *backoff.ExponentialBackOff
	e   *Engine
}

func (f *fullJitter) Reset() { f.exp.Reset() }
func (f *fullJitter) NextBackOff() time.Duration {
	ceiling := f.exp.NextBackOff()
	f.e.mu.Lock()
	defer f.e.mu.Unlock()
	return time.Duration(f.e.rnd.Int64N(int64(ceiling) + 1))
}

// release gives a claimed entry back after a failed attempt. A request that
// was ever frozen may have reached the provider, so the entry becomes
// "unknown": a payment is then looked up before it is sent again.
func (e *Engine) release(ctx context.Context, it *core.OutboxItem, cause error) error {
	it.Attempts++
	it.LeaseUntil = nil
	it.State = core.OutboxQueued
	if it.Request != "" {
		it.State = core.OutboxUnknown
	}
	wait := e.delay(it.Attempts)
	var ae *provider.APIError
	if errors.As(cause, &ae) && ae.RetryAfter > wait {
		wait = ae.RetryAfter
	}
	if errors.Is(cause, context.Canceled) || errors.Is(cause, provider.ErrOffline) {
		wait = 0 // nothing wrong with the entry: try again as soon as possible
	}
	next := e.now().UTC().Add(wait)
	it.NextAt = &next
	it.ErrorCode = provider.Code(cause)
	it.LastError = truncate(cause.Error(), 500)
	return e.store.InTx(ctx, func(r core.Repos) error {
		if it.Kind == core.OutboxPay && it.PaymentID != nil && it.State == core.OutboxUnknown {
			p, err := r.Payments().Get(ctx, *it.PaymentID)
			if err != nil {
				return err
			}
			if p.State == core.PaySubmitted || p.State == core.PayQueued {
				p.State = core.PayUnknown
				if err := r.Payments().Update(ctx, &p); err != nil {
					return err
				}
			}
		}
		return r.Outbox().Update(ctx, it)
	})
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

func (e *Engine) once(ctx context.Context, it *core.OutboxItem, rep *Report) error {
	switch it.Kind {
	case core.OutboxPay:
		return e.sendPay(ctx, it, rep)
	case core.OutboxConfirm:
		return e.sendConfirm(ctx, it, rep)
	case core.OutboxAppeal:
		return e.sendAppeal(ctx, it, rep)
	case core.OutboxRegister:
		return e.sendRegister(ctx, it, rep)
	case core.OutboxCancelRegistration:
		return e.sendCancel(ctx, it, rep)
	}
	return e.fail(ctx, it, rep, "unknown_kind", fmt.Errorf("unknown outbox kind %q", it.Kind), todoNone, nil)
}

// freeze stores the exact request before it is first sent, together with
// whatever local change marks the action as under way.
func (e *Engine) freeze(ctx context.Context, it *core.OutboxItem, body string, also func(core.Repos) error) error {
	it.Request = body
	return e.store.InTx(ctx, func(r core.Repos) error {
		if also != nil {
			if err := also(r); err != nil {
				return err
			}
		}
		return r.Outbox().Update(ctx, it)
	})
}

// finish marks the entry done together with its local effects.
func (e *Engine) finish(ctx context.Context, it *core.OutboxItem, rep *Report, outcome string, apply func(core.Repos) error) error {
	now := e.now().UTC()
	it.State, it.Outcome, it.DoneAt, it.LeaseUntil, it.NextAt = core.OutboxDone, outcome, &now, nil, nil
	it.ErrorCode, it.LastError = "", ""
	err := e.settle(ctx, it, apply)
	if err == nil && outcome == core.OutcomeApplied {
		rep.Sent++
	}
	return err
}

// settle stores a done or failed entry with its local effects in one
// transaction, and has its vehicle pulled again.
func (e *Engine) settle(ctx context.Context, it *core.OutboxItem, apply func(core.Repos) error) error {
	return e.store.InTx(ctx, func(r core.Repos) error {
		if apply != nil {
			if err := apply(r); err != nil {
				return err
			}
		}
		if err := repull(ctx, r, it); err != nil {
			return err
		}
		return r.Outbox().Update(ctx, it)
	})
}

// repull makes the next pull take the entry's vehicle from the start. While
// the entry was on its way, pulls kept the local status and moved the cursor
// on; once it is settled the provider's status must be taken again.
func repull(ctx context.Context, r core.Repos, it *core.OutboxItem) error {
	if it.ViolationID == nil {
		return nil
	}
	v, err := r.Violations().Get(ctx, *it.ViolationID)
	if err != nil {
		return err
	}
	return r.Sync().SetCursor(ctx, v.VehicleID, "")
}

// todo is what the user can do about a refused entry.
type todo struct{ en, zh string }

var (
	todoNone     = todo{"Nothing to do; the entry is kept for the record.", "无需处理，记录已保留。"}
	todoFixRetry = todo{"Correct the record, then retry the entry from the sync panel (or `ticketbook outbox retry ID`).",
		"修正记录后，在同步面板中重试（或 `ticketbook outbox retry ID`）。"}
	todoWindow  = todo{"Handle this ticket in person at a traffic police service window.", "请到交管业务窗口现场处理。"}
	todoLicence = todo{"Check the driver's licence file number and points, or confirm with another licence.",
		"请核对驾驶证档案编号和记分，或改用其他驾驶证确认。"}
	todoPayAgain = todo{"Nothing was charged. Check the amount due and pay again.", "未扣款。请核对应缴金额后重新缴款。"}
	todoVehicle  = todo{"Check the vehicle's VIN: the provider says it does not match the plate.",
		"请核对车架号：服务方称与号牌不符。"}
	todoQuota = todo{"The registration quota is used up; try again tomorrow or apply at a service window.",
		"备案次数已用完，请明天再试或到窗口办理。"}
)

// fail records a refusal: the entry stops, and the run's report says what to do.
func (e *Engine) fail(ctx context.Context, it *core.OutboxItem, rep *Report, code string, cause error, t todo, apply func(core.Repos) error) error {
	it.State, it.LeaseUntil, it.NextAt = core.OutboxFailed, nil, nil
	it.ErrorCode, it.LastError = code, truncate(cause.Error(), 500)
	err := e.settle(ctx, it, apply)
	if err == nil {
		rep.Failures = append(rep.Failures, Problem{OutboxID: it.ID, ViolationID: deref(it.ViolationID), Code: code,
			Message:   fmt.Sprintf("%s: %s", it.Kind.Name("en"), messageOf(cause)),
			MessageZh: fmt.Sprintf("%s：%s", it.Kind.Name("zh"), messageOf(cause)), ToDo: t.en, ToDoZh: t.zh})
	}
	return err
}

func messageOf(err error) string {
	var ae *provider.APIError
	if errors.As(err, &ae) && ae.Body.Message != "" {
		return ae.Body.Message
	}
	return err.Error()
}

func deref(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// refusal says whether err is the provider's definite "no" to this request
// (nothing was done), as opposed to a transport or temporary problem.
func refusal(err error) bool {
	var ae *provider.APIError
	return errors.As(err, &ae) && !ae.Temporary() && ae.Status < 500 && ae.Body.Code != provider.CodeUnauthorized
}

// ---- pay ----

func (e *Engine) sendPay(ctx context.Context, it *core.OutboxItem, rep *Report) error {
	if it.PaymentID == nil || it.ViolationID == nil {
		return e.fail(ctx, it, rep, "broken_entry", errors.New("payment entry without its payment"), todoNone, nil)
	}
	pay, err := e.store.Payments().Get(ctx, *it.PaymentID)
	if err != nil {
		return err
	}
	if it.Request != "" {
		// It may already have been charged: ask before sending anything.
		got, err := e.client.PaymentByKey(ctx, it.IdempotencyKey)
		if err == nil {
			return e.payAccepted(ctx, it, rep, got)
		}
		if provider.Code(err) != provider.CodeNotFound {
			return err
		}
	} else if err := e.freezePay(ctx, it, &pay, nil); errors.Is(err, errNotDecided) {
		return e.failPay(ctx, it, rep, provider.CodeNotDecided, err, todoFixRetry)
	} else if err != nil {
		return e.payRefused(ctx, it, rep, err)
	}
	got, err := e.client.Pay(ctx, it.IdempotencyKey, []byte(it.Request))
	if err == nil {
		return e.payAccepted(ctx, it, rep, got)
	}
	return e.payRefused(ctx, it, rep, err)
}

// errNotDecided: a payment goes by decision number, and the record has none
// here (a confirmation it waited for was refused, or the number was removed).
var errNotDecided = errors.New("the record has no decision number yet")

// freezePay quotes the amount due and freezes the request. With quote given
// (after amount_mismatch, which proves nothing was charged) it re-freezes
// under a new key, since a provider may remember the refused body.
func (e *Engine) freezePay(ctx context.Context, it *core.OutboxItem, pay *core.Payment, quote *provider.Quote) error {
	v, err := e.store.Violations().Get(ctx, *it.ViolationID)
	if err != nil {
		return err
	}
	if v.DecisionNumber == "" {
		return errNotDecided
	}
	if quote == nil {
		q, err := e.client.Quote(ctx, v.DecisionNumber)
		if err != nil {
			return err
		}
		quote = &q
	} else {
		it.IdempotencyKey = core.NewIdempotencyKey()
		pay.IdempotencyKey = it.IdempotencyKey
	}
	var pp core.PayPayload
	_ = json.Unmarshal([]byte(it.Payload), &pp)
	body := provider.JSON(provider.PayRequest{DecisionNumber: v.DecisionNumber, AmountFen: quote.TotalFen, Method: string(pp.Method)})
	return e.freeze(ctx, it, string(body), func(r core.Repos) error {
		pay.FineFen, pay.LateFeeFen, pay.State = core.Fen(quote.FineFen), core.Fen(quote.LateFeeFen), core.PaySubmitted
		return r.Payments().Update(ctx, pay)
	})
}

func (e *Engine) payRefused(ctx context.Context, it *core.OutboxItem, rep *Report, err error) error {
	if !refusal(err) {
		return err
	}
	var ae *provider.APIError
	errors.As(err, &ae)
	switch ae.Body.Code {
	case provider.CodeAlreadyPaid:
		return e.paidElsewhere(ctx, it, rep, ae.Body.Payment)
	case provider.CodeAmountMismatch:
		if ae.Body.Quote != nil && it.Attempts < 3 {
			it.Attempts++
			pay, gerr := e.store.Payments().Get(ctx, *it.PaymentID)
			if gerr != nil {
				return gerr
			}
			if ferr := e.freezePay(ctx, it, &pay, ae.Body.Quote); ferr != nil {
				return ferr
			}
			got, perr := e.client.Pay(ctx, it.IdempotencyKey, []byte(it.Request))
			if perr == nil {
				return e.payAccepted(ctx, it, rep, got)
			}
			return e.payRefused(ctx, it, rep, perr)
		}
		return e.failPay(ctx, it, rep, ae.Body.Code, ae, todoPayAgain)
	case provider.CodeInPersonOnly:
		return e.failPay(ctx, it, rep, ae.Body.Code, ae, todoWindow)
	}
	return e.failPay(ctx, it, rep, ae.Body.Code, ae, todoFixRetry)
}

func (e *Engine) failPay(ctx context.Context, it *core.OutboxItem, rep *Report, code string, cause error, t todo) error {
	return e.fail(ctx, it, rep, code, cause, t, func(r core.Repos) error {
		p, err := r.Payments().Get(ctx, *it.PaymentID)
		if err != nil {
			return err
		}
		p.State = core.PayFailed
		return r.Payments().Update(ctx, &p)
	})
}

func (e *Engine) payAccepted(ctx context.Context, it *core.OutboxItem, rep *Report, got provider.Payment) error {
	return e.finish(ctx, it, rep, core.OutcomeApplied, func(r core.Repos) error {
		p, err := r.Payments().Get(ctx, *it.PaymentID)
		if err != nil {
			return err
		}
		paidAt := got.PaidAt.UTC()
		p.State, p.PaidAt, p.ReceiptNumber, p.ProviderRef = core.PayConfirmed, &paidAt, truncate(got.ReceiptNumber, 64), got.ID
		p.FineFen, p.LateFeeFen = core.Fen(got.FineFen), core.Fen(got.LateFeeFen)
		if err := r.Payments().Update(ctx, &p); err != nil {
			return err
		}
		return e.markPaid(ctx, r, *it.ViolationID)
	})
}

// paidElsewhere records that someone else settled the ticket: our payment
// never happened (failed, nothing charged) and theirs is recorded.
func (e *Engine) paidElsewhere(ctx context.Context, it *core.OutboxItem, rep *Report, theirs *provider.Payment) error {
	if theirs != nil && theirs.IdempotencyKey == it.IdempotencyKey {
		return e.payAccepted(ctx, it, rep, *theirs)
	}
	err := e.finish(ctx, it, rep, core.OutcomeElsewhere, func(r core.Repos) error {
		ours, err := r.Payments().Get(ctx, *it.PaymentID)
		if err != nil {
			return err
		}
		ours.State = core.PayFailed
		if err := r.Payments().Update(ctx, &ours); err != nil {
			return err
		}
		if err := e.recordElsewhere(ctx, r, *it.ViolationID, theirs); err != nil {
			return err
		}
		return e.markPaid(ctx, r, *it.ViolationID)
	})
	if err == nil {
		rep.PaidElsewhere++
		rep.Warnings = append(rep.Warnings, Problem{OutboxID: it.ID, ViolationID: *it.ViolationID, Code: provider.CodeAlreadyPaid,
			Message:   "already paid elsewhere; Ticketbook charged nothing and recorded that payment",
			MessageZh: "已在其他渠道缴款；Ticketbook 未扣款，并已记录该笔缴款",
			ToDo:      todoNone.en, ToDoZh: todoNone.zh})
	}
	return err
}

// recordElsewhere stores a payment made outside this desktop, once.
func (e *Engine) recordElsewhere(ctx context.Context, r core.Repos, violationID int64, theirs *provider.Payment) error {
	v, err := r.Violations().Get(ctx, violationID)
	if err != nil {
		return err
	}
	p := core.Payment{ViolationID: violationID, FineFen: v.FineFen, Method: core.PayCounter, State: core.PayConfirmed,
		Elsewhere: true, IdempotencyKey: "elsewhere:" + v.RecordNumber + v.DecisionNumber}
	if theirs != nil {
		if _, err := r.Payments().GetByKey(ctx, theirs.IdempotencyKey); err == nil {
			return nil // already recorded
		}
		paidAt := theirs.PaidAt.UTC()
		p.FineFen, p.LateFeeFen, p.PaidAt = core.Fen(theirs.FineFen), core.Fen(theirs.LateFeeFen), &paidAt
		p.ReceiptNumber, p.ProviderRef, p.IdempotencyKey = truncate(theirs.ReceiptNumber, 64), theirs.ID, theirs.IdempotencyKey
		if m, err := core.ParsePayMethod(theirs.Method); err == nil {
			p.Method = m
		}
	} else if _, err := r.Payments().GetByKey(ctx, p.IdempotencyKey); err == nil {
		return nil
	}
	if p.PaidAt == nil {
		now := e.now().UTC()
		p.PaidAt = &now
	}
	if err := p.Normalize(); err != nil {
		return err
	}
	live, err := r.Payments().List(ctx, core.PaymentFilter{ViolationID: violationID,
		States: []core.PayState{core.PayConfirmed}})
	if err != nil || len(live) > 0 {
		return err // a confirmed payment is already on record
	}
	return r.Payments().Insert(ctx, &p)
}

func (e *Engine) markPaid(ctx context.Context, r core.Repos, violationID int64) error {
	v, err := r.Violations().Get(ctx, violationID)
	if err != nil || v.Status == core.StatusPaid {
		return err
	}
	old := v
	v.Status = core.StatusPaid
	if err := r.Violations().Update(ctx, &v); err != nil {
		return err
	}
	return addChanges(ctx, r, old, v, e.now())
}

func addChanges(ctx context.Context, r core.Repos, old, cur core.Violation, at time.Time) error {
	for _, c := range core.ViolationChanges(old, cur, at.UTC()) {
		if err := r.Changes().Add(ctx, &c); err != nil {
			return err
		}
	}
	return nil
}

// ---- confirm ----

func (e *Engine) sendConfirm(ctx context.Context, it *core.OutboxItem, rep *Report) error {
	v, err := e.store.Violations().Get(ctx, *it.ViolationID)
	if err != nil {
		return err
	}
	if it.Request == "" {
		var cp core.ConfirmPayload
		_ = json.Unmarshal([]byte(it.Payload), &cp)
		p, err := e.store.People().Get(ctx, cp.DriverID)
		if err != nil {
			return e.fail(ctx, it, rep, "driver_missing", err, todoFixRetry, nil)
		}
		body := provider.JSON(provider.ConfirmRequest{LicenceFile: p.LicenceFile, Name: p.Name})
		if err := e.freeze(ctx, it, string(body), nil); err != nil {
			return err
		}
	}
	got, err := e.client.Confirm(ctx, it.IdempotencyKey, v.RecordNumber, []byte(it.Request))
	if err == nil {
		return e.finish(ctx, it, rep, core.OutcomeApplied, func(r core.Repos) error {
			_, err := e.mergeViolation(ctx, r, v.VehicleID, got, rep, true)
			return err
		})
	}
	if !refusal(err) {
		return err
	}
	switch provider.Code(err) {
	case provider.CodeWrongState:
		// Already past confirmation at the provider (decided by it, or
		// confirmed from elsewhere): nothing left to send; the pull brings
		// its state.
		return e.finish(ctx, it, rep, core.OutcomeElsewhere, nil)
	case provider.CodeInPersonOnly:
		return e.fail(ctx, it, rep, provider.CodeInPersonOnly, err, todoWindow, e.revertStatus(ctx, v.ID))
	case provider.CodeLicenceRejected:
		return e.fail(ctx, it, rep, provider.CodeLicenceRejected, err, todoLicence, e.revertStatus(ctx, v.ID))
	}
	return e.fail(ctx, it, rep, provider.Code(err), err, todoFixRetry, e.revertStatus(ctx, v.ID))
}

// revertStatus puts a refused action's violation back to the provider's
// status as last pulled (the user's driver assignment stays).
func (e *Engine) revertStatus(ctx context.Context, violationID int64) func(core.Repos) error {
	return func(r core.Repos) error {
		rm, ok, err := r.Sync().Remote(ctx, violationID)
		if err != nil || !ok {
			return err
		}
		base := snapshotOf(rm.Snapshot)
		v, err := r.Violations().Get(ctx, violationID)
		if err != nil || base.Status == "" || string(v.Status) == base.Status {
			return err
		}
		old := v
		v.Status = core.ViolationStatus(base.Status)
		if base.Status != string(core.StatusAppealed) && old.Status == core.StatusAppealed {
			v.AppealedOn = core.Date{}
		}
		if err := v.Normalize(); err != nil {
			return err
		}
		if err := r.Violations().Update(ctx, &v); err != nil {
			return err
		}
		return addChanges(ctx, r, old, v, e.now())
	}
}

// ---- appeal ----

func (e *Engine) sendAppeal(ctx context.Context, it *core.OutboxItem, rep *Report) error {
	v, err := e.store.Violations().Get(ctx, *it.ViolationID)
	if err != nil {
		return err
	}
	var ap core.AppealPayload
	if err := json.Unmarshal([]byte(it.Payload), &ap); err != nil {
		return e.fail(ctx, it, rep, "broken_entry", err, todoNone, nil)
	}
	// Evidence is content-addressed, so the body built from the payload is
	// the same bytes on every attempt; the payload itself is what is frozen.
	req := provider.AppealRequest{Reason: ap.Reason}
	total := 0
	for _, ev := range ap.Evidence {
		data, err := e.readBlob(ev.Hash, provider.MaxEvidenceBytes-total)
		if err != nil {
			return e.fail(ctx, it, rep, "evidence_missing", err, todoFixRetry, e.revertStatus(ctx, v.ID))
		}
		total += len(data)
		req.Evidence = append(req.Evidence, provider.Evidence{Name: ev.Name, Mime: ev.Mime, Data: data})
	}
	if it.Request == "" {
		if err := e.freeze(ctx, it, it.Payload, nil); err != nil {
			return err
		}
	}
	_, err = e.client.Appeal(ctx, it.IdempotencyKey, v.RecordNumber, provider.JSON(req))
	if err == nil {
		return e.finish(ctx, it, rep, core.OutcomeApplied, nil)
	}
	if !refusal(err) {
		return err
	}
	return e.fail(ctx, it, rep, provider.Code(err), err, todoFixRetry, e.revertStatus(ctx, v.ID))
}

func (e *Engine) readBlob(hash string, limit int) ([]byte, error) {
	if e.blobs == nil {
		return nil, errors.New("no attachment store")
	}
	rc, err := e.blobs.Open(hash)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, int64(limit)+1))
	if err != nil {
		return nil, err
	}
	if len(data) > limit {
		return nil, errors.New("evidence is larger than the provider accepts (10 MB in all)")
	}
	return data, nil
}

// ---- registrations ----

func (e *Engine) sendRegister(ctx context.Context, it *core.OutboxItem, rep *Report) error {
	reg, err := e.store.Registrations().Get(ctx, *it.RegistrationID)
	if err != nil {
		return err
	}
	if it.Request == "" {
		if reg.Status == core.RegCancelled {
			return e.finish(ctx, it, rep, core.OutcomeLocal, nil) // cancelled before it was ever sent
		}
		veh, err := e.store.Vehicles().Get(ctx, reg.VehicleID)
		if err != nil {
			return err
		}
		p, err := e.store.People().Get(ctx, reg.PersonID)
		if err != nil {
			return err
		}
		if p.LicenceFile == "" || veh.VIN == "" {
			return e.fail(ctx, it, rep, provider.CodeInvalidRequest,
				errors.New("the driver's licence file number and the vehicle's VIN are needed to apply online"), todoFixRetry, nil)
		}
		body := provider.JSON(provider.RegisterRequest{PlateType: string(veh.PlateType), Plate: veh.Plate,
			VINTail: provider.VINTail(veh.VIN), LicenceFile: p.LicenceFile, Name: p.Name, Method: string(reg.Method)})
		if err := e.freeze(ctx, it, string(body), nil); err != nil {
			return err
		}
	}
	got, err := e.client.Register(ctx, it.IdempotencyKey, []byte(it.Request))
	if err == nil {
		return e.finish(ctx, it, rep, core.OutcomeApplied, func(r core.Repos) error {
			return e.applyRegistration(ctx, r, reg.ID, got)
		})
	}
	if !refusal(err) {
		return err
	}
	t := todoFixRetry
	switch provider.Code(err) {
	case provider.CodeQuotaExceeded:
		t = todoQuota
	case provider.CodeVehicleMismatch:
		t = todoVehicle
	case provider.CodeLicenceRejected:
		t = todoLicence
	}
	return e.fail(ctx, it, rep, provider.Code(err), err, t, nil)
}

func (e *Engine) sendCancel(ctx context.Context, it *core.OutboxItem, rep *Report) error {
	reg, err := e.store.Registrations().Get(ctx, *it.RegistrationID)
	if err != nil {
		return err
	}
	if reg.ProviderRef == "" {
		return e.finish(ctx, it, rep, core.OutcomeLocal, nil) // the provider never had it
	}
	if it.Request == "" {
		if err := e.freeze(ctx, it, "{}", nil); err != nil {
			return err
		}
	}
	got, err := e.client.CancelRegistration(ctx, it.IdempotencyKey, reg.ProviderRef)
	if err == nil {
		return e.finish(ctx, it, rep, core.OutcomeApplied, func(r core.Repos) error {
			return e.applyRegistration(ctx, r, reg.ID, got)
		})
	}
	if provider.Code(err) == provider.CodeNotFound {
		return e.finish(ctx, it, rep, core.OutcomeLocal, nil)
	}
	if !refusal(err) {
		return err
	}
	return e.fail(ctx, it, rep, provider.Code(err), err, todoFixRetry, nil)
}

// applyRegistration takes the provider's status of an application; a local
// cancellation is never undone by it.
func (e *Engine) applyRegistration(ctx context.Context, r core.Repos, id int64, got provider.Registration) error {
	reg, err := r.Registrations().Get(ctx, id)
	if err != nil {
		return err
	}
	reg.ProviderRef = truncate(got.ID, 64)
	if reg.Status != core.RegCancelled {
		if st, err := core.ParseRegStatus(got.Status); err == nil {
			reg.Status = st
		}
		if d, err := core.ParseDate("approved", got.ApprovedOn); err == nil && got.ApprovedOn != "" && reg.Status == core.RegApproved {
			reg.Approved = d
		}
		if reg.Status == core.RegCancelled && reg.Cancelled.IsZero() {
			reg.Cancelled = core.DateOf(e.now())
		}
	}
	if err := reg.Normalize(); err != nil {
		return err
	}
	return r.Registrations().Update(ctx, &reg)
}

// refreshRegistrations asks about applications still under review.
func (e *Engine) refreshRegistrations(ctx context.Context, rep *Report) error {
	regs, err := e.store.Registrations().List(ctx, core.RegistrationFilter{ActiveOnly: true})
	if err != nil {
		return err
	}
	for _, reg := range regs {
		if reg.ProviderRef == "" || reg.Status != core.RegApplied {
			continue
		}
		got, err := e.client.Registration(ctx, reg.ProviderRef)
		if err != nil {
			if errors.Is(err, provider.ErrOffline) || ctx.Err() != nil {
				return e.fatal(err)
			}
			rep.Warnings = append(rep.Warnings, Problem{Code: provider.Code(err),
				Message: "registration status not refreshed: " + messageOf(err), MessageZh: "备案状态未能更新：" + messageOf(err)})
			continue
		}
		if err := e.store.InTx(ctx, func(r core.Repos) error { return e.applyRegistration(ctx, r, reg.ID, got) }); err != nil {
			return err
		}
	}
	return nil
}
