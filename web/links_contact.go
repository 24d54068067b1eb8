package web

import "net/url"

// DoctorProfile is a doctor's public profile page.
func (l Links) DoctorProfile(id string) string {
	return l.build("/doctors/"+url.PathEscape(id), nil)
}

// AdminContact is the administrators' list of contact messages.
func (l Links) AdminContact() string { return l.build("/admin/contact", nil) }
