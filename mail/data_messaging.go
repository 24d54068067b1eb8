package mail

// TemplateMessageReceived tells a patient or doctor who opted in that a
// message waits, without its content. Data: MessageReceivedData.
const TemplateMessageReceived = "message_received"

// MessageReceivedData is the data of TemplateMessageReceived.
type MessageReceivedData struct {
	Name        string // the recipient; may be empty
	MessagesURL string // the thread's page
}
