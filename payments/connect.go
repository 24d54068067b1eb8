package payments

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/VictorAvelar/mollie-api-go/v4/mollie"
	"golang.org/x/oauth2"
)

// ConnectScopes are the permissions Derma2Go asks a doctor's Mollie account
// for: its payments and refunds, and reading who it is.
var ConnectScopes = []string{
	"payments.read", "payments.write", "refunds.read", "refunds.write", "organizations.read", "profiles.read",
}

// Default Mollie Connect endpoints.
const (
	DefaultAuthorizeURL = "https://my.mollie.com/oauth2/authorize"
	// tokenPath is the token endpoint, relative to the API base URL.
	tokenPath = "oauth2/tokens"
)

// ErrInvalidGrant is returned (wrapped) when Mollie refuses a code or a
// refresh token: used, expired, revoked or issued to another app.
var ErrInvalidGrant = errors.New("payments: Mollie refused the grant")

// ConnectConfig configures Mollie Connect, the OAuth app through which
// doctors connect their own Mollie accounts.
type ConnectConfig struct {
	// ClientID and ClientSecret are the app's credentials ("app_…").
	ClientID, ClientSecret string
	// RedirectURL is the app's registered redirect URL.
	RedirectURL string
	// AuthorizeURL is Mollie's consent page; empty means DefaultAuthorizeURL.
	AuthorizeURL string
	// BaseURL is the API base URL (the token endpoint is under it); empty
	// means Mollie's.
	BaseURL string
	// Testmode makes every call with an access token ask for test mode.
	Testmode bool
}

// Connect is Derma2Go's Mollie Connect app. It is safe for concurrent use.
type Connect struct {
	cfg     ConnectConfig
	oauth   oauth2.Config
	base    string
	hc      *http.Client
	tokenEP string
}

// Token is an OAuth token pair of a connected account.
type Token struct {
	AccessToken  string
	RefreshToken string
	// ExpiresAt is when the access token stops working.
	ExpiresAt time.Time
	Scope     string
}

// Account is who a connected token acts for.
type Account struct {
	// OrganizationID ("org_…") and Name are the Mollie organisation.
	OrganizationID, Name string
	// ProfileID ("pfl_…") is the website profile payments are made on.
	ProfileID string
}

// NewConnect returns the Connect app configured by cfg.
func NewConnect(cfg ConnectConfig) (*Connect, error) {
	if cfg.ClientID == "" || cfg.ClientSecret == "" || cfg.RedirectURL == "" {
		return nil, errors.New("payments: Mollie Connect needs a client id, a client secret and a redirect URL")
	}
	base := mollie.BaseURL
	if cfg.BaseURL != "" {
		u, err := parseBaseURL(cfg.BaseURL)
		if err != nil {
			return nil, err
		}
		base = u.String()
	}
	if cfg.AuthorizeURL == "" {
		cfg.AuthorizeURL = DefaultAuthorizeURL
	}
	c := &Connect{
		cfg: cfg, base: base, tokenEP: base + tokenPath,
		hc: &http.Client{Timeout: requestTimeout, Transport: &idempotencyTransport{base: http.DefaultTransport}},
	}
	c.oauth = oauth2.Config{
		ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, RedirectURL: cfg.RedirectURL, Scopes: ConnectScopes,
		Endpoint: oauth2.Endpoint{AuthURL: cfg.AuthorizeURL, TokenURL: c.tokenEP, AuthStyle: oauth2.AuthStyleInHeader},
	}
	return c, nil
}

// AuthorizeURL is the consent page to send the doctor's browser to; state
// comes back with the code and must be checked.
func (c *Connect) AuthorizeURL(state string) string {
	return c.oauth.AuthCodeURL(state, oauth2.SetAuthURLParam("approval_prompt", "auto"))
}

// Exchange trades an authorization code for the account's tokens.
func (c *Connect) Exchange(ctx context.Context, code string) (Token, error) {
	if code == "" || len(code) > 256 {
		return Token{}, fmt.Errorf("payments: exchange code: %w", ErrInvalidGrant)
	}
	t, err := c.oauth.Exchange(c.ctx(ctx), code)
	if err != nil {
		return Token{}, c.tokenError("exchange code", err)
	}
	return toToken(t, "")
}

// Refresh gets a new access token with a refresh token. Mollie may return
// the same refresh token or a new one; Token.RefreshToken is the one to
// keep.
func (c *Connect) Refresh(ctx context.Context, refreshToken string) (Token, error) {
	ts := c.oauth.TokenSource(c.ctx(ctx), &oauth2.Token{RefreshToken: refreshToken, Expiry: time.Unix(1, 0)})
	t, err := ts.Token()
	if err != nil {
		return Token{}, c.tokenError("refresh token", err)
	}
	return toToken(t, refreshToken)
}

// Revoke revokes a token (kind "access_token" or "refresh_token"); a
// revoked refresh token ends the connection.
func (c *Connect) Revoke(ctx context.Context, kind, token string) error {
	form := url.Values{"token_type_hint": {kind}, "token": {token}}
	req, err := http.NewRequestWithContext(ctx, http.MethodDelete, c.tokenEP, strings.NewReader(form.Encode()))
	if err != nil {
		return fmt.Errorf("payments: revoke token: %w", err)
	}
	req.SetBasicAuth(url.QueryEscape(c.cfg.ClientID), url.QueryEscape(c.cfg.ClientSecret))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := c.hc.Do(req)
	if err != nil {
		return fmt.Errorf("payments: revoke token: %w: %w", ErrUnreachable, err)
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10)) // drained for connection reuse
	if res.StatusCode/100 != 2 {
		return fmt.Errorf("payments: revoke token: %w", &APIError{StatusCode: res.StatusCode, Title: http.StatusText(res.StatusCode),
			Detail: "Mollie did not revoke the token"})
	}
	return nil
}

// Account asks Mollie which organisation and profile an access token acts
// for.
func (c *Connect) Account(ctx context.Context, accessToken string) (Account, error) {
	cl, err := c.client(accessToken, "")
	if err != nil {
		return Account{}, err
	}
	res, org, err := cl.mc.Organizations.GetCurrent(ctx)
	if err != nil {
		return Account{}, cl.wrap("get organization", res, err)
	}
	res, pl, err := cl.mc.Profiles.List(ctx, nil)
	if err != nil {
		return Account{}, cl.wrap("list profiles", res, err)
	}
	if org == nil || org.ID == "" || pl == nil || len(pl.Embedded.Profiles) == 0 || pl.Embedded.Profiles[0].ID == "" {
		return Account{}, errors.New("payments: the connected Mollie account has no organization or website profile")
	}
	return Account{OrganizationID: org.ID, Name: org.Name, ProfileID: pl.Embedded.Profiles[0].ID}, nil
}

// Client returns a payments client acting for a connected account with its
// access token: payments are created on profileID of that account.
func (c *Connect) Client(accessToken, profileID string) (*Client, error) {
	if profileID == "" {
		return nil, errors.New("payments: a connected account's client needs its profile id")
	}
	return c.client(accessToken, profileID)
}

// client builds a Client for an access token.
func (c *Connect) client(accessToken, profileID string) (*Client, error) {
	if !strings.HasPrefix(accessToken, "access_") {
		return nil, errors.New("payments: not a Mollie access token")
	}
	cl, err := newClient(accessToken, c.base, c.cfg.Testmode)
	if err != nil {
		return nil, err
	}
	cl.profileID = profileID
	return cl, nil
}

// ctx gives the oauth2 package our HTTP client.
func (c *Connect) ctx(ctx context.Context) context.Context {
	return context.WithValue(ctx, oauth2.HTTPClient, c.hc)
}

// tokenError turns an oauth2 error into ours without the client secret or
// tokens: an RFC 6749 invalid_grant matches ErrInvalidGrant.
func (c *Connect) tokenError(op string, err error) error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		apiErr := &APIError{StatusCode: re.Response.StatusCode, Title: re.ErrorCode, Detail: re.ErrorDescription}
		if re.ErrorCode == "invalid_grant" {
			return fmt.Errorf("payments: %s: %w (%w)", op, ErrInvalidGrant, apiErr)
		}
		return fmt.Errorf("payments: %s: %w", op, apiErr)
	}
	msg := strings.ReplaceAll(err.Error(), c.cfg.ClientSecret, "[redacted]")
	if transportFailed(err) {
		return fmt.Errorf("payments: %s: %w: %s", op, ErrUnreachable, msg)
	}
	return fmt.Errorf("payments: %s: %s", op, msg)
}

// toToken converts an oauth2 token; keep is the refresh token to keep when
// the answer names none.
func toToken(t *oauth2.Token, keep string) (Token, error) {
	if t == nil || !strings.HasPrefix(t.AccessToken, "access_") || t.Expiry.IsZero() {
		return Token{}, errors.New("payments: Mollie's token answer has no access token or expiry")
	}
	out := Token{AccessToken: t.AccessToken, RefreshToken: t.RefreshToken, ExpiresAt: t.Expiry.UTC()}
	if out.RefreshToken == "" {
		out.RefreshToken = keep
	}
	if out.RefreshToken == "" {
		return Token{}, errors.New("payments: Mollie's token answer has no refresh token")
	}
	if s, ok := t.Extra("scope").(string); ok {
		out.Scope = s
	}
	return out, nil
}
