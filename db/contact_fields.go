package db

// Field-encryption contexts of the contact and complaint form.
const (
	FieldContactName  = "contact_messages.name"
	FieldContactEmail = "contact_messages.email"
	FieldContactBody  = "contact_messages.body"
)
