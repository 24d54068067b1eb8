package db

// FieldChat is the field-encryption context of chat messages.
const FieldChat = "consultation_chat.text"
