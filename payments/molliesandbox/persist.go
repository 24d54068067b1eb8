package molliesandbox

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"
)

// stateVersion is the format version written to and required in state files.
const stateVersion = 1

// stateJSON is the content of Options.StateFile.
type stateJSON struct {
	Version     int            `json:"version"`
	Payments    []paymentState `json:"payments"`    // creation order
	Idempotency []idemState    `json:"idempotency"` // sorted by API key, then key
	// Organizations and Tokens are Mollie Connect's accounts and OAuth
	// tokens (absent in files written before Connect).
	Organizations []Organization `json:"organizations,omitempty"` // oldest first
	Tokens        []tokenState   `json:"tokens,omitempty"`        // sorted by value
}

// tokenState is one OAuth token in the state file.
type tokenState struct {
	Value     string    `json:"value"`
	Refresh   bool      `json:"refresh,omitempty"`
	ClientID  string    `json:"clientId"`
	OrgID     string    `json:"organizationId"`
	Scope     string    `json:"scope,omitempty"`
	ExpiresAt time.Time `json:"expiresAt,omitzero"`
	Parent    string    `json:"parent,omitempty"`
	Revoked   bool      `json:"revoked,omitempty"`
}

// paymentState is one payment in the state file.
type paymentState struct {
	ID          string          `json:"id"`
	Status      string          `json:"status"`
	Amount      Amount          `json:"amount"`
	Description string          `json:"description"`
	RedirectURL string          `json:"redirectUrl"`
	CancelURL   string          `json:"cancelUrl,omitempty"`
	WebhookURL  string          `json:"webhookUrl,omitempty"`
	Metadata    json.RawMessage `json:"metadata,omitempty"`
	Base        string          `json:"base"`
	CreatedAt   time.Time       `json:"createdAt"`
	ExpiresAt   time.Time       `json:"expiresAt"`
	PaidAt      *time.Time      `json:"paidAt,omitempty"`
	CanceledAt  *time.Time      `json:"canceledAt,omitempty"`
	ExpiredAt   *time.Time      `json:"expiredAt,omitempty"`
	FailedAt    *time.Time      `json:"failedAt,omitempty"`
	Refunds     []refundState   `json:"refunds"`
	Webhooks    []WebhookCall   `json:"webhooks"`
	OrgID       string          `json:"organizationId,omitempty"`
	ProfileID   string          `json:"profileId,omitempty"`
	Fee         *Amount         `json:"applicationFee,omitempty"`
	FeeDesc     string          `json:"applicationFeeDescription,omitempty"`
}

// refundState is one refund in the state file.
type refundState struct {
	ID          string          `json:"id"`
	Status      string          `json:"status"`
	Amount      Amount          `json:"amount"`
	Description string          `json:"description,omitempty"`
	Metadata    json.RawMessage `json:"metadata,omitempty"`
	CreatedAt   time.Time       `json:"createdAt"`
	RefundedAt  *time.Time      `json:"refundedAt,omitempty"`
}

// idemState is one stored idempotent answer in the state file. Body is kept
// as a string, not as embedded JSON, so that a replay stays byte for byte
// identical to the first answer.
type idemState struct {
	APIKey string `json:"apiKey"`
	Key    string `json:"key"`
	Method string `json:"method"`
	Path   string `json:"path"`
	Status int    `json:"status"`
	Body   string `json:"body"`
}

// Open returns a sandbox configured by opts whose state survives restarts:
// the state is read from opts.StateFile, and written back after every change.
// With an empty StateFile, Open is New.
//
// A missing file means an empty sandbox; Open then creates the file at once,
// so that a directory that cannot hold it is reported here rather than on the
// first payment. A file that cannot be read or is not a valid state file is
// an error: Open never silently discards payments.
//
// The file holds every payment with its refunds, statuses, amounts,
// metadata, URLs, timestamps and webhook log, and the stored answers of
// idempotent requests (with the test API keys they belong to). Ids are
// random, so there are no counters to keep. Each change is written before
// the API call, checkout submission or Complete that made it returns, and
// before the webhook about it is called: the whole state is encoded under
// the sandbox's lock, then written without it (a temporary file in the same
// directory, fsync, rename, fsync of the directory), one write at a time and
// never older over newer. A failed write is logged, not returned to the API
// caller; the next change, or Close, writes the whole state again.
//
// After loading, refunds still pending are settled after
// opts.RefundSettleAfter (counted from Open), as if they had just been
// created. Webhook calls that were still being retried when the previous
// process stopped are not resumed. Payment links use opts.PublicURL when it
// is set (the sandbox may have moved to another address), otherwise the base
// URL each payment was created under.
//
// Only one Server may use a state file at a time.
func Open(opts Options) (*Server, error) {
	s := newServer(opts)
	path := opts.StateFile
	if path == "" {
		return s, nil
	}
	st, err := readState(path)
	missing := errors.Is(err, fs.ErrNotExist)
	if err != nil && !missing {
		return nil, fmt.Errorf("molliesandbox: loading state from %s: %w", path, err)
	}
	s.stateFile = path
	s.mu.Lock()
	if !missing {
		if err := s.installLocked(st); err != nil {
			s.mu.Unlock()
			return nil, fmt.Errorf("molliesandbox: loading state from %s: %w", path, err)
		}
	} else {
		s.gen++ // nothing on disk yet: make save write the empty state
	}
	s.mu.Unlock()
	if err := s.save(); err != nil {
		s.cancel() // nothing runs yet; Close would only retry the write
		return nil, err
	}
	s.mu.Lock()
	pending := 0
	for _, p := range s.order {
		for _, rf := range p.refunds {
			if rf.status == RefundPending {
				s.scheduleSettleLocked(p, rf)
				pending++
			}
		}
	}
	n := len(s.order)
	s.mu.Unlock()
	s.log.Info("mollie sandbox: state loaded", "file", path, "payments", n, "pendingRefunds", pending, "new", missing)
	return s, nil
}

// readState reads and decodes a state file, without checking its content.
func readState(path string) (*stateJSON, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var st stateJSON
	if err := json.Unmarshal(data, &st); err != nil {
		return nil, fmt.Errorf("decoding: %w", err)
	}
	return &st, nil
}

// installLocked checks st and replaces the sandbox's state with it. The
// caller holds s.mu; on error nothing has changed.
func (s *Server) installLocked(st *stateJSON) error {
	if st.Version != stateVersion {
		return fmt.Errorf("unsupported version %d (want %d)", st.Version, stateVersion)
	}
	payments := make(map[string]*payment, len(st.Payments))
	order := make([]*payment, 0, len(st.Payments))
	refundIDs := make(map[string]bool)
	for i, ps := range st.Payments {
		p, err := s.loadPayment(ps)
		if err != nil {
			return fmt.Errorf("payment %d (%q): %w", i, ps.ID, err)
		}
		if payments[p.id] != nil {
			return fmt.Errorf("payment %d: duplicate id %q", i, p.id)
		}
		for _, rf := range p.refunds {
			if refundIDs[rf.id] {
				return fmt.Errorf("payment %q: duplicate refund id %q", p.id, rf.id)
			}
			refundIDs[rf.id] = true
		}
		payments[p.id] = p
		order = append(order, p)
	}
	orgs := make(map[string]*organization, len(st.Organizations))
	for i, o := range st.Organizations {
		if !validStoredID(o.ID, "org_") || !validStoredID(o.ProfileID, "pfl_") || o.Name == "" || orgs[o.ID] != nil {
			return fmt.Errorf("organization %d (%q): invalid or duplicate", i, o.ID)
		}
		orgs[o.ID] = &organization{id: o.ID, name: o.Name, profileID: o.ProfileID, createdAt: o.CreatedAt.UTC()}
	}
	for _, p := range payments {
		if o := orgs[p.org]; p.org != "" && (o == nil || o.profileID != p.profileID) {
			return fmt.Errorf("payment %q: unknown organization %q or profile %q", p.id, p.org, p.profileID)
		}
	}
	tokens := make(map[string]*oauthToken, len(st.Tokens))
	for i, t := range st.Tokens {
		prefix := "access_"
		if t.Refresh {
			prefix = "refresh_"
		}
		if !validStoredID(t.Value, prefix) || orgs[t.OrgID] == nil || tokens[t.Value] != nil {
			return fmt.Errorf("token %d: invalid, duplicate or of an unknown organization", i)
		}
		tokens[t.Value] = &oauthToken{value: t.Value, refresh: t.Refresh, clientID: t.ClientID, orgID: t.OrgID,
			scope: t.Scope, expiresAt: t.ExpiresAt.UTC(), parent: t.Parent, revoked: t.Revoked}
	}
	idem := make(map[idemKey]*storedResponse, len(st.Idempotency))
	for i, is := range st.Idempotency {
		k := idemKey{apiKey: is.APIKey, key: is.Key}
		org, isOrg := strings.CutPrefix(is.APIKey, "org:")
		switch {
		case isOrg && orgs[org] == nil:
			return fmt.Errorf("idempotency record %d: unknown organization", i)
		case !isOrg && (!strings.HasPrefix(is.APIKey, "test_") || len(is.APIKey) <= len("test_")):
			return fmt.Errorf("idempotency record %d: not a test API key", i)
		case is.Key == "":
			return fmt.Errorf("idempotency record %d: empty key", i)
		case is.Method != http.MethodPost || !strings.HasPrefix(is.Path, "/v2/"):
			return fmt.Errorf("idempotency record %d: invalid request %s %q", i, is.Method, is.Path)
		case is.Status < 200 || is.Status > 299 || !json.Valid([]byte(is.Body)):
			return fmt.Errorf("idempotency record %d: invalid stored answer (status %d)", i, is.Status)
		case idem[k] != nil:
			return fmt.Errorf("idempotency record %d: duplicate key %q", i, is.Key)
		}
		idem[k] = &storedResponse{method: is.Method, path: is.Path, resp: apiResponse{status: is.Status, body: []byte(is.Body)}}
	}
	s.payments, s.order, s.idem, s.orgs, s.tokens = payments, order, idem, orgs, tokens
	return nil
}

// loadPayment checks one stored payment and converts it.
func (s *Server) loadPayment(ps paymentState) (*payment, error) {
	if !validStoredID(ps.ID, "tr_") {
		return nil, errors.New("invalid id")
	}
	switch ps.Status {
	case StatusOpen, StatusPaid, StatusFailed, StatusCanceled, StatusExpired:
	default:
		return nil, fmt.Errorf("invalid status %q", ps.Status)
	}
	amount, err := loadAmount(ps.Amount)
	if err != nil {
		return nil, err
	}
	meta, err := loadMetadata(ps.Metadata)
	if err != nil {
		return nil, err
	}
	if ps.CreatedAt.IsZero() {
		return nil, errors.New("no creation time")
	}
	base := ps.Base
	if s.opts.PublicURL != "" {
		base = s.opts.PublicURL
	}
	p := &payment{
		id:          ps.ID,
		amount:      amount,
		currency:    ps.Amount.Currency,
		description: ps.Description,
		redirectURL: ps.RedirectURL,
		cancelURL:   ps.CancelURL,
		webhookURL:  ps.WebhookURL,
		metadata:    meta,
		status:      ps.Status,
		base:        strings.TrimRight(base, "/"),
		createdAt:   ps.CreatedAt.UTC(),
		expiresAt:   ps.ExpiresAt.UTC(),
		paidAt:      utcPtr(ps.PaidAt),
		canceledAt:  utcPtr(ps.CanceledAt),
		expiredAt:   utcPtr(ps.ExpiredAt),
		failedAt:    utcPtr(ps.FailedAt),
		webhooks:    append([]WebhookCall(nil), ps.Webhooks...),
		org:         ps.OrgID,
		profileID:   ps.ProfileID,
		feeDesc:     ps.FeeDesc,
	}
	if ps.Fee != nil {
		if p.feeAmount, err = loadAmount(*ps.Fee); err != nil || ps.Fee.Currency != p.currency || p.feeAmount > p.amount {
			return nil, fmt.Errorf("invalid application fee %v", ps.Fee)
		}
	}
	if len(ps.Refunds) > 0 && p.status != StatusPaid {
		return nil, fmt.Errorf("refunds on a payment that is %s", p.status)
	}
	for _, rs := range ps.Refunds {
		rf, err := loadRefund(p, rs)
		if err != nil {
			return nil, fmt.Errorf("refund %q: %w", rs.ID, err)
		}
		p.refunds = append(p.refunds, rf)
	}
	if p.refundedAmount() > p.amount {
		return nil, errors.New("refunds exceed the amount paid")
	}
	return p, nil
}

// loadRefund checks one stored refund of p and converts it.
func loadRefund(p *payment, rs refundState) (*refund, error) {
	if !validStoredID(rs.ID, "re_") {
		return nil, errors.New("invalid id")
	}
	if rs.Status != RefundPending && rs.Status != RefundRefunded {
		return nil, fmt.Errorf("invalid status %q", rs.Status)
	}
	amount, err := loadAmount(rs.Amount)
	if err != nil {
		return nil, err
	}
	if rs.Amount.Currency != p.currency {
		return nil, fmt.Errorf("currency %s differs from the payment's %s", rs.Amount.Currency, p.currency)
	}
	meta, err := loadMetadata(rs.Metadata)
	if err != nil {
		return nil, err
	}
	return &refund{
		id:          rs.ID,
		paymentID:   p.id,
		amount:      amount,
		currency:    rs.Amount.Currency,
		description: rs.Description,
		metadata:    meta,
		status:      rs.Status,
		createdAt:   rs.CreatedAt.UTC(),
		refundedAt:  utcPtr(rs.RefundedAt),
	}, nil
}

// loadAmount parses a stored amount, which must be positive.
func loadAmount(a Amount) (int64, error) {
	if !validCurrency(a.Currency) {
		return 0, fmt.Errorf("invalid currency %q", a.Currency)
	}
	v, err := parseValue(a.Value, a.Currency)
	if err != nil {
		return 0, fmt.Errorf("invalid amount %q: %w", a.Value, err)
	}
	if v <= 0 {
		return 0, fmt.Errorf("amount %q is not positive", a.Value)
	}
	return v, nil
}

// loadMetadata returns stored metadata in the sandbox's form (compact JSON,
// nil for none).
func loadMetadata(raw json.RawMessage) ([]byte, error) {
	trimmed := bytes.TrimSpace(raw)
	if len(trimmed) == 0 || bytes.Equal(trimmed, []byte("null")) {
		return nil, nil
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, trimmed); err != nil {
		return nil, fmt.Errorf("invalid metadata: %w", err)
	}
	return buf.Bytes(), nil
}

// validStoredID reports whether id is prefix followed by 1 to 64 ASCII
// letters and digits, the shape of the ids the sandbox generates.
func validStoredID(id, prefix string) bool {
	rest, ok := strings.CutPrefix(id, prefix)
	if !ok || rest == "" || len(rest) > 64 {
		return false
	}
	for i := 0; i < len(rest); i++ {
		if !strings.ContainsRune(idAlphabet, rune(rest[i])) {
			return false
		}
	}
	return true
}

// utcPtr returns a pointer to *t in UTC, or nil.
func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// encodeStateLocked encodes the whole state. The caller holds s.mu.
func (s *Server) encodeStateLocked() ([]byte, error) {
	st := stateJSON{
		Version:     stateVersion,
		Payments:    make([]paymentState, 0, len(s.order)),
		Idempotency: make([]idemState, 0, len(s.idem)),
	}
	for _, p := range s.order {
		ps := paymentState{
			ID:          p.id,
			Status:      p.status,
			Amount:      Amount{Currency: p.currency, Value: formatValue(p.amount, p.currency)},
			Description: p.description,
			RedirectURL: p.redirectURL,
			CancelURL:   p.cancelURL,
			WebhookURL:  p.webhookURL,
			Metadata:    json.RawMessage(p.metadata),
			Base:        p.base,
			CreatedAt:   p.createdAt,
			ExpiresAt:   p.expiresAt,
			PaidAt:      p.paidAt,
			CanceledAt:  p.canceledAt,
			ExpiredAt:   p.expiredAt,
			FailedAt:    p.failedAt,
			Refunds:     make([]refundState, 0, len(p.refunds)),
			Webhooks:    p.webhooks,
			OrgID:       p.org,
			ProfileID:   p.profileID,
			FeeDesc:     p.feeDesc,
		}
		if p.feeAmount > 0 {
			ps.Fee = &Amount{Currency: p.currency, Value: formatValue(p.feeAmount, p.currency)}
		}
		if ps.Webhooks == nil {
			ps.Webhooks = []WebhookCall{}
		}
		for _, rf := range p.refunds {
			ps.Refunds = append(ps.Refunds, refundState{
				ID:          rf.id,
				Status:      rf.status,
				Amount:      Amount{Currency: rf.currency, Value: formatValue(rf.amount, rf.currency)},
				Description: rf.description,
				Metadata:    json.RawMessage(rf.metadata),
				CreatedAt:   rf.createdAt,
				RefundedAt:  rf.refundedAt,
			})
		}
		st.Payments = append(st.Payments, ps)
	}
	for k, sr := range s.idem {
		st.Idempotency = append(st.Idempotency, idemState{
			APIKey: k.apiKey,
			Key:    k.key,
			Method: sr.method,
			Path:   sr.path,
			Status: sr.resp.status,
			Body:   string(sr.resp.body),
		})
	}
	for _, o := range s.orgs {
		st.Organizations = append(st.Organizations, Organization{ID: o.id, Name: o.name, ProfileID: o.profileID, CreatedAt: o.createdAt})
	}
	slices.SortFunc(st.Organizations, func(a, b Organization) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), strings.Compare(a.ID, b.ID))
	})
	for _, t := range s.tokens {
		st.Tokens = append(st.Tokens, tokenState{Value: t.value, Refresh: t.refresh, ClientID: t.clientID, OrgID: t.orgID,
			Scope: t.scope, ExpiresAt: t.expiresAt, Parent: t.parent, Revoked: t.revoked})
	}
	slices.SortFunc(st.Tokens, func(a, b tokenState) int { return strings.Compare(a.Value, b.Value) })
	slices.SortFunc(st.Idempotency, func(a, b idemState) int {
		return cmp.Or(strings.Compare(a.APIKey, b.APIKey), strings.Compare(a.Key, b.Key))
	})
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(st); err != nil {
		return nil, fmt.Errorf("molliesandbox: encoding state: %w", err)
	}
	return buf.Bytes(), nil
}

// persist is save for callers that cannot return its error: a failure is
// logged, and the next change or Close tries again. The caller must not hold
// s.mu.
func (s *Server) persist() {
	if err := s.save(); err != nil {
		s.log.Error("mollie sandbox: state not saved", "file", s.stateFile, "err", err)
	}
}

// save writes the whole state to the state file if it changed since the last
// successful write. When it returns nil, the file holds every change made
// before the call. The caller must not hold s.mu.
func (s *Server) save() error {
	if s.stateFile == "" {
		return nil
	}
	s.mu.Lock()
	gen := s.gen
	if gen == s.written.Load() {
		s.mu.Unlock()
		return nil
	}
	data, err := s.encodeStateLocked()
	s.mu.Unlock()
	if err != nil {
		return err
	}

	s.saveMu.Lock()
	defer s.saveMu.Unlock()
	if gen <= s.written.Load() {
		return nil // a concurrent save already wrote this state or a newer one
	}
	if err := writeFileAtomic(s.stateFile, data); err != nil {
		return fmt.Errorf("molliesandbox: saving state: %w", err)
	}
	s.written.Store(gen)
	return nil
}

// writeFileAtomic replaces path with data: a temporary file in the same
// directory is written, synced and renamed over path, and the directory is
// synced, so that path always holds either the old or the new content.
func writeFileAtomic(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("creating temporary file: %w", err)
	}
	tmp := f.Name()
	closed := false
	defer func() {
		if err != nil {
			if !closed {
				_ = f.Close() // already failing; the write error is the one to report
			}
			_ = os.Remove(tmp) // best effort: a leftover only wastes space
		}
	}()
	if _, err := f.Write(data); err != nil {
		return fmt.Errorf("writing %s: %w", tmp, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("syncing %s: %w", tmp, err)
	}
	closed = true
	if err := f.Close(); err != nil {
		return fmt.Errorf("closing %s: %w", tmp, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("renaming %s: %w", tmp, err)
	}
	return syncDir(dir)
}

// syncDir makes a rename in dir durable. Windows cannot sync directories
// (and does not need to).
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("opening directory %s: %w", dir, err)
	}
	syncErr := d.Sync()
	closeErr := d.Close()
	if syncErr != nil {
		return fmt.Errorf("syncing directory %s: %w", dir, syncErr)
	}
	if closeErr != nil {
		return fmt.Errorf("closing directory %s: %w", dir, closeErr)
	}
	return nil
}
