package domain

import (
	"net"
	"net/url"
	"strconv"
	"strings"
)

// MaxWidgetOrigins caps the websites a doctor may embed the widgets on.
const MaxWidgetOrigins = 10

// Reasons an embedding origin is refused (OriginError.Reason).
const (
	OriginNotURL      = "not_url"
	OriginNotHTTPS    = "not_https"
	OriginHasPath     = "has_path"
	OriginBadHost     = "bad_host"
	OriginBadPort     = "bad_port"
	OriginDuplicate   = "duplicate"
	OriginTooMany     = "too_many"
	OriginCredentials = "credentials"
)

// OriginError says why an embedding origin was refused: one of the Origin*
// reasons and the position of the origin in the list.
type OriginError struct {
	Index  int
	Reason string
}

func (e *OriginError) Error() string {
	return "origin " + strconv.Itoa(e.Index) + ": " + e.Reason
}

// NormalizeWidgetOrigins checks the websites a doctor lets embed the
// widgets and returns them in the one form a browser compares in CSP
// frame-ancestors: scheme://host[:port], lower case, without the default
// port. An origin is https with a DNS name or an IP address and nothing
// after the host and port (a single trailing "/" is dropped); plain http
// only for a loopback host (localhost, 127.0.0.1, [::1]) and only when
// loopbackHTTP (development and tests). No wildcards, no credentials, no
// duplicates, at most MaxWidgetOrigins. The first refusal is returned as an
// *OriginError. Because the result goes into a response header as it is,
// nothing but these characters can pass.
func NormalizeWidgetOrigins(origins []string, loopbackHTTP bool) ([]string, error) {
	if len(origins) > MaxWidgetOrigins {
		return nil, &OriginError{Index: MaxWidgetOrigins, Reason: OriginTooMany}
	}
	out := make([]string, 0, len(origins))
	seen := map[string]bool{}
	for i, raw := range origins {
		o, reason := normalizeOrigin(raw, loopbackHTTP)
		if reason == "" && seen[o] {
			reason = OriginDuplicate
		}
		if reason != "" {
			return nil, &OriginError{Index: i, Reason: reason}
		}
		seen[o] = true
		out = append(out, o)
	}
	return out, nil
}

func normalizeOrigin(raw string, loopbackHTTP bool) (string, string) {
	s := strings.TrimSuffix(strings.TrimSpace(raw), "/")
	if s == "" || len(s) > 255 || strings.ContainsAny(s, " \t\r\n;,'\"*\\") {
		return "", OriginNotURL
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" || u.Host == "" || u.Opaque != "" {
		return "", OriginNotURL
	}
	if u.User != nil {
		return "", OriginCredentials
	}
	if u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.ForceQuery || strings.Contains(s, "#") {
		return "", OriginHasPath
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme != "https" && scheme != "http" {
		return "", OriginNotHTTPS
	}
	host := strings.ToLower(u.Hostname())
	port := u.Port()
	if strings.HasSuffix(u.Host, ":") {
		return "", OriginBadPort
	}
	if port != "" {
		n, err := strconv.Atoi(port)
		if err != nil || n < 1 || n > 65535 || port[0] == '0' {
			return "", OriginBadPort
		}
	}
	ip := net.ParseIP(host)
	if ip == nil && !validDNSName(host) {
		return "", OriginBadHost
	}
	switch scheme {
	case "https":
		if port == "443" {
			port = ""
		}
	case "http":
		if !loopbackHTTP || !(host == "localhost" || (ip != nil && ip.IsLoopback())) {
			return "", OriginNotHTTPS
		}
		if port == "80" {
			port = ""
		}
	default:
		return "", OriginNotHTTPS
	}
	if ip != nil && ip.To4() == nil {
		host = "[" + ip.String() + "]"
	} else if ip != nil {
		host = ip.String()
	}
	if port != "" {
		host += ":" + port
	}
	return scheme + "://" + host, ""
}

// validDNSName: labels of letters, digits and inner hyphens, 1–63 long,
// at most 253 in all; a single label only for localhost.
func validDNSName(h string) bool {
	if h == "" || len(h) > 253 {
		return false
	}
	labels := strings.Split(h, ".")
	if len(labels) == 1 && h != "localhost" {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for _, r := range l {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
				return false
			}
		}
	}
	return true
}
