package web

// Contact is the contact form, where a patient asks about their data.
func (l Links) Contact() string { return l.build("/contact", nil) }
