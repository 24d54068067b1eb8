package web

import "net/url"

// DoctorWelcome is the page where a doctor an admin invited sets a password
// with the token the invitation mailed.
func (l Links) DoctorWelcome(token string) string {
	return l.build("/welcome", url.Values{"token": {token}})
}

// Page is the absolute address of one of the client's pages (a path of
// routes.json), for printed documents.
func (l Links) Page(path string) string { return l.build(path, nil) }
