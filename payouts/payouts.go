// Package payouts decides on which Mollie account a consultation is paid
// and keeps doctors' Mollie Connect connections.
//
// Without Mollie Connect configured (config.Connect), every payment is made
// on the platform's own account with its API key, as before. With it, a
// doctor connects their own Mollie account once (OAuth2 authorization code
// flow: Start, then Complete with the code and state that Mollie sends
// back), the tokens are stored encrypted with the field keys, and from then
// on the doctor's consultations are paid on that account, with the
// platform's application fee; a doctor without a connection cannot be
// booked for a type paid online. A payment remembers the connection it was
// made on, so its status checks and refunds ask that account, whichever
// account the doctor uses later. Access tokens are refreshed when less than
// RefreshMargin of their life is left, under a row lock, so concurrent
// callers in any process refresh once.
package payouts

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/google/uuid"

	"derma2go/db"
	"derma2go/payments"
	"derma2go/secure"
)

// RefreshMargin is how long before its expiry an access token is renewed.
const RefreshMargin = 5 * time.Minute

// StateLifetime is how long a started connection can be completed.
const StateLifetime = 30 * time.Minute

// ErrNotConnected is returned when Connect is on and the doctor has not
// connected a Mollie account.
var ErrNotConnected = errors.New("payouts: the doctor has not connected a Mollie account")

// ErrBadState is returned by Complete for a state that this doctor did not
// start, that was used already, or that expired.
var ErrBadState = errors.New("payouts: unknown, used or expired state")

// ErrDenied is returned by Complete when the doctor denied access at Mollie.
var ErrDenied = errors.New("payouts: access denied at Mollie")

// ErrDisconnected is returned for a payment made on a connection the
// doctor has since disconnected: its tokens are gone.
var ErrDisconnected = errors.New("payouts: the Mollie account was disconnected")

// OpenPaymentsError refuses a disconnect while consultations paid on the
// doctor's account may still need it (a status to follow, a refund).
type OpenPaymentsError struct {
	// Open is how many consultations.
	Open int
}

func (e *OpenPaymentsError) Error() string {
	return fmt.Sprintf("payouts: %d consultations paid on the account are still open", e.Open)
}

// Service picks payment accounts and keeps connections. The zero Connect
// (nil) means Mollie Connect is off.
type Service struct {
	Store  *db.Store
	Fields *secure.Fields
	// Platform is the client of the platform's own account (API key).
	Platform *payments.Client
	// Connect is the platform's OAuth app; nil switches Connect off.
	Connect *payments.Connect
	// FeeCents is the application fee on every connected payment.
	FeeCents int64
	Logger   *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Connection is a doctor's connected Mollie account, as the dashboard
// shows it.
type Connection struct {
	ID               uuid.UUID
	OrganizationID   string
	OrganizationName string
	ConnectedAt      time.Time
}

// Account is where one payment is made: the client to call and the
// connection (invalid for the platform's account), with the fee to take.
type Account struct {
	Client       *payments.Client
	ConnectionID uuid.NullUUID
	FeeCents     int64
}

// Enabled reports whether Mollie Connect is on.
func (s *Service) Enabled() bool { return s != nil && s.Connect != nil }

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Start begins connecting the doctor's Mollie account: it stores a fresh
// state for the doctor and returns Mollie's consent page to send the
// browser to.
func (s *Service) Start(ctx context.Context, doctorID uuid.UUID) (string, error) {
	if !s.Enabled() {
		return "", errors.New("payouts: Mollie Connect is off")
	}
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (it crashes instead)
	state := base64.RawURLEncoding.EncodeToString(b)
	now := s.now()
	err := s.Store.Tx(ctx, func(q *db.Queries) error {
		if err := q.DeleteExpiredOAuthStates(ctx, now); err != nil {
			return err
		}
		return q.InsertOAuthState(ctx, db.InsertOAuthStateParams{
			StateHash: s.stateHash(state), DoctorID: doctorID, ExpiresAt: now.Add(StateLifetime),
		})
	})
	if err != nil {
		return "", fmt.Errorf("payouts: start: %w", err)
	}
	return s.Connect.AuthorizeURL(state), nil
}

func (s *Service) stateHash(state string) []byte {
	return s.Fields.Lookup(db.FieldMollieOAuthState, state)
}

// Complete finishes a connection with what Mollie sent back to the
// doctor's browser: the state must be one this doctor started (used once,
// before it expires); then the code is exchanged, the account is asked who
// it is, and the tokens are stored encrypted. errorCode is Mollie's error
// parameter ("access_denied" when the doctor said no).
func (s *Service) Complete(ctx context.Context, doctorID uuid.UUID, state, code, errorCode string) (Connection, error) {
	if !s.Enabled() {
		return Connection{}, errors.New("payouts: Mollie Connect is off")
	}
	_, err := s.Store.ConsumeOAuthState(ctx, db.ConsumeOAuthStateParams{StateHash: s.stateHash(state), DoctorID: doctorID, Now: s.now()})
	if errors.Is(db.Translate(err), db.ErrNotFound) {
		return Connection{}, ErrBadState
	} else if err != nil {
		return Connection{}, fmt.Errorf("payouts: complete: %w", err)
	}
	if errorCode != "" {
		return Connection{}, ErrDenied
	}
	tok, err := s.Connect.Exchange(ctx, code)
	if err != nil {
		return Connection{}, fmt.Errorf("payouts: complete: %w", err)
	}
	acct, err := s.Connect.Account(ctx, tok.AccessToken)
	if err != nil {
		return Connection{}, fmt.Errorf("payouts: complete: %w", err)
	}
	var old db.MollieConnection
	hadOld := false
	if o, err := s.Store.GetMollieConnectionByOrganization(ctx, db.GetMollieConnectionByOrganizationParams{
		DoctorID: doctorID, OrganizationID: acct.OrganizationID,
	}); err == nil {
		old, hadOld = o, true
	} else if !errors.Is(db.Translate(err), db.ErrNotFound) {
		return Connection{}, fmt.Errorf("payouts: complete: %w", err)
	}
	params := db.UpsertMollieConnectionParams{
		ID: uuid.New(), DoctorID: doctorID, OrganizationID: acct.OrganizationID, ProfileID: acct.ProfileID,
		AccessExpiresAt: tok.ExpiresAt, Scope: tok.Scope, ConnectedAt: s.now(),
	}
	if params.OrganizationNameEnc, err = s.Fields.EncryptString(db.FieldMollieOrgName, acct.Name); err != nil {
		return Connection{}, err
	}
	if params.AccessTokenEnc, params.RefreshTokenEnc, err = s.sealTokens(tok); err != nil {
		return Connection{}, err
	}
	row, err := s.Store.UpsertMollieConnection(ctx, params)
	if err != nil {
		return Connection{}, fmt.Errorf("payouts: complete: %w", err)
	}
	if hadOld {
		s.revokeReplaced(ctx, old, tok.RefreshToken)
	}
	return Connection{ID: row.ID, OrganizationID: row.OrganizationID, OrganizationName: acct.Name, ConnectedAt: row.ConnectedAt}, nil
}

// revokeReplaced revokes the refresh token a reconnection to the same
// account replaced (unless Mollie handed out the same one): nothing uses it
// any more. A failure is only logged: the old token is then merely unused.
func (s *Service) revokeReplaced(ctx context.Context, old db.MollieConnection, current string) {
	rt, err := s.Fields.DecryptString(db.FieldMollieRefreshToken, old.RefreshTokenEnc)
	if err != nil || rt == current {
		return
	}
	if err := s.Connect.Revoke(ctx, "refresh_token", rt); err != nil && s.Logger != nil {
		s.Logger.WarnContext(ctx, "payouts: replaced refresh token not revoked", "connection_id", old.ID, "err", err)
	}
}

// Status returns the doctor's current connection; found is false when
// there is none.
func (s *Service) Status(ctx context.Context, doctorID uuid.UUID) (Connection, bool, error) {
	row, err := s.Store.CurrentMollieConnection(ctx, doctorID)
	if errors.Is(db.Translate(err), db.ErrNotFound) {
		return Connection{}, false, nil
	} else if err != nil {
		return Connection{}, false, fmt.Errorf("payouts: status: %w", err)
	}
	name, err := s.Fields.DecryptString(db.FieldMollieOrgName, row.OrganizationNameEnc)
	if err != nil {
		return Connection{}, false, fmt.Errorf("payouts: status: %w", err)
	}
	return Connection{ID: row.ID, OrganizationID: row.OrganizationID, OrganizationName: name, ConnectedAt: row.ConnectedAt}, true, nil
}

// Disconnect ends the doctor's connections: refused with
// *OpenPaymentsError while a consultation paid on one of them is not final
// or has a refund still to issue (the refund must go through the account
// it was paid on). Otherwise each connection is marked disconnected, its
// tokens wiped, and its refresh token revoked at Mollie (a failure there is
// logged: the token is then merely unused). found is false if nothing was
// connected.
func (s *Service) Disconnect(ctx context.Context, doctorID uuid.UUID) (found bool, err error) {
	var refresh []string
	err = s.Store.Tx(ctx, func(q *db.Queries) error {
		live, err := q.LiveMollieConnectionsForUpdate(ctx, doctorID)
		if err != nil || len(live) == 0 {
			return err
		}
		found = true
		open, err := q.OpenPaidOnConnections(ctx, doctorID)
		if err != nil {
			return err
		}
		if open > 0 {
			return &OpenPaymentsError{Open: int(open)}
		}
		for _, c := range live {
			if rt, err := s.Fields.DecryptString(db.FieldMollieRefreshToken, c.RefreshTokenEnc); err == nil {
				refresh = append(refresh, rt)
			}
			if err := q.DisconnectMollieConnection(ctx, db.DisconnectMollieConnectionParams{ID: c.ID, Now: s.now()}); err != nil {
				return err
			}
		}
		return nil
	})
	var open *OpenPaymentsError
	if errors.As(err, &open) {
		return true, err
	}
	if err != nil {
		return false, fmt.Errorf("payouts: disconnect: %w", err)
	}
	for _, rt := range refresh {
		if err := s.Connect.Revoke(ctx, "refresh_token", rt); err != nil && s.Logger != nil {
			s.Logger.WarnContext(ctx, "payouts: refresh token of a disconnected account not revoked", "doctor_id", doctorID, "err", err)
		}
	}
	return found, nil
}

// CanBePaid reports whether a new payment for the doctor has an account:
// always without Connect, only with a connection with it.
func (s *Service) CanBePaid(ctx context.Context, doctorID uuid.UUID) (bool, error) {
	if !s.Enabled() {
		return true, nil
	}
	_, found, err := s.Status(ctx, doctorID)
	return found, err
}

// ForDoctor is the account a new payment for the doctor's consultation is
// made on: the platform's without Connect, the doctor's current connection
// (ErrNotConnected without one) with it. A token that does not expire
// within RefreshMargin is used as read, in one query; only a refresh locks
// the connection.
func (s *Service) ForDoctor(ctx context.Context, doctorID uuid.UUID) (Account, error) {
	if !s.Enabled() {
		return Account{Client: s.Platform}, nil
	}
	row, err := s.Store.CurrentMollieConnection(ctx, doctorID)
	if errors.Is(db.Translate(err), db.ErrNotFound) {
		return Account{}, ErrNotConnected
	} else if err != nil {
		return Account{}, fmt.Errorf("payouts: account of doctor %s: %w", doctorID, err)
	}
	var cl *payments.Client
	if row.AccessExpiresAt.Sub(s.now()) > RefreshMargin {
		// The token read with the connection stays valid long enough:
		// no refresh, so no need to lock the row (client does that).
		access, err := s.Fields.DecryptString(db.FieldMollieAccessToken, row.AccessTokenEnc)
		if err != nil {
			return Account{}, fmt.Errorf("payouts: token of connection %s: %w", row.ID, err)
		}
		if cl, err = s.Connect.Client(access, row.ProfileID); err != nil {
			return Account{}, fmt.Errorf("payouts: client of connection %s: %w", row.ID, err)
		}
	} else if cl, err = s.client(ctx, row.ID); err != nil {
		return Account{}, err
	}
	return Account{Client: cl, ConnectionID: uuid.NullUUID{UUID: row.ID, Valid: true}, FeeCents: s.FeeCents}, nil
}

// ForPayment is the client of the account a stored payment was made on.
func (s *Service) ForPayment(ctx context.Context, paymentID string) (*payments.Client, error) {
	conn, err := s.Store.PaymentConnection(ctx, paymentID)
	if err != nil {
		return nil, fmt.Errorf("payouts: account of payment %s: %w", paymentID, err)
	}
	if !conn.Valid {
		return s.Platform, nil
	}
	if !s.Enabled() {
		return nil, fmt.Errorf("payouts: payment %s was made on a connected account, but Mollie Connect is off", paymentID)
	}
	return s.client(ctx, conn.UUID)
}

// client returns a client for a connection, refreshing its access token
// first when it expires within RefreshMargin.
func (s *Service) client(ctx context.Context, connID uuid.UUID) (*payments.Client, error) {
	var access, profile string
	err := s.Store.Tx(ctx, func(q *db.Queries) error {
		row, err := q.GetMollieConnectionForUpdate(ctx, connID)
		if err != nil {
			return err
		}
		if row.DisconnectedAt != nil {
			return ErrDisconnected
		}
		profile = row.ProfileID
		if row.AccessExpiresAt.Sub(s.now()) > RefreshMargin {
			access, err = s.Fields.DecryptString(db.FieldMollieAccessToken, row.AccessTokenEnc)
			return err
		}
		refresh, err := s.Fields.DecryptString(db.FieldMollieRefreshToken, row.RefreshTokenEnc)
		if err != nil {
			return err
		}
		tok, err := s.Connect.Refresh(ctx, refresh)
		if err != nil {
			return err
		}
		a, r, err := s.sealTokens(tok)
		if err != nil {
			return err
		}
		if err := q.SetMollieConnectionTokens(ctx, db.SetMollieConnectionTokensParams{
			ID: connID, AccessTokenEnc: a, RefreshTokenEnc: r, AccessExpiresAt: tok.ExpiresAt, Now: s.now(),
		}); err != nil {
			return err
		}
		access = tok.AccessToken
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("payouts: token of connection %s: %w", connID, err)
	}
	return s.Connect.Client(access, profile)
}

// sealTokens encrypts a token pair for storage.
func (s *Service) sealTokens(tok payments.Token) (access, refresh []byte, err error) {
	if access, err = s.Fields.EncryptString(db.FieldMollieAccessToken, tok.AccessToken); err != nil {
		return nil, nil, err
	}
	if refresh, err = s.Fields.EncryptString(db.FieldMollieRefreshToken, tok.RefreshToken); err != nil {
		return nil, nil, err
	}
	return access, refresh, nil
}
