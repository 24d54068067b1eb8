package payments_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"derma2go/payments"
	"derma2go/payments/molliesandbox"
)

// connectEnv is a sandbox with one registered OAuth app and the wrapper's
// Connect for it.
type connectEnv struct {
	*env
	connect *payments.Connect
}

const (
	appID       = "app_derma2goTest"
	appSecret   = "secret-of-the-test-app"
	appRedirect = "https://derma2go.test/dashboard/payments/connected"
)

func newConnectEnv(t *testing.T) *connectEnv {
	t.Helper()
	e := newEnv(t, molliesandbox.Options{Apps: []molliesandbox.App{{ID: appID, Secret: appSecret, RedirectURL: appRedirect}}})
	c, err := payments.NewConnect(payments.ConnectConfig{ClientID: appID, ClientSecret: appSecret, RedirectURL: appRedirect,
		AuthorizeURL: e.apiURL + "/oauth2/authorize", BaseURL: e.apiURL, Testmode: true})
	if err != nil {
		t.Fatal(err)
	}
	return &connectEnv{env: e, connect: c}
}

// connectAs runs the consent flow for organization and returns its tokens.
func (e *connectEnv) connectAs(t *testing.T, organization string) payments.Token {
	t.Helper()
	ctx := context.Background()
	back, err := molliesandbox.ClickThrough(ctx, nil, e.connect.AuthorizeURL("state-123"), organization, true)
	if err != nil {
		t.Fatal(err)
	}
	if back.Query().Get("state") != "state-123" || back.Query().Get("code") == "" {
		t.Fatalf("redirect %s: want the state and a code", back)
	}
	if back.Host != "derma2go.test" || back.Path != "/dashboard/payments/connected" {
		t.Fatalf("redirected to %s, want the registered redirect URL", back)
	}
	tok, err := e.connect.Exchange(ctx, back.Query().Get("code"))
	if err != nil {
		t.Fatal(err)
	}
	// A code works once.
	if _, err := e.connect.Exchange(ctx, back.Query().Get("code")); !errors.Is(err, payments.ErrInvalidGrant) {
		t.Fatalf("second exchange of one code: %v, want ErrInvalidGrant", err)
	}
	return tok
}

// TestConnectedAccountPaymentsWithApplicationFee: a merchant connects
// through the consent page; payments made with its token carry the
// profile, test mode and the application fee, are visible to that account
// only (not to the platform's API key, not to another account), and are
// refunded through it.
func TestConnectedAccountPaymentsWithApplicationFee(t *testing.T) {
	e := newConnectEnv(t)
	ctx := context.Background()
	tok := e.connectAs(t, "Praktijk A")
	if time.Until(tok.ExpiresAt) < 50*time.Minute || tok.RefreshToken == "" {
		t.Fatalf("token %+v: want an hour and a refresh token", tok)
	}
	acct, err := e.connect.Account(ctx, tok.AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	if acct.Name != "Praktijk A" || acct.OrganizationID == "" || acct.ProfileID == "" {
		t.Fatalf("account %+v", acct)
	}
	doctor, err := e.connect.Client(tok.AccessToken, acct.ProfileID)
	if err != nil {
		t.Fatal(err)
	}
	p, err := doctor.CreatePayment(ctx, payments.CreatePayment{AmountCents: 6000, Description: "Video consult",
		RedirectURL: "https://derma2go.test/back", WebhookURL: e.hookURL, ConsultationID: "c1",
		ApplicationFeeCents: 250, ApplicationFeeDescription: "Derma2Go fee"})
	if err != nil {
		t.Fatal(err)
	}
	if p.ApplicationFeeCents != 250 {
		t.Fatalf("application fee %d, want 250", p.ApplicationFeeCents)
	}
	snap := e.sandbox.Payments()
	if len(snap) != 1 || snap[0].OrganizationID != acct.OrganizationID || snap[0].ApplicationFee == nil || snap[0].ApplicationFee.Value != "2.50" {
		t.Fatalf("sandbox holds %+v, want the payment on %s with a 2.50 fee", snap, acct.OrganizationID)
	}
	// The platform's key and another account do not see it.
	if _, err := e.client.GetPayment(ctx, p.ID); !errors.Is(err, payments.ErrNotFound) {
		t.Fatalf("platform key reads the doctor's payment: %v", err)
	}
	other := e.connectAs(t, "Praktijk B")
	otherAcct, err := e.connect.Account(ctx, other.AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	otherClient, err := e.connect.Client(other.AccessToken, otherAcct.ProfileID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := otherClient.GetPayment(ctx, p.ID); !errors.Is(err, payments.ErrNotFound) {
		t.Fatalf("another account reads the payment: %v", err)
	}
	// An application fee on the platform's own account is refused before any call.
	if _, err := e.client.CreatePayment(ctx, payments.CreatePayment{AmountCents: 100, Description: "x",
		RedirectURL: "https://derma2go.test/back", ApplicationFeeCents: 10}); err == nil {
		t.Fatal("platform payment with an application fee was accepted")
	}

	if err := e.sandbox.Complete(ctx, p.ID, molliesandbox.StatusPaid); err != nil {
		t.Fatal(err)
	}
	got, err := doctor.GetPayment(ctx, p.ID)
	if err != nil || got.Status != payments.StatusPaid {
		t.Fatalf("doctor's view: %+v, %v", got, err)
	}
	r, err := doctor.CreateRefund(ctx, p.ID, 6000, "cancelled", "refund-key-1")
	if err != nil {
		t.Fatal(err)
	}
	refunds, err := doctor.ListRefunds(ctx, p.ID)
	if err != nil || len(refunds) != 1 || refunds[0].ID != r.ID {
		t.Fatalf("refunds %+v, %v", refunds, err)
	}
	if _, err := e.client.CreateRefund(ctx, p.ID, 100, "x", ""); !errors.Is(err, payments.ErrNotFound) {
		t.Fatalf("platform key refunds the doctor's payment: %v", err)
	}
}

// TestConnectTokenRefreshAndRevoke: an expired access token is refused, a
// refresh gives a working one, and a revoked refresh token ends the
// connection (its access tokens too).
func TestConnectTokenRefreshAndRevoke(t *testing.T) {
	e := newConnectEnv(t)
	ctx := context.Background()
	tok := e.connectAs(t, "Praktijk C")
	acct, err := e.connect.Account(ctx, tok.AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	if n := e.sandbox.ExpireAccessTokens(acct.OrganizationID); n != 1 {
		t.Fatalf("expired %d tokens, want 1", n)
	}
	var apiErr *payments.APIError
	if _, err := e.connect.Account(ctx, tok.AccessToken); !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusUnauthorized {
		t.Fatalf("expired token: %v, want 401", err)
	}
	fresh, err := e.connect.Refresh(ctx, tok.RefreshToken)
	if err != nil {
		t.Fatal(err)
	}
	if fresh.AccessToken == tok.AccessToken || fresh.RefreshToken == "" {
		t.Fatalf("refresh gave %+v", fresh)
	}
	if _, err := e.connect.Account(ctx, fresh.AccessToken); err != nil {
		t.Fatalf("refreshed token: %v", err)
	}
	if err := e.connect.Revoke(ctx, "refresh_token", fresh.RefreshToken); err != nil {
		t.Fatal(err)
	}
	if _, err := e.connect.Refresh(ctx, fresh.RefreshToken); !errors.Is(err, payments.ErrInvalidGrant) {
		t.Fatalf("refresh after revoke: %v, want ErrInvalidGrant", err)
	}
	if _, err := e.connect.Account(ctx, fresh.AccessToken); !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusUnauthorized {
		t.Fatalf("access token after its refresh token was revoked: %v, want 401", err)
	}
}

// TestConnectRefusesWrongClientAndRedirect: the consent page shows an
// error, not a redirect, for an unknown app or a foreign redirect_uri; the
// token endpoint refuses a wrong secret; a denial comes back as
// access_denied with the state.
func TestConnectRefusesWrongClientAndRedirect(t *testing.T) {
	e := newConnectEnv(t)
	ctx := context.Background()
	for name, u := range map[string]string{
		"unknown client":   e.apiURL + "/oauth2/authorize?client_id=app_nobody&response_type=code&state=s",
		"foreign redirect": e.apiURL + "/oauth2/authorize?client_id=" + appID + "&response_type=code&state=s&redirect_uri=https%3A%2F%2Fevil.test%2F",
	} {
		if _, err := molliesandbox.ClickThrough(ctx, nil, u, "X", true); err == nil {
			t.Errorf("%s: consent page redirected", name)
		}
	}
	back, err := molliesandbox.ClickThrough(ctx, nil, e.connect.AuthorizeURL("s-9"), "Praktijk D", false)
	if err != nil {
		t.Fatal(err)
	}
	if back.Query().Get("error") != "access_denied" || back.Query().Get("state") != "s-9" || back.Query().Get("code") != "" {
		t.Fatalf("denial redirected to %s", back)
	}
	wrong, err := payments.NewConnect(payments.ConnectConfig{ClientID: appID, ClientSecret: "wrong", RedirectURL: appRedirect,
		AuthorizeURL: e.apiURL + "/oauth2/authorize", BaseURL: e.apiURL, Testmode: true})
	if err != nil {
		t.Fatal(err)
	}
	back, err = molliesandbox.ClickThrough(ctx, nil, wrong.AuthorizeURL("s"), "Praktijk D", true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := wrong.Exchange(ctx, back.Query().Get("code")); err == nil {
		t.Fatal("exchange with a wrong secret succeeded")
	}
}

// TestSandboxRequiresTestmodeForTokens: a token call without testmode (a
// client configured for live mode) is refused by the sandbox.
func TestSandboxRequiresTestmodeForTokens(t *testing.T) {
	e := newConnectEnv(t)
	ctx := context.Background()
	tok := e.connectAs(t, "Praktijk E")
	acct, err := e.connect.Account(ctx, tok.AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	live, err := payments.NewConnect(payments.ConnectConfig{ClientID: appID, ClientSecret: appSecret, RedirectURL: appRedirect,
		BaseURL: e.apiURL})
	if err != nil {
		t.Fatal(err)
	}
	cl, err := live.Client(tok.AccessToken, acct.ProfileID)
	if err != nil {
		t.Fatal(err)
	}
	_, err = cl.CreatePayment(ctx, payments.CreatePayment{AmountCents: 100, Description: "x", RedirectURL: "https://derma2go.test/back"})
	var apiErr *payments.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusUnprocessableEntity || apiErr.Field != "testmode" {
		t.Fatalf("live-mode call: %v, want 422 on testmode", err)
	}
}
