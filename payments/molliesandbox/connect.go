package molliesandbox

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Mollie Connect in the sandbox.
//
// An OAuth app (Options.Apps: client id, secret and its one registered
// redirect URL) sends a merchant's browser to GET /oauth2/authorize with
// client_id, redirect_uri, response_type=code, scope and state. The page
// asks which sandbox organisation (Mollie account) grants access: a name
// typed there is the account, the first use of a name creates it with one
// website profile. Its Authorize button redirects (303) to the
// redirect_uri with code and state; Deny redirects with
// error=access_denied and state. An unknown client or a redirect_uri that
// is not the app's registered one gets an error page and no redirect, as at
// Mollie.
//
// POST /oauth2/tokens (HTTP Basic with the app's id and secret, form
// encoded) exchanges a code (grant_type=authorization_code, code,
// redirect_uri; a code works once, for DefaultCodeTTL) or a refresh token
// (grant_type=refresh_token, refresh_token) for
// {access_token, refresh_token, expires_in, token_type, scope}. Access
// tokens ("access_…") live Options.AccessTokenTTL; refresh tokens
// ("refresh_…") live until revoked, and a refresh returns the same one.
// DELETE /oauth2/tokens (token_type_hint and token) revokes a token: a
// revoked refresh token takes the access tokens it issued with it.
//
// An access token acts for its organisation: payments it creates belong to
// that organisation, and only its tokens see them (404 for anyone else,
// API keys included). API keys act for the platform's own account and see
// only the platform's payments. As at Mollie, a token caller must say
// testmode (the "testmode" query parameter on reads and deletes, the
// "testmode" body field on creates: the sandbox only has test mode) and
// name its organisation's profileId when creating a payment. Only token
// callers may set an applicationFee: at most the payment's amount, in its
// currency, kept on the payment and returned with it. GET
// /v2/organizations/me and GET /v2/profiles describe the token's
// organisation.

// DefaultAccessTokenTTL is the lifetime of an access token when
// Options.AccessTokenTTL is zero (Mollie's: one hour).
const DefaultAccessTokenTTL = time.Hour

// DefaultCodeTTL is how long an authorization code can be exchanged.
const DefaultCodeTTL = 10 * time.Minute

// App is an OAuth app registered with the sandbox.
type App struct {
	// ID is the client id, "app_…".
	ID string
	// Secret is the client secret.
	Secret string
	// RedirectURL is the one redirect URL the app registered.
	RedirectURL string
}

// Organization is a snapshot of one sandbox organisation (a connected
// merchant's Mollie account), as (*Server).Organizations returns it.
type Organization struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	ProfileID string    `json:"profileId"`
	CreatedAt time.Time `json:"createdAt"`
}

// organization is the sandbox's record of one organisation.
type organization struct {
	id, name, profileID string
	createdAt           time.Time
}

// oauthToken is an access or refresh token.
type oauthToken struct {
	value    string
	refresh  bool
	clientID string
	orgID    string
	scope    string
	// expiresAt bounds access tokens; zero for refresh tokens.
	expiresAt time.Time
	// parent is the refresh token an access token was issued with.
	parent  string
	revoked bool
}

// authCode is an authorization code waiting to be exchanged.
type authCode struct {
	clientID, redirectURI, orgID, scope string
	expiresAt                           time.Time
}

// account is who an API call acts for: the platform (a test API key) or an
// organisation (an access token).
type account struct {
	// scope keys idempotent answers: the API key, or "org:" and the id.
	scope string
	// org is the organisation of a token caller, "" for API keys.
	org string
}

// token reports whether the caller used an OAuth access token.
func (a account) token() bool { return a.org != "" }

// authenticate finds the account of r's bearer credential. The caller
// holds s.mu.
func (s *Server) authenticateLocked(r *http.Request) (account, bool) {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	tok = strings.TrimSpace(tok)
	switch {
	case !ok:
		return account{}, false
	case strings.HasPrefix(tok, "test_") && len(tok) > len("test_"):
		return account{scope: tok}, true
	case strings.HasPrefix(tok, "access_"):
		t := s.tokens[tok]
		if t == nil || t.refresh || t.revoked || !now().Before(t.expiresAt) {
			return account{}, false
		}
		return account{scope: "org:" + t.orgID, org: t.orgID}, true
	}
	return account{}, false
}

// Organizations returns every organisation, oldest first.
func (s *Server) Organizations() []Organization {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Organization, 0, len(s.orgs))
	for _, o := range s.orgs {
		out = append(out, Organization{ID: o.id, Name: o.name, ProfileID: o.profileID, CreatedAt: o.createdAt})
	}
	slices.SortFunc(out, func(a, b Organization) int {
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out
}

// ExpireAccessTokens makes every access token of the organisation expire
// now, as an hour passing would: a caller must refresh. It reports how many
// tokens it expired.
func (s *Server) ExpireAccessTokens(orgID string) int {
	s.mu.Lock()
	n := 0
	t0 := now().Add(-time.Second)
	for _, t := range s.tokens {
		if !t.refresh && t.orgID == orgID && t.expiresAt.After(t0) {
			t.expiresAt = t0
			n++
		}
	}
	if n > 0 {
		s.gen++
	}
	s.mu.Unlock()
	s.persist()
	return n
}

// accessTokenTTL is the configured lifetime of access tokens.
func (s *Server) accessTokenTTL() time.Duration {
	if s.opts.AccessTokenTTL > 0 {
		return s.opts.AccessTokenTTL
	}
	return DefaultAccessTokenTTL
}

// app returns the registered app with id.
func (s *Server) app(id string) (App, bool) {
	for _, a := range s.opts.Apps {
		if a.ID == id && id != "" {
			return a, true
		}
	}
	return App{}, false
}

// authorizeTmpl renders the consent page.
var authorizeTmpl = template.Must(template.New("authorize").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Mollie sandbox · connect</title>` + pageStyle + `</head>
<body><main>
<p class="badge">Mollie sandbox · test mode</p>
{{if .Error}}<h1>Cannot connect</h1><p role="alert" id="error">{{.Error}}</p>{{else}}
<h1>Connect your Mollie account</h1>
<p>The app <code id="client-id">{{.ClientID}}</code> asks for access to: <code id="scope">{{.Scope}}</code>.</p>
<form method="post" action="authorize">
<input type="hidden" name="client_id" value="{{.ClientID}}">
<input type="hidden" name="redirect_uri" value="{{.RedirectURI}}">
<input type="hidden" name="state" value="{{.State}}">
<input type="hidden" name="scope" value="{{.Scope}}">
<p><label for="organization">Sandbox account (organisation name)</label><br>
<input id="organization" name="organization" value="{{.Organization}}" required maxlength="100"></p>
<div class="buttons">
<button type="submit" name="decision" value="authorize" id="authorize" style="background:#2e7d32">Authorize</button>
<button type="submit" name="decision" value="deny" id="deny" style="background:#c62828">Deny</button>
</div>
</form>{{end}}
</main></body></html>
`))

// authorizeView is the data of authorizeTmpl.
type authorizeView struct {
	Error, ClientID, RedirectURI, State, Scope, Organization string
}

// checkAuthorize validates the client and redirect of an authorization
// request; a non-empty answer is the error to show instead of redirecting.
func (s *Server) checkAuthorize(v url.Values) (App, string) {
	a, ok := s.app(v.Get("client_id"))
	if !ok {
		return App{}, "Unknown client_id."
	}
	if v.Get("redirect_uri") != "" && v.Get("redirect_uri") != a.RedirectURL {
		return App{}, "The redirect_uri is not the one registered for this app."
	}
	return a, ""
}

// authorizePage handles GET /oauth2/authorize.
func (s *Server) authorizePage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	a, bad := s.checkAuthorize(q)
	if bad == "" && q.Get("response_type") != "code" {
		bad = "The response_type must be code."
	}
	if bad == "" && q.Get("state") == "" {
		bad = "The state is required."
	}
	if bad != "" {
		s.render(w, http.StatusBadRequest, authorizeTmpl, authorizeView{Error: bad})
		return
	}
	s.render(w, http.StatusOK, authorizeTmpl, authorizeView{
		ClientID: a.ID, RedirectURI: a.RedirectURL, State: q.Get("state"), Scope: q.Get("scope"),
		Organization: "Sandbox account " + newID("")[:6],
	})
}

// authorizeSubmit handles POST /oauth2/authorize: the merchant's decision.
func (s *Server) authorizeSubmit(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "Invalid form: "+err.Error(), http.StatusBadRequest)
		return
	}
	f := r.PostForm
	a, bad := s.checkAuthorize(f)
	if bad != "" {
		s.render(w, http.StatusBadRequest, authorizeTmpl, authorizeView{Error: bad})
		return
	}
	back, err := url.Parse(a.RedirectURL)
	if err != nil {
		s.render(w, http.StatusBadRequest, authorizeTmpl, authorizeView{Error: "The app's redirect URL is invalid."})
		return
	}
	q := back.Query()
	q.Set("state", f.Get("state"))
	name := strings.TrimSpace(f.Get("organization"))
	switch {
	case f.Get("decision") != "authorize":
		q.Set("error", "access_denied")
		q.Set("error_description", "The merchant denied access.")
	case name == "" || len(name) > 100:
		s.render(w, http.StatusBadRequest, authorizeTmpl, authorizeView{Error: "Name the sandbox account (1 to 100 characters)."})
		return
	default:
		code := s.issueCode(a, name, f.Get("scope"))
		q.Set("code", code)
	}
	back.RawQuery = q.Encode()
	http.Redirect(w, r, back.String(), http.StatusSeeOther)
}

// issueCode finds or creates the organisation called name and issues a
// code for it.
func (s *Server) issueCode(a App, name, scope string) string {
	s.mu.Lock()
	o := s.orgByNameLocked(name)
	if o == nil {
		o = &organization{id: newID("org_"), name: name, profileID: newID("pfl_"), createdAt: now()}
		s.orgs[o.id] = o
		s.log.Info("mollie sandbox: organization created", "organization", o.id)
	}
	code := newID("auth_") + newID("")
	s.codes[code] = &authCode{clientID: a.ID, redirectURI: a.RedirectURL, orgID: o.id, scope: scope, expiresAt: now().Add(DefaultCodeTTL)}
	s.gen++
	s.mu.Unlock()
	s.persist()
	return code
}

// orgByNameLocked returns the organisation called name, or nil.
func (s *Server) orgByNameLocked(name string) *organization {
	for _, o := range s.orgs {
		if o.name == name {
			return o
		}
	}
	return nil
}

// tokenResponse is the answer of the token endpoint.
type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	ExpiresIn    int    `json:"expires_in"`
	TokenType    string `json:"token_type"`
	Scope        string `json:"scope"`
}

// oauthError writes an RFC 6749 error answer.
func oauthError(w http.ResponseWriter, status int, code, description string) {
	body, _ := json.Marshal(map[string]string{"error": code, "error_description": description})
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body) // the client went away; nothing to do
}

// clientOf authenticates the app calling a token endpoint with HTTP Basic.
func (s *Server) clientOf(r *http.Request) (App, bool) {
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	a, known := s.app(id)
	if !known || subtle.ConstantTimeCompare([]byte(secret), []byte(a.Secret)) != 1 {
		return App{}, false
	}
	return a, true
}

// tokens handles POST /oauth2/tokens.
func (s *Server) tokenGrant(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "The form could not be read.")
		return
	}
	a, ok := s.clientOf(r)
	if !ok {
		oauthError(w, http.StatusUnauthorized, "invalid_client", "Unknown client or wrong secret.")
		return
	}
	f := r.PostForm
	s.mu.Lock()
	var orgID, scope, refresh string
	switch f.Get("grant_type") {
	case "authorization_code":
		c := s.codes[f.Get("code")]
		delete(s.codes, f.Get("code")) // a code works once, even when this attempt fails
		switch {
		case c == nil || !now().Before(c.expiresAt):
			s.mu.Unlock()
			oauthError(w, http.StatusBadRequest, "invalid_grant", "The code is unknown, used or expired.")
			return
		case c.clientID != a.ID || f.Get("redirect_uri") != c.redirectURI:
			s.mu.Unlock()
			oauthError(w, http.StatusBadRequest, "invalid_grant", "The code was issued to another client or redirect_uri.")
			return
		}
		orgID, scope = c.orgID, c.scope
		rt := &oauthToken{value: newID("refresh_") + newID(""), refresh: true, clientID: a.ID, orgID: orgID, scope: scope}
		s.tokens[rt.value] = rt
		refresh = rt.value
	case "refresh_token":
		rt := s.tokens[f.Get("refresh_token")]
		if rt == nil || !rt.refresh || rt.revoked || rt.clientID != a.ID {
			s.mu.Unlock()
			oauthError(w, http.StatusBadRequest, "invalid_grant", "The refresh token is unknown or revoked.")
			return
		}
		orgID, scope, refresh = rt.orgID, rt.scope, rt.value
	default:
		s.mu.Unlock()
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "Use authorization_code or refresh_token.")
		return
	}
	ttl := s.accessTokenTTL()
	at := &oauthToken{value: newID("access_") + newID(""), clientID: a.ID, orgID: orgID, scope: scope,
		expiresAt: now().Add(ttl), parent: refresh}
	s.tokens[at.value] = at
	s.gen++
	s.mu.Unlock()
	s.persist()
	s.log.Info("mollie sandbox: access token issued", "organization", orgID, "grant", f.Get("grant_type"))
	body, _ := json.Marshal(tokenResponse{AccessToken: at.value, RefreshToken: refresh, ExpiresIn: int(ttl / time.Second),
		TokenType: "bearer", Scope: scope})
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	_, _ = w.Write(body) // the client went away; nothing to do
}

// revokeToken handles DELETE /oauth2/tokens.
func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request) {
	// net/http parses no form body of a DELETE: read it here.
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxFormBytes))
	if err == nil {
		r.PostForm, err = url.ParseQuery(string(body))
	}
	if err != nil {
		oauthError(w, http.StatusBadRequest, "invalid_request", "The form could not be read.")
		return
	}
	a, ok := s.clientOf(r)
	if !ok {
		oauthError(w, http.StatusUnauthorized, "invalid_client", "Unknown client or wrong secret.")
		return
	}
	hint := r.PostForm.Get("token_type_hint")
	if hint != "access_token" && hint != "refresh_token" {
		oauthError(w, http.StatusBadRequest, "invalid_request", "The token_type_hint must be access_token or refresh_token.")
		return
	}
	s.mu.Lock()
	if t := s.tokens[r.PostForm.Get("token")]; t != nil && t.clientID == a.ID && !t.revoked {
		t.revoked = true
		if t.refresh {
			for _, at := range s.tokens {
				if at.parent == t.value {
					at.revoked = true
				}
			}
		}
		s.gen++
	}
	s.mu.Unlock()
	s.persist()
	// Unknown tokens are answered the same way (RFC 7009).
	w.WriteHeader(http.StatusNoContent)
}

// organizationJSON is Mollie's organization object, as far as the sandbox
// fills it.
type organizationJSON struct {
	Resource string          `json:"resource"`
	ID       string          `json:"id"`
	Name     string          `json:"name"`
	Links    map[string]link `json:"_links"`
}

// profileJSON is Mollie's profile object, as far as the sandbox fills it.
type profileJSON struct {
	Resource  string          `json:"resource"`
	ID        string          `json:"id"`
	Mode      string          `json:"mode"`
	Name      string          `json:"name"`
	Status    string          `json:"status"`
	CreatedAt string          `json:"createdAt"`
	Links     map[string]link `json:"_links"`
}

// requireTestmode refuses a token call that does not say testmode.
func requireTestmode(req apiRequest, bodyTestmode bool) *apiResponse {
	if !req.acct.token() {
		return nil
	}
	ok := req.r.URL.Query().Get("testmode") == "true"
	if req.r.Method == http.MethodPost {
		ok = bodyTestmode
	}
	if !ok {
		r := invalid("testmode", "Calls with an access token must set testmode: the sandbox only has test mode.")
		return &r
	}
	return nil
}

// currentOrganization handles GET /v2/organizations/me.
func (s *Server) currentOrganization(req apiRequest) apiResponse {
	if !req.acct.token() {
		return errorResponse(http.StatusNotFound, "The sandbox knows organizations only for access tokens.", "")
	}
	o := s.orgs[req.acct.org]
	return jsonResponse(http.StatusOK, organizationJSON{Resource: "organization", ID: o.id, Name: o.name,
		Links: map[string]link{"self": {Href: req.base + "/v2/organizations/" + o.id, Type: halJSON}}})
}

// listProfiles handles GET /v2/profiles.
func (s *Server) listProfiles(req apiRequest) apiResponse {
	if !req.acct.token() {
		return errorResponse(http.StatusNotFound, "The sandbox lists profiles only for access tokens.", "")
	}
	o := s.orgs[req.acct.org]
	var out struct {
		Count    int `json:"count"`
		Embedded struct {
			Profiles []profileJSON `json:"profiles"`
		} `json:"_embedded"`
		Links map[string]*link `json:"_links"`
	}
	out.Count = 1
	out.Embedded.Profiles = []profileJSON{{Resource: "profile", ID: o.profileID, Mode: "test", Name: o.name, Status: "verified",
		CreatedAt: timestamp(o.createdAt), Links: map[string]link{"self": {Href: req.base + "/v2/profiles/" + o.profileID, Type: halJSON}}}}
	out.Links = map[string]*link{"self": {Href: req.base + "/v2/profiles", Type: halJSON}, "previous": nil, "next": nil}
	return jsonResponse(http.StatusOK, out)
}

// checkConnectFields validates what a token caller must and an API-key
// caller must not send with a new payment; it returns the application fee
// in minor units (0 for none).
func (s *Server) checkConnectFields(req apiRequest, profileID string, fee *applicationFeeJSON, amount int64, currency string) (int64, string, *apiResponse) {
	if !req.acct.token() {
		if fee != nil {
			r := invalid("applicationFee", "An application fee needs an OAuth access token (Mollie Connect).")
			return 0, "", &r
		}
		return 0, "", nil
	}
	if o := s.orgs[req.acct.org]; profileID != o.profileID {
		r := invalid("profileId", fmt.Sprintf("The profileId %q is not a profile of this organization.", profileID))
		return 0, "", &r
	}
	if fee == nil {
		return 0, "", nil
	}
	v, cur, bad := parseAmount(fee.Amount)
	if bad != nil {
		r := invalid("applicationFee.amount", "The application fee amount is invalid.")
		return 0, "", &r
	}
	if cur != currency || v > amount {
		r := invalid("applicationFee.amount", "The application fee must be in the payment's currency and at most its amount.")
		return 0, "", &r
	}
	return v, fee.Description, nil
}

// applicationFeeJSON is Mollie's applicationFee object.
type applicationFeeJSON struct {
	Amount      *amountJSON `json:"amount"`
	Description string      `json:"description"`
}

// ClickThrough does what a merchant's browser does on the consent page at
// authorizeURL: it opens the page, grants access as the organisation called
// organization (created on first use) or denies it, and returns the
// redirect back to the app (with code and state, or error and state)
// without following it. derma dev connects its demo doctors with it.
func ClickThrough(ctx context.Context, hc *http.Client, authorizeURL, organization string, grant bool) (*url.URL, error) {
	if hc == nil {
		hc = http.DefaultClient
	}
	noFollow := *hc
	noFollow.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	page, err := url.Parse(authorizeURL)
	if err != nil {
		return nil, fmt.Errorf("molliesandbox: authorize URL: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, authorizeURL, nil)
	if err != nil {
		return nil, fmt.Errorf("molliesandbox: %w", err)
	}
	res, err := noFollow.Do(req)
	if err != nil {
		return nil, fmt.Errorf("molliesandbox: consent page: %w", err)
	}
	_, _ = io.Copy(io.Discard, res.Body) // the page itself is not needed
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("molliesandbox: consent page answered %d", res.StatusCode)
	}
	q := page.Query()
	decision := "deny"
	if grant {
		decision = "authorize"
	}
	form := url.Values{"client_id": {q.Get("client_id")}, "redirect_uri": {q.Get("redirect_uri")}, "state": {q.Get("state")},
		"scope": {q.Get("scope")}, "organization": {organization}, "decision": {decision}}
	if form.Get("redirect_uri") == "" {
		form.Del("redirect_uri")
	}
	page.RawQuery = ""
	req, err = http.NewRequestWithContext(ctx, http.MethodPost, page.String(), strings.NewReader(form.Encode()))
	if err != nil {
		return nil, fmt.Errorf("molliesandbox: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err = noFollow.Do(req)
	if err != nil {
		return nil, fmt.Errorf("molliesandbox: consent: %w", err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		return nil, fmt.Errorf("molliesandbox: consent answered %d, want a redirect", res.StatusCode)
	}
	back, err := url.Parse(res.Header.Get("Location"))
	if err != nil {
		return nil, fmt.Errorf("molliesandbox: redirect: %w", err)
	}
	return back, nil
}
