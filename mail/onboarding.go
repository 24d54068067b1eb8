package mail

// TemplateDoctorInvitation invites a doctor an admin added: the link to the
// page that sets the password, then the second factor and the dashboard's
// getting-started checklist. Data: DoctorInvitationData.
const TemplateDoctorInvitation = "doctor_invitation"

// DoctorInvitationData is the data of TemplateDoctorInvitation.
type DoctorInvitationData struct {
	DoctorName  string
	WelcomeURL  string // the web client's page that sets the password
	ExpiresDays int
}
