package mail

// TemplateWaitlistOffer offers a waitlisted patient a freed slot, with the
// link to the offer's page and the time the offer ends. Data:
// WaitlistOfferData.
const TemplateWaitlistOffer = "waitlist_offer"

// WaitlistOfferData is the data of TemplateWaitlistOffer.
type WaitlistOfferData struct {
	PatientName      string
	DoctorName       string
	ConsultationType string // video or in_person
	Start            string // the slot, formatted in the doctor's zone
	ExpiresAt        string // the end of the offer, formatted likewise
	OfferURL         string // the offer's page in the web client
}
