package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Client speaks the protocol over HTTP. It never retries by itself: whether a
// retry is safe is the sync engine's decision, made with the outbox state.
type Client struct {
	base  *url.URL
	token string
	http  *http.Client
}

// DefaultTimeout bounds one request, reply included.
const DefaultTimeout = 30 * time.Second

// New checks the base URL: HTTPS, or plain HTTP only to this machine (the
// reference provider and the embedded demo listen on loopback).
func New(baseURL, token string, hc *http.Client) (*Client, error) {
	u, err := url.Parse(strings.TrimSpace(baseURL))
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, fmt.Errorf("provider URL %q: must look like https://provider.example.com", baseURL)
	}
	if u.Scheme == "http" && !IsLoopback(u.Hostname()) {
		return nil, fmt.Errorf("provider URL %q: plain http is allowed only to this machine (127.0.0.1, localhost); use https", baseURL)
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	if hc == nil {
		hc = &http.Client{Timeout: DefaultTimeout}
	}
	return &Client{base: u, token: token, http: hc}, nil
}

// IsLoopback reports whether host names this machine.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (c *Client) BaseURL() string { return c.base.String() }

// APIError is a reply of the provider that says no (or not yet).
type APIError struct {
	Status int
	Body   Error
	// RetryAfter is the wait the provider asked for (processing, rate_limited).
	RetryAfter time.Duration
}

func (e *APIError) Error() string {
	msg := e.Body.Message
	if msg == "" {
		msg = http.StatusText(e.Status)
	}
	return fmt.Sprintf("provider: %s (%d %s)", msg, e.Status, e.Body.Code)
}

// Code is the typed error code, "" when err is not an APIError.
func Code(err error) string {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Body.Code
	}
	return ""
}

// Temporary reports a refusal that says nothing was done and a later try may
// succeed: busy, rate limited, still processing.
func (e *APIError) Temporary() bool {
	switch e.Body.Code {
	case CodeProcessing, CodeRateLimited, CodeUnavailable:
		return true
	}
	return e.Status == http.StatusTooManyRequests || e.Status == http.StatusServiceUnavailable
}

// ErrOffline means the request never left: no route, refused, DNS failure.
// Nothing can have happened at the provider.
var ErrOffline = errors.New("provider unreachable")

// ErrNoReply means the request may have reached the provider but no reply
// came back (timeout, connection dropped, a reply cut short). A mutating
// request in that state may or may not have been applied.
var ErrNoReply = errors.New("no reply from the provider")

func (c *Client) do(ctx context.Context, method, path string, query url.Values, key string, body []byte, out any) error {
	// path segments are already escaped (a plate is CJK): join as text so
	// they are not escaped twice.
	target := c.base.String() + path
	if len(query) > 0 {
		target += "?" + query.Encode()
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, target, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if key != "" {
		req.Header.Set(HeaderIdempotencyKey, key)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return transportError(ctx, err)
	}
	defer resp.Body.Close()
	limit := int64(MaxReplyBytes)
	if _, isPhoto := out.(*[]byte); isPhoto {
		limit = MaxPhotoBytes
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return transportError(ctx, err)
	}
	if int64(len(data)) > limit {
		return fmt.Errorf("provider: reply larger than %d bytes refused", limit)
	}
	if resp.StatusCode == http.StatusAccepted || resp.StatusCode >= 300 {
		return replyError(resp, data)
	}
	switch o := out.(type) {
	case nil:
		return nil
	case *[]byte:
		*o = data
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("provider: unreadable reply to %s %s: %w", method, path, err)
	}
	return nil
}

func transportError(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		// Cancelled by us: the request may still have gone out.
		return fmt.Errorf("%w: %w", ErrNoReply, ctx.Err())
	}
	var op *net.OpError
	var dns *net.DNSError
	if (errors.As(err, &op) && op.Op == "dial") || errors.As(err, &dns) {
		return fmt.Errorf("%w: %w", ErrOffline, err)
	}
	return fmt.Errorf("%w: %w", ErrNoReply, err)
}

func replyError(resp *http.Response, data []byte) error {
	ae := &APIError{Status: resp.StatusCode}
	var body ErrorBody
	if json.Unmarshal(data, &body) == nil {
		ae.Body = body.Error
	}
	if ae.Body.Code == "" {
		switch {
		case resp.StatusCode == http.StatusAccepted:
			ae.Body.Code = CodeProcessing
		case resp.StatusCode == http.StatusUnauthorized:
			ae.Body.Code = CodeUnauthorized
		case resp.StatusCode == http.StatusTooManyRequests:
			ae.Body.Code = CodeRateLimited
		case resp.StatusCode == http.StatusNotFound:
			ae.Body.Code = CodeNotFound
		case resp.StatusCode >= 500:
			ae.Body.Code = CodeUnavailable
		default:
			ae.Body.Code = CodeInvalidRequest
		}
	}
	if len(ae.Body.Message) > 500 {
		ae.Body.Message = ae.Body.Message[:500]
	}
	ae.RetryAfter = retryAfter(resp.Header.Get(HeaderRetryAfter), ae.Body.RetryAfter)
	return ae
}

// maxRetryAfter caps the wait a provider may ask for, so a broken one cannot
// park the queue for days.
const maxRetryAfter = 10 * time.Minute

func retryAfter(header string, body int) time.Duration {
	d := time.Duration(body) * time.Second
	if s, err := strconv.Atoi(strings.TrimSpace(header)); err == nil {
		d = time.Duration(s) * time.Second
	} else if t, err := http.ParseTime(header); err == nil {
		d = time.Until(t)
	}
	return min(max(d, 0), maxRetryAfter)
}

// JSON marshals one of the wire request structs; the engine freezes the
// result in the outbox so every retry sends the same bytes.
func JSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only our own wire structs are marshalled
	}
	return b
}

func (c *Client) Account(ctx context.Context) (Account, error) {
	var a Account
	return a, c.do(ctx, http.MethodGet, "/v1/account", nil, "", nil, &a)
}

// Violations lists the vehicle's records changed since cursor ("" for all).
func (c *Client) Violations(ctx context.Context, plateType, plate, vinTail, cursor string, limit int) (ViolationPage, error) {
	q := url.Values{}
	if vinTail != "" {
		q.Set("vin_tail", vinTail)
	}
	if cursor != "" {
		q.Set("cursor", cursor)
	}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	var p ViolationPage
	path := "/v1/vehicles/" + url.PathEscape(plateType) + "/" + url.PathEscape(plate) + "/violations"
	return p, c.do(ctx, http.MethodGet, path, q, "", nil, &p)
}

// Photo fetches photo n of a record, at most MaxPhotoBytes.
func (c *Client) Photo(ctx context.Context, record string, n int) ([]byte, error) {
	var b []byte
	return b, c.do(ctx, http.MethodGet, "/v1/violations/"+url.PathEscape(record)+"/photos/"+strconv.Itoa(n), nil, "", nil, &b)
}

func (c *Client) Confirm(ctx context.Context, key, record string, body []byte) (Violation, error) {
	var v Violation
	return v, c.do(ctx, http.MethodPost, "/v1/violations/"+url.PathEscape(record)+"/confirm", nil, key, body, &v)
}

func (c *Client) Quote(ctx context.Context, decision string) (Quote, error) {
	var q Quote
	return q, c.do(ctx, http.MethodGet, "/v1/quote", url.Values{"decision_number": {decision}}, "", nil, &q)
}

// Pay sends a PayRequest body exactly as frozen in the outbox.
func (c *Client) Pay(ctx context.Context, key string, body []byte) (Payment, error) {
	var p Payment
	return p, c.do(ctx, http.MethodPost, "/v1/payments", nil, key, body, &p)
}

// PaymentByKey asks whether a payment with this key was accepted; a
// not_found APIError means it never was.
func (c *Client) PaymentByKey(ctx context.Context, key string) (Payment, error) {
	var p Payment
	return p, c.do(ctx, http.MethodGet, "/v1/payments/"+url.PathEscape(key), nil, "", nil, &p)
}

func (c *Client) Ledger(ctx context.Context) (Ledger, error) {
	var l Ledger
	return l, c.do(ctx, http.MethodGet, "/v1/payments", nil, "", nil, &l)
}

func (c *Client) Actions(ctx context.Context) (Actions, error) {
	var a Actions
	return a, c.do(ctx, http.MethodGet, "/v1/actions", nil, "", nil, &a)
}

func (c *Client) Appeal(ctx context.Context, key, record string, body []byte) (Appeal, error) {
	var a Appeal
	return a, c.do(ctx, http.MethodPost, "/v1/violations/"+url.PathEscape(record)+"/appeals", nil, key, body, &a)
}

func (c *Client) AppealStatus(ctx context.Context, id string) (Appeal, error) {
	var a Appeal
	return a, c.do(ctx, http.MethodGet, "/v1/appeals/"+url.PathEscape(id), nil, "", nil, &a)
}

func (c *Client) Register(ctx context.Context, key string, body []byte) (Registration, error) {
	var r Registration
	return r, c.do(ctx, http.MethodPost, "/v1/registrations", nil, key, body, &r)
}

func (c *Client) Registration(ctx context.Context, id string) (Registration, error) {
	var r Registration
	return r, c.do(ctx, http.MethodGet, "/v1/registrations/"+url.PathEscape(id), nil, "", nil, &r)
}

func (c *Client) CancelRegistration(ctx context.Context, key, id string) (Registration, error) {
	var r Registration
	return r, c.do(ctx, http.MethodDelete, "/v1/registrations/"+url.PathEscape(id), nil, key, nil, &r)
}
