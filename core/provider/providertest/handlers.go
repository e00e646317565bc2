package providertest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"ticketbook/core/provider"
)

// reply is a response built in full before anything is written.
type reply struct {
	status      int
	body        []byte
	contentType string
	retryAfter  int
	replayed    bool
}

func jsonReply(status int, v any) reply {
	b, err := json.Marshal(v)
	if err != nil {
		return errReply(http.StatusInternalServerError, provider.CodeInternal, "", "encode reply: "+err.Error())
	}
	return reply{status: status, body: b}
}

func errReply(status int, code, field, msg string) reply {
	return errBody(status, provider.Error{Code: code, Field: field, Message: msg})
}

func errBody(status int, e provider.Error) reply {
	b, _ := json.Marshal(provider.ErrorBody{Error: e})
	return reply{status: status, body: b, retryAfter: e.RetryAfter}
}

func invalid(field, msg string) reply {
	return errReply(http.StatusBadRequest, provider.CodeInvalidRequest, field, msg)
}

func notFound(what string) reply {
	return errReply(http.StatusNotFound, provider.CodeNotFound, "", what+" not found")
}

func withRetryAfter(r reply, secs int) reply {
	var b provider.ErrorBody
	if json.Unmarshal(r.body, &b) == nil {
		b.Error.RetryAfter = secs
		r.body, _ = json.Marshal(b)
	}
	r.retryAfter = secs
	return r
}

func writeReply(w http.ResponseWriter, r reply) {
	h := w.Header()
	ct := r.contentType
	if ct == "" {
		ct = "application/json; charset=utf-8"
	}
	h.Set("Content-Type", ct)
	h.Set("Content-Length", strconv.Itoa(len(r.body)))
	if r.retryAfter > 0 {
		h.Set(provider.HeaderRetryAfter, strconv.Itoa(r.retryAfter))
	}
	if r.replayed {
		h.Set(provider.HeaderReplayed, "true")
	}
	w.WriteHeader(r.status)
	w.Write(r.body)
}

// Request body limits: an appeal carries base64 evidence, everything else
// is a few fields.
const (
	maxSmallBody  = 64 << 10
	maxAppealBody = provider.MaxEvidenceBytes/3*4 + 64<<10
)

// decode reads a bounded JSON body into v; unknown fields are tolerated so
// a newer client can talk to an older provider.
func decode(r *http.Request, limit int64, v any) (rep reply, ok bool) {
	b, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, limit))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return errReply(http.StatusRequestEntityTooLarge, provider.CodeInvalidRequest, "body",
			fmt.Sprintf("request body larger than %d bytes", limit)), false
	case err != nil:
		return invalid("body", "read body: "+err.Error()), false
	}
	if err := json.Unmarshal(b, v); err != nil {
		return invalid("body", "body is not valid JSON for this route: "+err.Error()), false
	}
	return reply{}, true
}

// mutate runs fn as one atomic change under key. A key seen before with the
// same route and body replays the first reply; with another body it is a
// conflict. Only 2xx replies are remembered: an error changed nothing, so
// a retry with the same key is evaluated afresh (a payment refused with
// amount_mismatch can succeed once the amount is right, under the same key).
func (p *Provider) mutate(r *http.Request, req any, fn func(key string) reply) reply {
	key := r.Header.Get(provider.HeaderIdempotencyKey)
	if key == "" || len(key) > 200 {
		return invalid(provider.HeaderIdempotencyKey, "every mutating request needs an Idempotency-Key header of 1 to 200 characters")
	}
	canon, _ := json.Marshal(req)
	sum := sha256.Sum256([]byte(r.Method + " " + r.URL.EscapedPath() + "\n" + string(canon)))
	hash := hex.EncodeToString(sum[:])

	p.mu.Lock()
	defer p.mu.Unlock()
	for _, e := range p.st.Idempotency {
		if e.Key != key {
			continue
		}
		if e.Hash != hash {
			return errReply(http.StatusUnprocessableEntity, provider.CodeIdempotencyConflict, provider.HeaderIdempotencyKey,
				"this Idempotency-Key was used with another request; use a new key for a new request")
		}
		return reply{status: e.Status, body: e.Body, replayed: true}
	}
	before := p.st.clone()
	rep := fn(key)
	if rep.status/100 != 2 {
		p.st = before
		return rep
	}
	p.st.Idempotency = append(p.st.Idempotency, IdempotentReply{Key: key, Hash: hash, Status: rep.status, Body: rep.body})
	if err := p.commitLocked(before); err != nil {
		return errReply(http.StatusInternalServerError, provider.CodeInternal, "", "could not save the change; nothing was done")
	}
	return rep
}

func (p *Provider) getAccount(*http.Request) reply {
	p.mu.Lock()
	defer p.mu.Unlock()
	a := provider.Account{Name: p.st.Name, Demo: p.st.Demo, Vehicles: []provider.Vehicle{}, Licences: p.st.Licences}
	for _, v := range p.st.Vehicles {
		if v.Bound {
			a.Vehicles = append(a.Vehicles, v.Vehicle)
		}
	}
	if a.Licences == nil {
		a.Licences = []provider.Licence{}
	}
	return jsonReply(http.StatusOK, a)
}

func (p *Provider) getViolations(r *http.Request) reply {
	plateType, plate := r.PathValue("plate_type"), normalizePlate(r.PathValue("plate"))
	q := r.URL.Query()
	var after int64
	if c := q.Get("cursor"); c != "" {
		n, err := strconv.ParseInt(strings.TrimPrefix(c, "v"), 10, 64)
		if !strings.HasPrefix(c, "v") || err != nil || n < 0 {
			return invalid("cursor", "cursor is not one this provider returned")
		}
		after = n
	}
	limit := 100
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 {
			return invalid("limit", "limit must be a positive integer")
		}
		limit = min(n, provider.MaxPageSize)
	}

	p.mu.Lock()
	defer p.mu.Unlock()
	if p.async > 0 {
		k := plateType + "/" + plate
		start, ok := p.queries[k]
		if !ok {
			start = p.now()
			p.queries[k] = start
		}
		if left := p.async - p.now().Sub(start); left > 0 {
			secs := int(math.Ceil(left.Seconds()))
			return errBody(http.StatusAccepted, provider.Error{Code: provider.CodeProcessing, RetryAfter: secs,
				Message: "the query is running; ask again after Retry-After seconds"})
		}
	}
	page := provider.ViolationPage{Violations: []provider.Violation{}, Cursor: "v" + strconv.FormatInt(after, 10)}
	veh := p.vehicleLocked(plateType, plate)
	if veh == nil {
		return jsonReply(http.StatusOK, page)
	}
	if tail := q.Get("vin_tail"); tail != "" && veh.VIN != "" && !strings.EqualFold(tail, provider.VINTail(veh.VIN)) {
		return errReply(http.StatusForbidden, provider.CodeVehicleMismatch, "vin_tail", "the VIN tail does not match this plate")
	}
	var rows []provider.Violation
	for _, v := range p.st.Violations {
		if v.PlateType == plateType && v.Plate == plate && v.Version > after {
			rows = append(rows, v)
		}
	}
	sortByVersion(rows)
	if len(rows) > limit {
		rows, page.More = rows[:limit], true
	}
	for _, v := range rows {
		page.Violations = append(page.Violations, p.viewLocked(v))
		page.Cursor = "v" + strconv.FormatInt(v.Version, 10)
	}
	return jsonReply(http.StatusOK, page)
}

func sortByVersion(vs []provider.Violation) {
	for i := 1; i < len(vs); i++ {
		for j := i; j > 0 && vs[j].Version < vs[j-1].Version; j-- {
			vs[j], vs[j-1] = vs[j-1], vs[j]
		}
	}
}

func (p *Provider) getPhoto(r *http.Request) reply {
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n < 0 {
		return invalid("n", "photo index must be a number from 0")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	photos := p.st.Photos[r.PathValue("record")]
	if n >= len(photos) {
		return notFound("photo")
	}
	return reply{status: http.StatusOK, body: photos[n], contentType: http.DetectContentType(photos[n])}
}

func (p *Provider) postConfirm(r *http.Request) reply {
	var req provider.ConfirmRequest
	if rep, ok := decode(r, maxSmallBody, &req); !ok {
		return rep
	}
	record := r.PathValue("record")
	return p.mutate(r, req, func(key string) reply {
		v := p.violationLocked(record)
		switch {
		case v == nil:
			return notFound("record " + record)
		case v.InPersonOnly:
			return errReply(http.StatusConflict, provider.CodeInPersonOnly, "", "this offence must be handled in person at a traffic police window")
		case v.DecisionNumber != "" || (v.Status != "new" && v.Status != "confirmed" && v.Status != "appeal_rejected"):
			// A rejected appeal of a camera record leaves it to be confirmed.
			return errReply(http.StatusConflict, provider.CodeWrongState, "", "the record is "+v.Status+"; only a record without a decision can be confirmed")
		case req.LicenceFile == "":
			return invalid("licence_file", "licence_file is required")
		}
		l := p.licenceLocked(req.LicenceFile)
		switch {
		case l == nil:
			return errReply(http.StatusConflict, provider.CodeLicenceRejected, "licence_file", "the licence is not bound to this account")
		case req.Name != "" && req.Name != l.Name:
			return errReply(http.StatusConflict, provider.CodeLicenceRejected, "name", "the name does not match the licence")
		case l.ValidUntil != "" && l.ValidUntil < p.today():
			return errReply(http.StatusConflict, provider.CodeLicenceRejected, "licence_file", "the licence has expired")
		case l.Points+v.Points >= 12:
			return errReply(http.StatusConflict, provider.CodeLicenceRejected, "licence_file",
				fmt.Sprintf("the licence holds %d points; %d more would reach 12, which must be handled in person", l.Points, v.Points))
		}
		l.Points += v.Points
		v.Status, v.DecisionNumber, v.DecidedOn = "decided", p.decisionNumberLocked(v.Plate), p.today()
		v.DriverLicence = maskFile(l.LicenceFile)
		p.st.DriverOf[v.RecordNumber] = l.LicenceFile
		p.bump(v)
		p.actionLocked("confirm", key, v.RecordNumber)
		return jsonReply(http.StatusOK, p.viewLocked(*v))
	})
}

func (p *Provider) getQuote(r *http.Request) reply {
	number := r.URL.Query().Get("decision_number")
	if number == "" {
		return invalid("decision_number", "decision_number is required")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	v := p.byDecisionLocked(number)
	if v == nil {
		return notFound("decision " + number)
	}
	if rep, ok := p.unpayableLocked(v); !ok {
		return rep
	}
	return jsonReply(http.StatusOK, p.quoteLocked(v))
}

// unpayableLocked explains why a decided record cannot be paid now.
func (p *Provider) unpayableLocked(v *provider.Violation) (reply, bool) {
	switch {
	case v.Status == "paid":
		pay := p.paymentLocked(v.DecisionNumber)
		return errBody(http.StatusConflict, provider.Error{Code: provider.CodeAlreadyPaid, Payment: pay,
			Message: "this decision is already paid"}), false
	case v.DecisionNumber == "":
		return errReply(http.StatusConflict, provider.CodeNotDecided, "", "no decision yet; confirm the record first"), false
	case !payable(v):
		return errReply(http.StatusConflict, provider.CodeWrongState, "", "the record is "+v.Status+" and cannot be paid now"), false
	}
	return reply{}, true
}

var payMethods = map[string]bool{"alipay": true, "wechat": true, "card": true, "counter": true}

func (p *Provider) postPay(r *http.Request) reply {
	var req provider.PayRequest
	if rep, ok := decode(r, maxSmallBody, &req); !ok {
		return rep
	}
	return p.mutate(r, req, func(key string) reply {
		switch {
		case req.DecisionNumber == "":
			return invalid("decision_number", "decision_number is required")
		case req.AmountFen <= 0:
			return invalid("amount_fen", "amount_fen must be the quote's total in fen")
		case !payMethods[req.Method]:
			return invalid("method", "method must be alipay, wechat, card or counter")
		}
		v := p.byDecisionLocked(req.DecisionNumber)
		if v == nil {
			// A record without a decision is found by nobody's decision number.
			return notFound("decision " + req.DecisionNumber)
		}
		if rep, ok := p.unpayableLocked(v); !ok {
			return rep
		}
		if q := p.quoteLocked(v); q.TotalFen != req.AmountFen {
			return errBody(http.StatusConflict, provider.Error{Code: provider.CodeAmountMismatch, Quote: &q,
				Message: fmt.Sprintf("%d fen is due today, not %d; nothing was charged", q.TotalFen, req.AmountFen)})
		}
		pay := p.payLocked(v, key, req.Method, p.now())
		p.actionLocked("pay", key, v.DecisionNumber)
		return jsonReply(http.StatusCreated, pay)
	})
}

func (p *Provider) getPayment(r *http.Request) reply {
	key := r.PathValue("key")
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, pay := range p.st.Payments {
		if pay.IdempotencyKey == key {
			return jsonReply(http.StatusOK, pay)
		}
	}
	return notFound("payment with this key")
}

func (p *Provider) getLedger(*http.Request) reply {
	p.mu.Lock()
	defer p.mu.Unlock()
	return jsonReply(http.StatusOK, provider.Ledger{Payments: append([]provider.Payment{}, p.st.Payments...)})
}

func (p *Provider) getActions(*http.Request) reply {
	p.mu.Lock()
	defer p.mu.Unlock()
	return jsonReply(http.StatusOK, provider.Actions{Actions: append([]provider.Action{}, p.st.Actions...)})
}

func (p *Provider) postAppeal(r *http.Request) reply {
	var req provider.AppealRequest
	if rep, ok := decode(r, maxAppealBody, &req); !ok {
		return rep
	}
	total := 0
	for _, e := range req.Evidence {
		total += len(e.Data)
	}
	switch {
	case strings.TrimSpace(req.Reason) == "" || utf8.RuneCountInString(req.Reason) > 2000:
		return invalid("reason", "reason must be 1 to 2000 characters")
	case len(req.Evidence) > provider.MaxEvidenceFiles:
		return invalid("evidence", fmt.Sprintf("at most %d evidence files", provider.MaxEvidenceFiles))
	case total > provider.MaxEvidenceBytes:
		return errReply(http.StatusRequestEntityTooLarge, provider.CodeInvalidRequest, "evidence",
			fmt.Sprintf("evidence totals %d bytes; at most %d", total, provider.MaxEvidenceBytes))
	}
	// The evidence itself is not kept: only its count is part of the contract.
	record := r.PathValue("record")
	return p.mutate(r, req, func(key string) reply {
		v := p.violationLocked(record)
		if v == nil {
			return notFound("record " + record)
		}
		if v.Status != "new" && v.Status != "confirmed" && v.Status != "decided" {
			return errReply(http.StatusConflict, provider.CodeWrongState, "", "a "+v.Status+" record cannot be appealed")
		}
		a := provider.Appeal{ID: p.nextID("SS"), RecordNumber: v.RecordNumber, Status: provider.AppealPending,
			Reason: req.Reason, EvidenceCount: len(req.Evidence), FiledOn: p.today()}
		v.Appeal, v.Status = &a, "appealed"
		p.bump(v)
		p.actionLocked("appeal", key, v.RecordNumber)
		return jsonReply(http.StatusCreated, a)
	})
}

func (p *Provider) getAppeal(r *http.Request) reply {
	id := r.PathValue("id")
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, v := range p.st.Violations {
		if v.Appeal != nil && v.Appeal.ID == id {
			return jsonReply(http.StatusOK, v.Appeal)
		}
	}
	return notFound("appeal " + id)
}

// maxRegsPerDay bounds applications per licence per provider day.
const maxRegsPerDay = 3

func (p *Provider) postRegister(r *http.Request) reply {
	var req provider.RegisterRequest
	if rep, ok := decode(r, maxSmallBody, &req); !ok {
		return rep
	}
	req.Plate = normalizePlate(req.Plate)
	for _, f := range [][2]string{{"plate_type", req.PlateType}, {"plate", req.Plate}, {"vin_tail", req.VINTail},
		{"licence_file", req.LicenceFile}, {"name", req.Name}} {
		if f[1] == "" {
			return invalid(f[0], f[0]+" is required")
		}
	}
	if req.Method != "sms" && req.Method != "qr" {
		return invalid("method", "method must be sms or qr")
	}
	return p.mutate(r, req, func(key string) reply {
		veh := p.vehicleLocked(req.PlateType, req.Plate)
		if veh == nil || !strings.EqualFold(provider.VINTail(veh.VIN), req.VINTail) {
			// The same answer for unknown and mismatched, so plates cannot be probed.
			return errReply(http.StatusForbidden, provider.CodeVehicleMismatch, "vin_tail", "no vehicle with this plate and VIN tail")
		}
		l := p.licenceLocked(req.LicenceFile)
		if l == nil || l.Name != req.Name {
			return errReply(http.StatusConflict, provider.CodeLicenceRejected, "licence_file", "the licence is not bound to this account or the name differs")
		}
		today, n := p.today(), 0
		for _, g := range p.st.Registrations {
			if g.LicenceFileFull == req.LicenceFile && g.AppliedOn == today {
				n++
			}
		}
		if n >= maxRegsPerDay {
			return errReply(http.StatusConflict, provider.CodeQuotaExceeded, "", fmt.Sprintf("at most %d applications per licence per day", maxRegsPerDay))
		}
		g := Registration{Registration: provider.Registration{ID: p.nextID("BA"), PlateType: req.PlateType, Plate: req.Plate,
			LicenceFile: maskFile(req.LicenceFile), Status: "applied", AppliedOn: today},
			LicenceFileFull: req.LicenceFile, AppliedAt: p.now().UTC()}
		p.st.Registrations = append(p.st.Registrations, g)
		p.actionLocked("register", key, g.ID)
		return jsonReply(http.StatusCreated, g.Registration)
	})
}

// regViewLocked applies auto-approval lazily: an applied registration old
// enough reads as approved, and is stored so once anything else changes it.
func (p *Provider) regViewLocked(g *Registration) provider.Registration {
	if p.approve > 0 && g.Status == "applied" {
		if at := g.AppliedAt.Add(p.approve); !p.now().Before(at) {
			g.Status, g.ApprovedOn = "approved", at.In(cst).Format(dateLayout)
		}
	}
	return g.Registration
}

func (p *Provider) getRegistration(r *http.Request) reply {
	p.mu.Lock()
	defer p.mu.Unlock()
	g := p.registrationLocked(r.PathValue("id"))
	if g == nil {
		return notFound("registration")
	}
	return jsonReply(http.StatusOK, p.regViewLocked(g))
}

func (p *Provider) deleteRegistration(r *http.Request) reply {
	id := r.PathValue("id")
	return p.mutate(r, struct{ ID string }{id}, func(key string) reply {
		g := p.registrationLocked(id)
		if g == nil {
			return notFound("registration")
		}
		p.regViewLocked(g)
		switch g.Status {
		case "cancelled":
			return jsonReply(http.StatusOK, g.Registration) // already done: nothing applied
		case "rejected":
			return errReply(http.StatusConflict, provider.CodeWrongState, "", "a rejected registration cannot be cancelled")
		}
		g.Status, g.CancelledOn = "cancelled", p.today()
		p.actionLocked("cancel_registration", key, g.ID)
		return jsonReply(http.StatusOK, g.Registration)
	})
}
