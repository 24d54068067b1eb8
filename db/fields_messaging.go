package db

// Field-encryption contexts of secure messaging.
const (
	FieldMessageText  = "thread_messages.text"
	FieldMessageTitle = "thread_messages.title"
	FieldMessageLink  = "thread_messages.link_url"
	FieldMessageFile  = "thread_files.data"
)
