package tickets

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"ticketbook/core"
	"ticketbook/core/field"
)

// The actions below go to the provider. Each writes its local rows and its
// outbox entry in one transaction and returns at once: the sync engine sends
// the entry when the machine is online, with the entry's idempotency key, so
// a retry can never act twice.

func payload(v any) string {
	b, _ := json.Marshal(v) // payload structs always marshal
	return string(b)
}

// Pay queues an online payment of the amount due today (the provider's
// quote replaces this estimate when the payment is sent).
func (s *Service) Pay(ctx context.Context, id int64, method core.PayMethod, lang string) (core.Payment, error) {
	m, err := core.ParsePayMethod(string(method))
	if err != nil {
		return core.Payment{}, err
	}
	if !slices.Contains(core.OnlinePayMethods(), m) {
		return core.Payment{}, field.New("method", "not_online",
			"cannot be paid online; choose alipay, wechat, card or counter",
			"不能在线缴纳，请选择支付宝、微信、银行卡或柜台")
	}
	as, err := s.AssessOne(ctx, id, core.DateOf(s.now()), lang)
	if err != nil {
		return core.Payment{}, err
	}
	if as.DecisionNumber == "" {
		return core.Payment{}, field.New("decision_number", "not_decided",
			"is missing: a record is paid by its decision number, so confirm the driver first (or wait for the decision)",
			"缺失：缴款需要决定书编号，请先确认驾驶人（或等待处罚决定）")
	}
	p := core.Payment{ViolationID: id, FineFen: as.FineFen, LateFeeFen: as.LateFeeFen, Method: m,
		IdempotencyKey: core.NewIdempotencyKey(), State: core.PayQueued}
	if err := p.Normalize(); err != nil {
		return core.Payment{}, err
	}
	err = s.store.InTx(ctx, func(r core.Repos) error {
		v, err := r.Violations().Get(ctx, id)
		if err != nil {
			return err
		}
		if !v.Status.Open() || v.Status == core.StatusAppealed {
			return core.Conflict("violation",
				fmt.Sprintf("violation #%d is %s; there is nothing to pay", id, v.Status.Name("en")),
				fmt.Sprintf("违法记录 #%d 状态为%s，无需缴款", id, v.Status.Name("zh")))
		}
		if err := r.Payments().Insert(ctx, &p); err != nil {
			return err
		}
		if err := r.Changes().Add(ctx, &core.Change{Entity: "violation", EntityID: id, Field: "payment",
			New: fmt.Sprintf("%s %s %s", p.TotalFen().Yuan(), p.Method, p.State)}); err != nil {
			return err
		}
		return r.Outbox().Add(ctx, &core.OutboxItem{Kind: core.OutboxPay, Subject: core.ViolationSubject(id),
			ViolationID: &id, PaymentID: &p.ID, IdempotencyKey: p.IdempotencyKey,
			Payload: payload(core.PayPayload{Method: m})})
	})
	return p, err
}

// Confirm takes a camera record on the actual driver's licence: locally the
// driver is assigned and the record confirmed; the provider answers with the
// decision number, fine and points.
func (s *Service) Confirm(ctx context.Context, id, driverID int64) (core.Violation, error) {
	var out core.Violation
	err := s.store.InTx(ctx, func(r core.Repos) error {
		p, err := r.People().Get(ctx, driverID)
		if err != nil {
			return err
		}
		if p.LicenceFile == "" {
			return field.New("driver", "no_licence",
				fmt.Sprintf("%s has no licence file number on record; add it to the person first", p.Name),
				fmt.Sprintf("%s 没有驾驶证档案编号，请先在人员资料中补充", p.Name))
		}
		v, err := r.Violations().Get(ctx, id)
		if err != nil {
			return err
		}
		if v.RecordNumber == "" {
			return field.New("record_number", "required",
				"is missing: only a record with its record number (as the provider lists it) can be confirmed online",
				"缺失：只有带违法编号（与服务方一致）的记录才能在线确认")
		}
		if v.Status != core.StatusNew {
			return core.Conflict("status",
				fmt.Sprintf("violation #%d is %s; only a new record can be confirmed", id, v.Status.Name("en")),
				fmt.Sprintf("违法记录 #%d 状态为%s，只有未处理的记录可以确认", id, v.Status.Name("zh")))
		}
		out, err = s.editViolation(ctx, r, id, func(v *core.Violation) {
			v.DriverID = &driverID
			v.DriverManual = true
			v.Status = core.StatusConfirmed
		})
		if err != nil {
			return err
		}
		return r.Outbox().Add(ctx, &core.OutboxItem{Kind: core.OutboxConfirm, Subject: core.ViolationSubject(id),
			ViolationID: &id, Payload: payload(core.ConfirmPayload{DriverID: driverID})})
	})
	return out, err
}

// Evidence is a file the user attaches to an appeal.
type Evidence struct {
	Name string
	Data []byte
}

// MaxEvidenceFiles and MaxEvidenceBytes mirror the protocol's limits, so an
// appeal the provider would refuse is refused here, before it is queued.
const (
	MaxEvidenceFiles = 6
	MaxEvidenceBytes = 10 << 20
)

// Appeal files an appeal through the provider: the late fee stops from
// today, the evidence is stored, and the appeal is queued.
func (s *Service) Appeal(ctx context.Context, blobs core.BlobStore, id int64, reason string, evidence []Evidence) (core.Violation, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return core.Violation{}, field.New("reason", "required", "is required: say why the record is wrong", "必填：请说明记录错误的原因")
	}
	if len([]rune(reason)) > 2000 {
		return core.Violation{}, field.New("reason", "too_long", "is longer than 2000 characters", "超过 2000 字")
	}
	if len(evidence) > MaxEvidenceFiles {
		return core.Violation{}, field.New("evidence", "too_many",
			fmt.Sprintf("has %d files; an appeal takes at most %d", len(evidence), MaxEvidenceFiles),
			fmt.Sprintf("共 %d 个文件，申诉最多 %d 个", len(evidence), MaxEvidenceFiles))
	}
	total := 0
	for _, e := range evidence {
		total += len(e.Data)
		if len(e.Data) == 0 {
			return core.Violation{}, field.New("evidence", "empty", fmt.Sprintf("%s is empty", e.Name), fmt.Sprintf("%s 是空文件", e.Name))
		}
	}
	if total > MaxEvidenceBytes {
		return core.Violation{}, field.New("evidence", "too_big", "is larger than 10 MB in all", "合计超过 10 MB")
	}
	// Files first: content-addressed, so a failed transaction leaves only
	// an unreferenced file that a retry reuses.
	refs := make([]core.EvidenceRef, 0, len(evidence))
	for _, e := range evidence {
		hash, err := blobs.Put(ctx, e.Data)
		if err != nil {
			return core.Violation{}, err
		}
		refs = append(refs, core.EvidenceRef{Hash: hash, Name: e.Name, Mime: http.DetectContentType(e.Data)})
	}
	var out core.Violation
	today := core.DateOf(s.now())
	err := s.store.InTx(ctx, func(r core.Repos) error {
		v, err := r.Violations().Get(ctx, id)
		if err != nil {
			return err
		}
		if v.RecordNumber == "" {
			return field.New("record_number", "required",
				"is missing: an online appeal names the record by its record number",
				"缺失：在线申诉需要违法编号")
		}
		switch v.Status {
		case core.StatusPaid, core.StatusInPerson, core.StatusAppealed, core.StatusAppealUpheld:
			return core.Conflict("status",
				fmt.Sprintf("violation #%d is %s and cannot be appealed", id, v.Status.Name("en")),
				fmt.Sprintf("违法记录 #%d 状态为%s，不能申诉", id, v.Status.Name("zh")))
		}
		for i, ref := range refs {
			if err := r.Attachments().Put(ctx, &core.Attachment{Hash: ref.Hash, Name: ref.Name, Mime: ref.Mime,
				Size: int64(len(evidence[i].Data))}); err != nil {
				return err
			}
		}
		out, err = s.editViolation(ctx, r, id, func(v *core.Violation) {
			v.Status = core.StatusAppealed
			v.AppealedOn = today
			v.AppealDecidedOn = core.Date{}
			if v.Notes != "" {
				v.Notes += "\n"
			}
			v.Notes += reason
		})
		if err != nil {
			return err
		}
		return r.Outbox().Add(ctx, &core.OutboxItem{Kind: core.OutboxAppeal, Subject: core.ViolationSubject(id),
			ViolationID: &id, Payload: payload(core.AppealPayload{Reason: reason, Evidence: refs})})
	})
	return out, err
}

// Outbox lists the entries, oldest first.
func (s *Service) Outbox(ctx context.Context, f core.OutboxFilter) ([]core.OutboxItem, error) {
	return s.store.Outbox().List(ctx, f)
}

// RetryOutbox sends a refused entry again after the user fixed what was
// wrong. It goes out under a new key and is rebuilt from the current rows:
// the provider refused the old request, so nothing was done under it. A
// refused payment gets a new payment row (the failed one stays on record).
func (s *Service) RetryOutbox(ctx context.Context, id int64) (core.OutboxItem, error) {
	return s.settleFailed(ctx, id, "retried", "重试", func(r core.Repos, it *core.OutboxItem) error {
		it.IdempotencyKey = core.NewIdempotencyKey()
		if it.Kind == core.OutboxPay && it.PaymentID != nil {
			old, err := r.Payments().Get(ctx, *it.PaymentID)
			if err != nil {
				return err
			}
			p := core.Payment{ViolationID: old.ViolationID, FineFen: old.FineFen, LateFeeFen: old.LateFeeFen,
				Method: old.Method, IdempotencyKey: it.IdempotencyKey, State: core.PayQueued}
			if err := r.Payments().Insert(ctx, &p); err != nil {
				return err
			}
			it.PaymentID = &p.ID
		}
		it.State, it.Request, it.Outcome, it.Attempts = core.OutboxQueued, "", "", 0
		it.NextAt, it.LeaseUntil, it.ErrorCode, it.LastError, it.DoneAt = nil, nil, "", "", nil
		return nil
	})
}

// DismissOutbox closes a refused entry the user gives up on.
func (s *Service) DismissOutbox(ctx context.Context, id int64) (core.OutboxItem, error) {
	return s.settleFailed(ctx, id, "dismissed", "放弃", func(_ core.Repos, it *core.OutboxItem) error {
		now := s.now().UTC()
		it.State, it.Outcome, it.DoneAt = core.OutboxDone, core.OutcomeDismissed, &now
		return nil
	})
}

// settleFailed applies the user's decision on a failed entry, in one
// transaction; any other state is refused.
func (s *Service) settleFailed(ctx context.Context, id int64, verbEn, verbZh string, change func(core.Repos, *core.OutboxItem) error) (core.OutboxItem, error) {
	var out core.OutboxItem
	err := s.store.InTx(ctx, func(r core.Repos) error {
		it, err := r.Outbox().Get(ctx, id)
		if err != nil {
			return err
		}
		if it.State != core.OutboxFailed {
			return core.Conflict("id", fmt.Sprintf("outbox entry #%d is %s; only a failed entry can be %s", id, it.State.Name("en"), verbEn),
				fmt.Sprintf("待发送操作 #%d 状态为%s，只有失败的操作可以%s", id, it.State.Name("zh"), verbZh))
		}
		if err := change(r, &it); err != nil {
			return err
		}
		out = it
		return r.Outbox().Update(ctx, &out)
	})
	return out, err
}
