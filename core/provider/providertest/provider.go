// Package providertest is an in-memory reference implementation of the
// provider wire contract (package provider), with fault injection, for tests
// and for cmd/ticketbook-provider. It uses the standard library only (plus
// x/image for the demo photos), so any test can embed it.
package providertest

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"ticketbook/core/provider"
)

type Options struct {
	// Token is the bearer token every route requires; "" disables auth.
	Token string
	// Now is the provider's clock; default time.Now. Dates are the
	// provider's day in China Standard Time.
	Now    func() time.Time
	Seed   int64 // for fault randomness
	Faults Faults
	// Journal makes the state durable; nil keeps it in memory only.
	Journal Journal
	// AsyncQueries > 0 answers the first violation query of each vehicle
	// with 202 processing until that much time has passed since it began.
	AsyncQueries time.Duration
	// AutoApproveAfter > 0 approves a registration that long after it was
	// applied for (evaluated when read); 0 leaves it to ApproveRegistration.
	AutoApproveAfter time.Duration
}

type Faults struct {
	Latency time.Duration // added before handling each request
	// Fractions of requests, each drawn independently in this order:
	ErrorRate  float64 // 503 unavailable before doing anything
	DropBefore float64 // connection closed before doing anything
	RateLimit  float64 // 429 rate_limited with Retry-After
	// DropAfterCommit is a fraction of successful mutating requests whose
	// change is committed and whose connection is then closed unanswered.
	DropAfterCommit   float64
	RetryAfterSeconds int // default 1
}

// Provider implements the contract as an http.Handler. One mutex guards the
// state; a change is committed to the journal before its reply is written,
// so a reply the client saw is never lost by a restart.
type Provider struct {
	mux     *http.ServeMux
	now     func() time.Time
	token   string
	journal Journal
	async   time.Duration
	approve time.Duration

	fmu    sync.Mutex // guards faults and rng, apart from mu so faults never wait for the state
	faults Faults
	rng    *rand.Rand

	mu      sync.Mutex
	st      *Snapshot
	queries map[string]time.Time // when the first query of a vehicle began; memory only, like a real provider's job queue
}

// cst is the provider's time zone: dates on the wire are Beijing dates.
var cst = time.FixedZone("CST", 8*3600)

const dateLayout = "2006-01-02"

// ErrNotEmpty is returned by SeedDemo when the provider already holds data.
var ErrNotEmpty = errors.New("providertest: provider already holds data")

func New(o Options) (*Provider, error) {
	p := &Provider{
		now:     o.Now,
		token:   o.Token,
		journal: o.Journal,
		async:   o.AsyncQueries,
		approve: o.AutoApproveAfter,
		faults:  o.Faults,
		rng:     rand.New(rand.NewPCG(uint64(o.Seed), 0x7469636b6574)),
		queries: map[string]time.Time{},
	}
	if p.now == nil {
		p.now = time.Now
	}
	if o.Journal != nil {
		s, err := o.Journal.Load()
		if err != nil {
			return nil, fmt.Errorf("providertest: load journal: %w", err)
		}
		p.st = s
	}
	if p.st == nil {
		p.st = &Snapshot{Name: "Test account"}
	}
	if p.st.Photos == nil {
		p.st.Photos = map[string][][]byte{}
	}
	if p.st.DriverOf == nil {
		p.st.DriverOf = map[string]string{}
	}
	p.routes()
	return p, nil
}

// SetFaults changes the injected faults; requests already past the fault
// stage are not affected.
func (p *Provider) SetFaults(f Faults) {
	p.fmu.Lock()
	defer p.fmu.Unlock()
	p.faults = f
}

// draw reports whether an event of probability rate happens; a rate of 0
// consumes no randomness, so enabling one fault does not reshuffle others.
func (p *Provider) draw(rate float64) bool {
	if rate <= 0 {
		return false
	}
	p.fmu.Lock()
	defer p.fmu.Unlock()
	return p.rng.Float64() < rate
}

func (p *Provider) currentFaults() Faults {
	p.fmu.Lock()
	defer p.fmu.Unlock()
	f := p.faults
	if f.RetryAfterSeconds <= 0 {
		f.RetryAfterSeconds = 1
	}
	return f
}

func (p *Provider) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f := p.currentFaults()
	if f.Latency > 0 {
		t := time.NewTimer(f.Latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	if p.draw(f.DropBefore) {
		panic(http.ErrAbortHandler)
	}
	if p.draw(f.ErrorRate) {
		writeReply(w, errReply(http.StatusServiceUnavailable, provider.CodeUnavailable, "", "the provider is temporarily unavailable; try again later"))
		return
	}
	if p.draw(f.RateLimit) {
		rep := errReply(http.StatusTooManyRequests, provider.CodeRateLimited, "", "too many requests; retry after the delay in Retry-After")
		rep = withRetryAfter(rep, f.RetryAfterSeconds)
		writeReply(w, rep)
		return
	}
	if p.token != "" && !p.authorized(r) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="ticketbook-provider"`)
		writeReply(w, errReply(http.StatusUnauthorized, provider.CodeUnauthorized, "", "missing or wrong bearer token"))
		return
	}
	p.mux.ServeHTTP(w, r)
}

func (p *Provider) authorized(r *http.Request) bool {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && subtle.ConstantTimeCompare([]byte(tok), []byte(p.token)) == 1
}

// handle registers fn for a wire.go route. The reply is built in full before
// anything is written, so a drop after commit leaves the client with nothing.
func (p *Provider) handle(pattern string, fn func(*http.Request) reply) {
	mutating := !strings.HasPrefix(pattern, "GET ")
	p.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		rep := fn(r)
		if mutating && rep.status/100 == 2 && p.draw(p.currentFaults().DropAfterCommit) {
			panic(http.ErrAbortHandler)
		}
		writeReply(w, rep)
	})
}

func (p *Provider) routes() {
	p.mux = http.NewServeMux()
	p.handle(provider.RouteAccount, p.getAccount)
	p.handle(provider.RouteViolations, p.getViolations)
	p.handle(provider.RoutePhoto, p.getPhoto)
	p.handle(provider.RouteConfirm, p.postConfirm)
	p.handle(provider.RouteQuote, p.getQuote)
	p.handle(provider.RoutePay, p.postPay)
	p.handle(provider.RoutePaymentByKey, p.getPayment)
	p.handle(provider.RouteLedger, p.getLedger)
	p.handle(provider.RouteAppeal, p.postAppeal)
	p.handle(provider.RouteAppealStatus, p.getAppeal)
	p.handle(provider.RouteRegister, p.postRegister)
	p.handle(provider.RouteRegStatus, p.getRegistration)
	p.handle(provider.RouteRegCancel, p.deleteRegistration)
	p.handle(provider.RouteActions, p.getActions)
	p.handle("/", func(r *http.Request) reply {
		return errReply(http.StatusNotFound, provider.CodeNotFound, "", "no such route: "+r.Method+" "+r.URL.Path)
	})
}

// today is the provider's date.
func (p *Provider) today() string { return p.now().In(cst).Format(dateLayout) }

// commitLocked saves the state; on failure it puts back before so memory
// never runs ahead of the journal.
func (p *Provider) commitLocked(before *Snapshot) error {
	if p.journal == nil {
		return nil
	}
	if err := p.journal.Commit(p.st); err != nil {
		p.st = before
		return err
	}
	return nil
}

// change applies a provider-side change (the Go API) as one commit.
func (p *Provider) change(fn func() error) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	before := p.st.clone()
	if err := fn(); err != nil {
		p.st = before
		return err
	}
	if err := p.commitLocked(before); err != nil {
		return fmt.Errorf("providertest: commit: %w", err)
	}
	return nil
}

func (p *Provider) nextID(prefix string) string {
	p.st.Seq++
	return fmt.Sprintf("%s%s%06d", prefix, p.now().In(cst).Format("20060102"), p.st.Seq)
}

func (p *Provider) bump(v *provider.Violation) {
	p.st.Version++
	v.Version = p.st.Version
}

func (p *Provider) violationLocked(record string) *provider.Violation {
	for i := range p.st.Violations {
		if p.st.Violations[i].RecordNumber == record {
			return &p.st.Violations[i]
		}
	}
	return nil
}

func (p *Provider) byDecisionLocked(number string) *provider.Violation {
	for i := range p.st.Violations {
		if number != "" && p.st.Violations[i].DecisionNumber == number {
			return &p.st.Violations[i]
		}
	}
	return nil
}

func (p *Provider) licenceLocked(file string) *provider.Licence {
	for i := range p.st.Licences {
		if p.st.Licences[i].LicenceFile == file {
			return &p.st.Licences[i]
		}
	}
	return nil
}

func (p *Provider) vehicleLocked(plateType, plate string) *Vehicle {
	for i := range p.st.Vehicles {
		if v := &p.st.Vehicles[i]; v.PlateType == plateType && v.Plate == plate {
			return v
		}
	}
	return nil
}

func (p *Provider) registrationLocked(id string) *Registration {
	for i := range p.st.Registrations {
		if p.st.Registrations[i].ID == id {
			return &p.st.Registrations[i]
		}
	}
	return nil
}

// normalizePlate forgives the spellings users type: "京A·F0236", "京a f0236".
func normalizePlate(s string) string {
	s = strings.NewReplacer("·", "", "•", "", " ", "", "-", "").Replace(s)
	return strings.ToUpper(s)
}

// maskFile shows enough of a licence file number to recognise it.
func maskFile(f string) string {
	if len(f) < 8 {
		return strings.Repeat("*", len(f))
	}
	return f[:4] + strings.Repeat("*", len(f)-8) + f[len(f)-4:]
}

// regionOf is the issuing unit's region code for a plate's province.
func regionOf(plate string) string {
	switch {
	case strings.HasPrefix(plate, "沪"):
		return "310104"
	case strings.HasPrefix(plate, "粤"):
		return "440304"
	default:
		return "110105"
	}
}

// decisionNumber builds a 16-digit simple-procedure decision number whose
// last digit is (digits 7-15) mod 7, as core/ident checks it.
func (p *Provider) decisionNumberLocked(plate string) string {
	p.st.Seq++
	body := fmt.Sprintf("1%08d", 20000000+p.st.Seq*7919%80000000)
	n, _ := strconv.ParseUint(body, 10, 64)
	return regionOf(plate) + body + strconv.FormatUint(n%7, 10)
}

// lateFee is the fee due on day (YYYY-MM-DD) for a decision of decidedOn:
// 3 % of the fine (to the fen) for every day after the 15-day window,
// capped at the fine.
func lateFee(fine int64, decidedOn, day string) (fee int64, dueOn string) {
	d, err := time.Parse(dateLayout, decidedOn)
	if err != nil {
		return 0, ""
	}
	due := d.AddDate(0, 0, 15)
	t, err := time.Parse(dateLayout, day)
	if err != nil || !t.After(due) {
		return 0, due.Format(dateLayout)
	}
	days := int64(t.Sub(due).Hours() / 24)
	return min(days*(fine*3/100), fine), due.Format(dateLayout)
}

// payable reports whether a record can be paid now.
func payable(v *provider.Violation) bool {
	return v.DecisionNumber != "" && (v.Status == "decided" || v.Status == "appeal_rejected")
}

// view is a record as the wire shows it today.
func (p *Provider) viewLocked(v provider.Violation) provider.Violation {
	if payable(&v) {
		fee, _ := lateFee(v.FineFen, v.DecidedOn, p.today())
		v.LateFeeFen = &fee
		v.LateFeeOn = p.today()
	}
	v.PhotoCount = len(p.st.Photos[v.RecordNumber])
	return v
}

func (p *Provider) quoteLocked(v *provider.Violation) provider.Quote {
	today := p.today()
	fee, due := lateFee(v.FineFen, v.DecidedOn, today)
	return provider.Quote{DecisionNumber: v.DecisionNumber, FineFen: v.FineFen, LateFeeFen: fee,
		TotalFen: v.FineFen + fee, AsOf: today, DueOn: due}
}

func (p *Provider) paymentLocked(decision string) *provider.Payment {
	for i := range p.st.Payments {
		if p.st.Payments[i].DecisionNumber == decision {
			return &p.st.Payments[i]
		}
	}
	return nil
}

// payLocked records a payment of the quote due now.
func (p *Provider) payLocked(v *provider.Violation, key, method string, at time.Time) provider.Payment {
	q := p.quoteLocked(v)
	p.st.Seq++
	pay := provider.Payment{
		ID:             fmt.Sprintf("pay_%06d", p.st.Seq),
		IdempotencyKey: key,
		DecisionNumber: v.DecisionNumber,
		RecordNumber:   v.RecordNumber,
		FineFen:        q.FineFen,
		LateFeeFen:     q.LateFeeFen,
		AmountFen:      q.TotalFen,
		Method:         method,
		ReceiptNumber:  fmt.Sprintf("%s%s%08d", v.DecisionNumber[:6], at.In(cst).Format("20060102"), p.st.Seq),
		PaidAt:         at.UTC().Truncate(time.Second),
	}
	p.st.Payments = append(p.st.Payments, pay)
	v.Status = "paid"
	v.Payment = &pay
	p.bump(v)
	return pay
}

func (p *Provider) actionLocked(kind, key, target string) {
	p.st.Actions = append(p.st.Actions, provider.Action{IdempotencyKey: key, Kind: kind, Target: target, At: p.now().UTC()})
}

// --- Go API for tests and seeding. These are the provider's own doings, not
// client requests, so they add no Action rows.

func (p *Provider) AddVehicle(v provider.Vehicle, bound bool) error {
	return p.change(func() error { return p.addVehicleLocked(v, bound) })
}

func (p *Provider) addVehicleLocked(v provider.Vehicle, bound bool) error {
	v.Plate = normalizePlate(v.Plate)
	if v.PlateType == "" || v.Plate == "" {
		return errors.New("providertest: vehicle needs plate type and plate")
	}
	if p.vehicleLocked(v.PlateType, v.Plate) != nil {
		return fmt.Errorf("providertest: vehicle %s/%s exists", v.PlateType, v.Plate)
	}
	p.st.Vehicles = append(p.st.Vehicles, Vehicle{Vehicle: v, Bound: bound})
	return nil
}

func (p *Provider) AddLicence(l provider.Licence) error {
	return p.change(func() error { return p.addLicenceLocked(l) })
}

func (p *Provider) addLicenceLocked(l provider.Licence) error {
	if l.LicenceFile == "" || p.licenceLocked(l.LicenceFile) != nil {
		return fmt.Errorf("providertest: licence %q missing or exists", l.LicenceFile)
	}
	p.st.Licences = append(p.st.Licences, l)
	return nil
}

// AddViolation stores a record (status "new" when empty). A record given as
// "decided" gets a decision number and date when it lacks them.
func (p *Provider) AddViolation(v provider.Violation, photos [][]byte) (provider.Violation, error) {
	var out provider.Violation
	err := p.change(func() error {
		w, err := p.addViolationLocked(v, photos)
		out = p.viewLocked(*w)
		return err
	})
	return out, err
}

func (p *Provider) addViolationLocked(v provider.Violation, photos [][]byte) (*provider.Violation, error) {
	v.Plate = normalizePlate(v.Plate)
	if v.PlateType == "" || v.Plate == "" {
		return &v, errors.New("providertest: violation needs plate type and plate")
	}
	if v.RecordNumber == "" {
		p.st.Seq++
		v.RecordNumber = fmt.Sprintf("%s%s%06d", regionOf(v.Plate), v.OccurredAt.In(cst).Format("060102"), p.st.Seq)
	}
	if p.violationLocked(v.RecordNumber) != nil {
		return &v, fmt.Errorf("providertest: record %s exists", v.RecordNumber)
	}
	if v.Status == "" {
		v.Status = "new"
	}
	if v.Status == "decided" {
		if v.DecisionNumber == "" {
			v.DecisionNumber = p.decisionNumberLocked(v.Plate)
		}
		if v.DecidedOn == "" {
			v.DecidedOn = p.today()
		}
	}
	v.Payment, v.Appeal, v.LateFeeFen, v.LateFeeOn = nil, nil, nil, ""
	v.PhotoCount = len(photos)
	if len(photos) > 0 {
		p.st.Photos[v.RecordNumber] = photos
	}
	p.st.Violations = append(p.st.Violations, v)
	w := &p.st.Violations[len(p.st.Violations)-1]
	p.bump(w)
	return w, nil
}

// Decide makes the provider-side decision on a record (a camera record
// without points, say); decidedOn "" means today.
func (p *Provider) Decide(record, decidedOn string) error {
	return p.change(func() error {
		v := p.violationLocked(record)
		if v == nil {
			return fmt.Errorf("providertest: no record %s", record)
		}
		if v.DecisionNumber != "" || (v.Status != "new" && v.Status != "confirmed" && v.Status != "appeal_rejected") {
			return fmt.Errorf("providertest: record %s is %s", record, v.Status)
		}
		if decidedOn == "" {
			decidedOn = p.today()
		}
		v.Status, v.DecisionNumber, v.DecidedOn = "decided", p.decisionNumberLocked(v.Plate), decidedOn
		p.bump(v)
		return nil
	})
}

// PayElsewhere records a payment made outside Ticketbook (the official app),
// so a client must find it in the ledger instead of paying again.
func (p *Provider) PayElsewhere(decision, method string) (provider.Payment, error) {
	var pay provider.Payment
	err := p.change(func() error {
		v := p.byDecisionLocked(decision)
		if v == nil || !payable(v) {
			return fmt.Errorf("providertest: decision %s is not payable", decision)
		}
		p.st.Seq++
		pay = p.payLocked(v, fmt.Sprintf("elsewhere-%06d", p.st.Seq), method, p.now())
		return nil
	})
	return pay, err
}

func (p *Provider) DecideAppeal(id string, upheld bool) error {
	return p.change(func() error {
		var v *provider.Violation
		for i := range p.st.Violations {
			if a := p.st.Violations[i].Appeal; a != nil && a.ID == id {
				v = &p.st.Violations[i]
			}
		}
		if v == nil || v.Appeal.Status != provider.AppealPending {
			return fmt.Errorf("providertest: no pending appeal %s", id)
		}
		a := *v.Appeal // a copy: snapshots share the old one
		a.DecidedOn = p.today()
		if upheld {
			a.Status, v.Status = provider.AppealUpheld, "appeal_upheld"
			if l := p.licenceLocked(p.st.DriverOf[v.RecordNumber]); l != nil {
				l.Points = max(0, l.Points-v.Points)
			}
		} else {
			a.Status, v.Status = provider.AppealRejected, "appeal_rejected"
		}
		v.Appeal = &a
		p.bump(v)
		return nil
	})
}

func (p *Provider) ApproveRegistration(id string) error {
	return p.change(func() error {
		g := p.registrationLocked(id)
		if g == nil || g.Status != "applied" {
			return fmt.Errorf("providertest: no applied registration %s", id)
		}
		g.Status, g.ApprovedOn = "approved", p.today()
		return nil
	})
}

func (p *Provider) Ledger() []provider.Payment {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]provider.Payment(nil), p.st.Payments...)
}

func (p *Provider) Actions() []provider.Action {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]provider.Action(nil), p.st.Actions...)
}

func (p *Provider) Violation(record string) (provider.Violation, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	v := p.violationLocked(record)
	if v == nil {
		return provider.Violation{}, false
	}
	return p.viewLocked(*v), true
}

// Violations are all records, in the order they were added.
func (p *Provider) Violations() []provider.Violation {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]provider.Violation, len(p.st.Violations))
	for i, v := range p.st.Violations {
		out[i] = p.viewLocked(v)
	}
	return out
}

// Licence is an account licence as the provider counts its points.
func (p *Provider) Licence(file string) (provider.Licence, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	l := p.licenceLocked(file)
	if l == nil {
		return provider.Licence{}, false
	}
	return *l, true
}

func (p *Provider) emptyLocked() bool {
	return len(p.st.Vehicles) == 0 && len(p.st.Licences) == 0 && len(p.st.Violations) == 0
}
