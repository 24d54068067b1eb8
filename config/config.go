// Package config reads Derma2Go's configuration from environment variables.
//
// Every variable is documented in the README. A missing or malformed variable
// fails start-up with one error that names it.
package config

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// Config is the configuration shared by the api and worker processes.
type Config struct {
	// DatabaseURL is the PostgreSQL connection string (DATABASE_URL).
	DatabaseURL string
	// TemporalAddress is host:port of the Temporal frontend (TEMPORAL_ADDRESS).
	TemporalAddress string
	// TemporalNamespace is the Temporal namespace (TEMPORAL_NAMESPACE).
	TemporalNamespace string
	// SMTPURL is smtp://user:pass@host:port or smtps://… (SMTP_URL).
	SMTPURL string
	// MailFrom is the sender address of every email (MAIL_FROM).
	MailFrom string
	// SMTPPoolSize is how many idle SMTP connections a process keeps for
	// its next emails; 0 opens one per email (SMTP_POOL_SIZE).
	SMTPPoolSize int
	// MollieAPIKey is the Mollie API key (MOLLIE_API_KEY).
	MollieAPIKey string
	// MollieBaseURL overrides Mollie's API base URL, e.g. the sandbox (MOLLIE_BASE_URL).
	MollieBaseURL string
	// PublicURL is the externally visible base URL of the API, used in links (PUBLIC_URL).
	PublicURL string
	// DataKeys are the field-encryption keys; the first one encrypts (DERMA_DATA_KEY).
	DataKeys []NamedKey
	// LookupKey is the key of the keyed hashes used for lookups (DERMA_LOOKUP_KEY).
	LookupKey []byte
	// ListenAddr is the API's listen address (LISTEN_ADDR).
	ListenAddr string
	// MeiliURL selects Meilisearch as search backend when set (MEILI_URL).
	MeiliURL string
	// MeiliKey is the Meilisearch API key (MEILI_KEY).
	MeiliKey string
	// SearchDir is where the embedded search index lives (SEARCH_DIR).
	SearchDir string
	// PaymentHold is how long a slot stays held while the patient pays (PAYMENT_HOLD).
	PaymentHold time.Duration
	// ReviewDelay is how long after completion the review request is sent (REVIEW_DELAY).
	ReviewDelay time.Duration
	// NoShowGrace is how long after the (expected) start a doctor may first
	// mark an in-person patient absent (NO_SHOW_GRACE).
	NoShowGrace time.Duration
	// WalkInAnswerWindow is how long a called walk-in patient has to answer
	// (WALKIN_ANSWER_WINDOW).
	WalkInAnswerWindow time.Duration
	// WaitlistOfferWait is how long a waitlisted patient has to answer an
	// offer of a freed slot (WAITLIST_OFFER_WAIT).
	WaitlistOfferWait time.Duration
	// WaitlistCutoff: no waitlist offer runs into this last stretch before
	// the start; the slot is released to everyone then (WAITLIST_CUTOFF).
	WaitlistCutoff time.Duration
	// SupportEmail receives operational alerts (SUPPORT_EMAIL).
	SupportEmail string
	// LogLevel is debug, info, warn or error (LOG_LEVEL).
	LogLevel string
	// HTTP are the timeouts of every HTTP server the platform starts.
	HTTP HTTPTimeouts
	// TemporalCallTimeout bounds each call the API makes to Temporal
	// (TEMPORAL_CALL_TIMEOUT); past it the request gets 503.
	TemporalCallTimeout time.Duration
	// PhotoDecodes caps the photos the API decodes at once (PHOTO_DECODE_CONCURRENCY).
	PhotoDecodes int
	// Video configures the SFU, its ICE servers and room tokens.
	Video Video
	// TrustedProxies are the addresses (IPs or CIDRs) whose X-Forwarded-For
	// the API believes; empty trusts none (TRUSTED_PROXIES).
	TrustedProxies []string
	// MetricsAddr is the listen address of the Prometheus metrics, apart from
	// the public API; "off" disables it (METRICS_ADDR).
	MetricsAddr string
	// MaxUnpaidBookings caps a patient's unpaid future appointments (MAX_UNPAID_BOOKINGS).
	MaxUnpaidBookings int
	// TemporalUIOrigin is the origin (scheme://host[:port]) of the Temporal
	// Web UI, the only origin the payload codec endpoint answers
	// cross-origin requests from (TEMPORAL_UI_ORIGIN); empty allows none.
	TemporalUIOrigin string
	// Connect configures Mollie Connect payouts; it is on when the
	// platform's OAuth app credentials are set.
	Connect Connect
	// SessionIdlePatient ends a patient's session unused for that long (SESSION_IDLE_PATIENT).
	SessionIdlePatient time.Duration
	// SessionIdleStaff ends a doctor's or admin's session unused for that long (SESSION_IDLE_STAFF).
	SessionIdleStaff time.Duration
	// Retention are the retention periods of personal data and how often
	// the retention schedules run (RETENTION_*).
	Retention Retention
	// Worker sizes the Temporal worker of `derma worker` (WORKER_*).
	Worker Worker
}

// Worker sizes the Temporal worker (WORKER_*): how many requests it keeps
// open to the server for tasks, and how many activities it runs at once.
type Worker struct {
	// WorkflowPollers is how many workflow-task polls the worker keeps open
	// (WORKER_WORKFLOW_POLLERS, at least 2: the SDK splits them between
	// the sticky and the shared queue).
	WorkflowPollers int
	// ActivityPollers is how many activity-task polls it keeps open
	// (WORKER_ACTIVITY_POLLERS).
	ActivityPollers int
	// MaxActivities caps the activities running at once (WORKER_MAX_ACTIVITIES).
	MaxActivities int
	// StickyTimeout is how long a workflow task waits for this worker,
	// which has the workflow cached, before any worker may take it
	// (WORKER_STICKY_TIMEOUT).
	StickyTimeout time.Duration
	// WorkflowCache is how many workflows the process keeps in memory
	// between their workflow tasks (WORKER_WORKFLOW_CACHE): one evicted is
	// replayed from its history on its next task. It bounds the worker's
	// memory with many consultations in flight.
	WorkflowCache int
}

// DefaultWorker is the worker's size without configuration: the SDK's
// pollers and activity slots (8 pollers did not shorten the reminder burst
// on the dev stack), and a sticky timeout of 30 s instead of the SDK's
// 5 s: with 5 s, most workflow tasks of 1,000 reminders due in one minute
// timed out waiting on the loaded server and were scheduled again, which
// doubled the server's work (p99 116 s against 30 s; docs/benchmarks.md,
// "1,000 reminders due in the same minute"). A worker that stops cleanly
// hands its workflows back at once; one that dies delays them by up to
// the timeout.
var DefaultWorker = Worker{WorkflowPollers: 2, ActivityPollers: 2, MaxActivities: 1000, StickyTimeout: 30 * time.Second, WorkflowCache: 10000}

// Retention configures the retention schedules (RETENTION_*).
type Retention struct {
	// RecordYears: an erased account's medical record is kept this many
	// years after its last consultation or entry (RETENTION_RECORD_YEARS,
	// WGBO: 20).
	RecordYears int
	// AuditYears: audit rows are kept this many years (RETENTION_AUDIT_YEARS).
	AuditYears int
	// TokenGrace: ended sessions and used or expired links are removed this
	// long after they ended (RETENTION_TOKEN_GRACE).
	TokenGrace time.Duration
	// Abandoned: the data of a consultation that ended unpaid is removed
	// this long after it ended (RETENTION_ABANDONED).
	Abandoned time.Duration
	// Interval is how often each retention schedule runs (RETENTION_INTERVAL).
	Interval time.Duration
}

// Connect configures Mollie Connect (MOLLIE_CLIENT_ID and the variables
// after it): doctors connect their own Mollie accounts and are paid there.
type Connect struct {
	// ClientID and ClientSecret are the platform's Mollie OAuth app
	// (MOLLIE_CLIENT_ID, MOLLIE_CLIENT_SECRET); both set switch Connect on.
	ClientID, ClientSecret string
	// AuthorizeURL is Mollie's consent page (MOLLIE_AUTHORIZE_URL).
	AuthorizeURL string
	// ApplicationFeeCents is the platform's fee on every connected payment
	// (MOLLIE_APPLICATION_FEE_CENTS); 0 takes none.
	ApplicationFeeCents int64
}

// Enabled reports whether Mollie Connect is switched on.
func (c Connect) Enabled() bool { return c.ClientID != "" }

// Video configures the SFU the API serves (VIDEO_*).
type Video struct {
	// UDPAddr is the one UDP port of all ICE traffic (VIDEO_UDP_ADDR).
	UDPAddr string
	// TCPAddr is the ICE-TCP fallback port; "" is off (VIDEO_TCP_ADDR=off).
	TCPAddr string
	// PublicIPs are announced instead of the local addresses, for a host
	// behind 1:1 NAT (VIDEO_PUBLIC_IPS).
	PublicIPs []string
	// ICEServers are extra stun:, turn: and turns: URLs handed to clients
	// (VIDEO_ICE_SERVERS); TURN ones get credentials signed with TURNSecret.
	ICEServers []string
	// TURNAddr is the listen address of the embedded TURN server; "" runs
	// none (VIDEO_TURN_ADDR).
	TURNAddr string
	// TURNSecret signs the short-lived TURN credentials, of the embedded
	// server and of the turn: URLs in ICEServers (VIDEO_TURN_SECRET).
	TURNSecret string
	// TokenTTL is how long a room token (and its TURN credential) is valid
	// (VIDEO_TOKEN_TTL).
	TokenTTL time.Duration
}

// HTTPTimeouts are the http.Server timeouts.
type HTTPTimeouts struct {
	// ReadHeader bounds reading the request line and headers (HTTP_READ_HEADER_TIMEOUT).
	ReadHeader time.Duration
	// Read bounds reading the whole request, body included (HTTP_READ_TIMEOUT).
	Read time.Duration
	// Write bounds the time from the end of the headers to the end of the
	// response (HTTP_WRITE_TIMEOUT).
	Write time.Duration
	// Idle bounds a keep-alive connection waiting for its next request (HTTP_IDLE_TIMEOUT).
	Idle time.Duration
	// Handler bounds each API handler, database and Temporal calls
	// included (HTTP_HANDLER_TIMEOUT); photo uploads have their own, longer one.
	Handler time.Duration
}

// DefaultHTTPTimeouts are the timeouts without configuration: reading a
// 10 MB photo over a slow mobile uplink fits in Read, and Write leaves the
// handler a minute more.
var DefaultHTTPTimeouts = HTTPTimeouts{ReadHeader: 10 * time.Second, Read: 2 * time.Minute, Write: 3 * time.Minute, Idle: 2 * time.Minute,
	Handler: 30 * time.Second}

// DefaultTemporalCallTimeout bounds a call to Temporal without configuration.
const DefaultTemporalCallTimeout = 10 * time.Second

// NamedKey is an AES-256 key with the id written into every ciphertext it makes.
type NamedKey struct {
	ID  string
	Key []byte
}

// Lookup returns the value of an environment variable; os.LookupEnv fits.
type Lookup func(string) (string, bool)

// CommandVariables are read by single commands rather than by Parse:
// `derma migrate` (MIGRATE_DATABASE_URL) and `derma seed` (SEED_DEMO_ACCOUNTS).
var CommandVariables = []string{"MIGRATE_DATABASE_URL", "SEED_DEMO_ACCOUNTS"}

// Variables are the names of every environment variable Parse reads, in the
// order it reads them, followed by CommandVariables: the configuration a
// deployment may set.
func Variables() []string {
	seen := map[string]bool{}
	var names []string
	record := func(name string) (string, bool) {
		if !seen[name] {
			seen[name] = true
			names = append(names, name)
		}
		return "", false
	}
	_, _ = Parse(record)
	return append(names, CommandVariables...)
}

// FromEnv reads the configuration of the production processes.
func FromEnv() (Config, error) { return Parse(os.LookupEnv) }

// Parse reads the configuration through lookup. Required variables must be set.
func Parse(lookup Lookup) (Config, error) {
	r := reader{lookup: lookup}
	c := Config{
		DatabaseURL:        r.url("DATABASE_URL", true, "postgres", "postgresql"),
		TemporalAddress:    r.hostPort("TEMPORAL_ADDRESS", "localhost:7233"),
		TemporalNamespace:  r.str("TEMPORAL_NAMESPACE", "default"),
		SMTPURL:            r.url("SMTP_URL", true, "smtp", "smtps"),
		MailFrom:           r.email("MAIL_FROM", "Derma2Go <no-reply@derma2go.local>"),
		SMTPPoolSize:       r.nonNegativeInt("SMTP_POOL_SIZE", 4),
		MollieAPIKey:       r.mollieKey("MOLLIE_API_KEY"),
		MollieBaseURL:      r.url("MOLLIE_BASE_URL", false, "http", "https"),
		PublicURL:          strings.TrimRight(r.url("PUBLIC_URL", true, "http", "https"), "/"),
		DataKeys:           r.dataKeys("DERMA_DATA_KEY"),
		LookupKey:          r.key("DERMA_LOOKUP_KEY"),
		ListenAddr:         r.str("LISTEN_ADDR", ":8080"),
		MeiliURL:           r.url("MEILI_URL", false, "http", "https"),
		MeiliKey:           r.str("MEILI_KEY", ""),
		SearchDir:          r.str("SEARCH_DIR", ".derma/search"),
		PaymentHold:        r.duration("PAYMENT_HOLD", 15*time.Minute),
		ReviewDelay:        r.duration("REVIEW_DELAY", 24*time.Hour),
		NoShowGrace:        r.duration("NO_SHOW_GRACE", 10*time.Minute),
		WalkInAnswerWindow: r.duration("WALKIN_ANSWER_WINDOW", 2*time.Minute),
		WaitlistOfferWait:  r.duration("WAITLIST_OFFER_WAIT", 30*time.Minute),
		WaitlistCutoff:     r.duration("WAITLIST_CUTOFF", time.Hour),
		SupportEmail:       r.email("SUPPORT_EMAIL", "support@derma2go.local"),
		LogLevel:           r.oneOf("LOG_LEVEL", "info", "debug", "info", "warn", "error"),
		HTTP: HTTPTimeouts{
			ReadHeader: r.duration("HTTP_READ_HEADER_TIMEOUT", DefaultHTTPTimeouts.ReadHeader),
			Read:       r.duration("HTTP_READ_TIMEOUT", DefaultHTTPTimeouts.Read),
			Write:      r.duration("HTTP_WRITE_TIMEOUT", DefaultHTTPTimeouts.Write),
			Idle:       r.duration("HTTP_IDLE_TIMEOUT", DefaultHTTPTimeouts.Idle),
			Handler:    r.duration("HTTP_HANDLER_TIMEOUT", DefaultHTTPTimeouts.Handler),
		},
		TemporalCallTimeout: r.duration("TEMPORAL_CALL_TIMEOUT", DefaultTemporalCallTimeout),
		PhotoDecodes:        r.positiveInt("PHOTO_DECODE_CONCURRENCY", 2),
		Video:               r.video(),
		TrustedProxies:      r.networks("TRUSTED_PROXIES"),
		MetricsAddr:         r.str("METRICS_ADDR", ":9090"),
		MaxUnpaidBookings:   r.positiveInt("MAX_UNPAID_BOOKINGS", 3),
		TemporalUIOrigin:    r.origin("TEMPORAL_UI_ORIGIN"),
		Connect:             r.connect(),
		Retention: Retention{
			RecordYears: r.positiveInt("RETENTION_RECORD_YEARS", 20),
			AuditYears:  r.positiveInt("RETENTION_AUDIT_YEARS", 5),
			TokenGrace:  r.duration("RETENTION_TOKEN_GRACE", 7*24*time.Hour),
			Abandoned:   r.duration("RETENTION_ABANDONED", 30*24*time.Hour),
			Interval:    r.duration("RETENTION_INTERVAL", time.Hour),
		},
		SessionIdlePatient: r.duration("SESSION_IDLE_PATIENT", 7*24*time.Hour),
		SessionIdleStaff:   r.duration("SESSION_IDLE_STAFF", 30*time.Minute),
		Worker:             r.worker(),
	}
	return c, r.err
}

// worker reads the WORKER_* variables.
func (r *reader) worker() Worker {
	w := Worker{
		WorkflowPollers: r.positiveInt("WORKER_WORKFLOW_POLLERS", DefaultWorker.WorkflowPollers),
		ActivityPollers: r.positiveInt("WORKER_ACTIVITY_POLLERS", DefaultWorker.ActivityPollers),
		MaxActivities:   r.positiveInt("WORKER_MAX_ACTIVITIES", DefaultWorker.MaxActivities),
		StickyTimeout:   r.duration("WORKER_STICKY_TIMEOUT", DefaultWorker.StickyTimeout),
		WorkflowCache:   r.positiveInt("WORKER_WORKFLOW_CACHE", DefaultWorker.WorkflowCache),
	}
	if w.WorkflowPollers < 2 {
		r.fail("WORKER_WORKFLOW_POLLERS", "must be at least 2 (one for the sticky and one for the shared queue), got %d", w.WorkflowPollers)
		w.WorkflowPollers = DefaultWorker.WorkflowPollers
	}
	return w
}

// video reads the VIDEO_* variables.
func (r *reader) video() Video {
	v := Video{
		UDPAddr:    r.listenAddr("VIDEO_UDP_ADDR", ":7882"),
		TCPAddr:    r.str("VIDEO_TCP_ADDR", ":7881"),
		PublicIPs:  r.ipList("VIDEO_PUBLIC_IPS"),
		ICEServers: r.iceURLs("VIDEO_ICE_SERVERS"),
		TURNAddr:   r.str("VIDEO_TURN_ADDR", ""),
		TURNSecret: r.str("VIDEO_TURN_SECRET", ""),
		TokenTTL:   r.duration("VIDEO_TOKEN_TTL", 30*time.Minute),
	}
	if v.TCPAddr == "off" {
		v.TCPAddr = ""
	} else {
		v.TCPAddr = r.listenAddr("VIDEO_TCP_ADDR", ":7881")
	}
	if v.TURNAddr != "" {
		v.TURNAddr = r.listenAddr("VIDEO_TURN_ADDR", "")
	}
	needsSecret := v.TURNAddr != ""
	for _, u := range v.ICEServers {
		needsSecret = needsSecret || !strings.HasPrefix(u, "stun:")
	}
	if needsSecret && len(v.TURNSecret) < 16 {
		r.fail("VIDEO_TURN_SECRET", "is required, at least 16 characters, when VIDEO_TURN_ADDR or a turn: URL in VIDEO_ICE_SERVERS is set")
	}
	return v
}

// connect reads the Mollie Connect variables: the client id and secret
// come together or not at all.
func (r *reader) connect() Connect {
	c := Connect{
		ClientID:     r.str("MOLLIE_CLIENT_ID", ""),
		ClientSecret: r.str("MOLLIE_CLIENT_SECRET", ""),
		AuthorizeURL: r.url("MOLLIE_AUTHORIZE_URL", false, "http", "https"),
	}
	if c.AuthorizeURL == "" {
		c.AuthorizeURL = "https://my.mollie.com/oauth2/authorize"
	}
	if (c.ClientID == "") != (c.ClientSecret == "") {
		r.fail("MOLLIE_CLIENT_SECRET", "and MOLLIE_CLIENT_ID must be set together (Mollie Connect) or both left unset")
	}
	if c.ClientID != "" && !strings.HasPrefix(c.ClientID, "app_") {
		r.fail("MOLLIE_CLIENT_ID", "must be a Mollie OAuth app id (app_…)")
	}
	if v, ok := r.raw("MOLLIE_APPLICATION_FEE_CENTS"); ok {
		n, err := strconv.ParseInt(v, 10, 32)
		switch {
		case err != nil || n < 0:
			r.fail("MOLLIE_APPLICATION_FEE_CENTS", "must be a whole number of cents, 0 or more, got %q", v)
		case n > 0 && c.ClientID == "":
			r.fail("MOLLIE_APPLICATION_FEE_CENTS", "needs Mollie Connect (MOLLIE_CLIENT_ID and MOLLIE_CLIENT_SECRET)")
		default:
			c.ApplicationFeeCents = n
		}
	}
	return c
}

// listenAddr reads a [host]:port listen address.
func (r *reader) listenAddr(name, def string) string {
	v := r.str(name, def)
	host, port, err := net.SplitHostPort(v)
	if err != nil {
		r.fail(name, "must be [host]:port, got %q", v)
		return def
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		r.fail(name, "has an invalid port %q", port)
	}
	if host != "" && net.ParseIP(host) == nil && host != "localhost" {
		r.fail(name, "must name an IP address (or none), got %q", host)
	}
	return v
}

// list splits a comma-separated variable.
func (r *reader) list(name string) []string {
	var out []string
	for _, f := range strings.Split(r.str(name, ""), ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func (r *reader) ipList(name string) []string {
	ips := r.list(name)
	for _, ip := range ips {
		if net.ParseIP(ip) == nil {
			r.fail(name, "must be comma-separated IP addresses, got %q", ip)
		}
	}
	return ips
}

func (r *reader) iceURLs(name string) []string {
	urls := r.list(name)
	for _, u := range urls {
		scheme, rest, _ := strings.Cut(u, ":")
		switch {
		case scheme != "stun" && scheme != "turn" && scheme != "turns":
			r.fail(name, "takes stun:, turn: and turns: URLs, got %q", u)
		case rest == "" || strings.HasPrefix(rest, "//"):
			r.fail(name, "wants host[:port] after the scheme (stun:host:3478), got %q", u)
		}
	}
	return urls
}

type reader struct {
	lookup Lookup
	err    error
}

func (r *reader) fail(name, format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("config: %s %s", name, fmt.Sprintf(format, args...))
	}
}

func (r *reader) raw(name string) (string, bool) {
	v, ok := r.lookup(name)
	v = strings.TrimSpace(v)
	return v, ok && v != ""
}

func (r *reader) str(name, def string) string {
	if v, ok := r.raw(name); ok {
		return v
	}
	return def
}

func (r *reader) url(name string, required bool, schemes ...string) string {
	v, ok := r.raw(name)
	if !ok {
		if required {
			r.fail(name, "is required (see README, Configuration)")
		}
		return ""
	}
	u, err := url.Parse(v)
	if err != nil || u.Host == "" {
		r.fail(name, "is not a URL with a host: want %s://host…", schemes[0])
		return ""
	}
	for _, s := range schemes {
		if u.Scheme == s {
			return v
		}
	}
	r.fail(name, "has scheme %q, want one of %s", u.Scheme, strings.Join(schemes, ", "))
	return ""
}

// origin reads an optional web origin: http(s)://host[:port] with nothing
// after it, as browsers send it in the Origin header.
func (r *reader) origin(name string) string {
	v, ok := r.raw(name)
	if !ok {
		return ""
	}
	u, err := url.Parse(v)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") ||
		u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		r.fail(name, "must be an origin, scheme://host[:port] (http or https), got %q", v)
		return ""
	}
	return u.Scheme + "://" + strings.ToLower(u.Host)
}

func (r *reader) hostPort(name, def string) string {
	v := r.str(name, def)
	host, port, ok := strings.Cut(v, ":")
	if !ok || host == "" || port == "" || strings.Contains(port, ":") {
		r.fail(name, "must be host:port, got %q", v)
		return ""
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		r.fail(name, "has an invalid port %q", port)
	}
	return v
}

func (r *reader) email(name, def string) string {
	v := r.str(name, def)
	if !strings.Contains(v, "@") {
		r.fail(name, "must be an email address, got %q", v)
	}
	return v
}

func (r *reader) mollieKey(name string) string {
	v, ok := r.raw(name)
	if !ok {
		r.fail(name, "is required (a Mollie test_… or live_… key)")
		return ""
	}
	if !strings.HasPrefix(v, "test_") && !strings.HasPrefix(v, "live_") {
		r.fail(name, "must start with test_ or live_")
	}
	return v
}

func (r *reader) duration(name string, def time.Duration) time.Duration {
	v, ok := r.raw(name)
	if !ok {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		r.fail(name, "must be a positive duration such as 15m, got %q", v)
		return def
	}
	return d
}

func (r *reader) positiveInt(name string, def int) int {
	v, ok := r.raw(name)
	if !ok {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		r.fail(name, "must be a positive whole number, got %q", v)
		return def
	}
	return n
}

func (r *reader) nonNegativeInt(name string, def int) int {
	v, ok := r.raw(name)
	if !ok {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		r.fail(name, "must be a whole number, 0 or more, got %q", v)
		return def
	}
	return n
}

// networks reads a comma-separated list of IP addresses and CIDR networks.
func (r *reader) networks(name string) []string {
	v, ok := r.raw(name)
	if !ok {
		return nil
	}
	var out []string
	for _, part := range strings.Split(v, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		_, _, cidrErr := net.ParseCIDR(part)
		if cidrErr != nil && net.ParseIP(part) == nil {
			r.fail(name, "must list IP addresses or CIDR networks (10.0.0.0/8,…), got %q", part)
			return nil
		}
		out = append(out, part)
	}
	return out
}

func (r *reader) oneOf(name, def string, allowed ...string) string {
	v := r.str(name, def)
	for _, a := range allowed {
		if v == a {
			return v
		}
	}
	r.fail(name, "must be one of %s, got %q", strings.Join(allowed, ", "), v)
	return def
}

func (r *reader) key(name string) []byte {
	v, ok := r.raw(name)
	if !ok {
		r.fail(name, "is required: base64 of 32 random bytes (openssl rand -base64 32)")
		return nil
	}
	k, err := decodeKey(v)
	if err != nil {
		r.fail(name, "%v", err)
	}
	return k
}

func (r *reader) dataKeys(name string) []NamedKey {
	v, ok := r.raw(name)
	if !ok {
		r.fail(name, "is required: id:base64key[,id:base64key…], first one encrypts")
		return nil
	}
	keys, err := ParseDataKeys(v)
	if err != nil {
		r.fail(name, "%v", err)
	}
	return keys
}

// ParseDataKeys parses "id:base64key[,id:base64key…]".
func ParseDataKeys(v string) ([]NamedKey, error) {
	var keys []NamedKey
	seen := map[string]bool{}
	for _, part := range strings.Split(v, ",") {
		id, b64, ok := strings.Cut(strings.TrimSpace(part), ":")
		if !ok || id == "" || len(id) > 16 {
			return nil, errors.New("must be id:base64key with an id of 1–16 characters")
		}
		if seen[id] {
			return nil, fmt.Errorf("names key id %q twice", id)
		}
		seen[id] = true
		k, err := decodeKey(b64)
		if err != nil {
			return nil, fmt.Errorf("key %q: %w", id, err)
		}
		keys = append(keys, NamedKey{ID: id, Key: k})
	}
	return keys, nil
}

func decodeKey(v string) ([]byte, error) {
	k, err := base64.StdEncoding.DecodeString(v)
	if err != nil {
		return nil, errors.New("is not valid base64")
	}
	if len(k) != 32 {
		return nil, fmt.Errorf("must decode to 32 bytes, got %d", len(k))
	}
	return k, nil
}
