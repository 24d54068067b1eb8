package mail

import (
	"errors"
	"fmt"
	"html"
	"io/fs"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
)

// samples holds realistic data for every template. Each string field has a
// distinctive value so the test can check that the template shows it.
var samples = map[string]any{
	TemplatePasswordReset: PasswordResetData{Name: "Sanne de Vries", ResetURL: "https://derma2go.test/reset?token=abc123", ExpiresMinutes: 30},
	TemplateVerifyEmail:   VerifyEmailData{Name: "Sanne de Vries", VerifyURL: "https://derma2go.test/verify-email?token=abc123", ExpiresDays: 2},
	TemplateAccountExists: AccountExistsData{Name: "Sanne de Vries", ResetURL: "https://derma2go.test/forgot-password"},
	TemplateWelcome:       WelcomeData{Name: "Sanne de Vries", PortalURL: "https://derma2go.test/portal"},
	TemplateAdviceRequestReceived: AdviceRequestReceivedData{
		DoctorName: "dr. Pieter Jansen", ConsultationURL: "https://derma2go.test/doctor/consultations/c-1",
		DueAt: "woensdag 5 maart 2025 om 17:00", FormKind: "detailed",
	},
	TemplateAdviceAnswered: AdviceAnsweredData{
		PatientName: "Sanne de Vries", DoctorName: "dr. Pieter Jansen",
		Advice:    "Gebruik twee keer per dag een vette crème.\nVermijd hete douches.\n\nKom terug als het niet binnen twee weken verbetert.",
		PortalURL: "https://derma2go.test/portal/consultations/c-1",
	},
	TemplateAdviceSLAReminder: AdviceSLAReminderData{
		DoctorName: "dr. Pieter Jansen", DueAt: "woensdag 5 maart 2025 om 17:00",
		ConsultationURL: "https://derma2go.test/doctor/consultations/c-1",
	},
	TemplateAdviceSLABreachedPatient: AdviceSLABreachedPatientData{PatientName: "Sanne de Vries", DoctorName: "dr. Pieter Jansen", DueAt: "woensdag 5 maart 2025 om 17:00"},
	TemplateAdviceSLABreachedSupport: AdviceSLABreachedSupportData{ConsultationID: "7f8c2a10-4e1b-4a9e-9b0c-1d2e3f405162", DoctorName: "dr. Pieter Jansen", DueAt: "2025-03-05 17:00 CET"},
	TemplateAdviceExpiredRefunded:    AdviceExpiredRefundedData{PatientName: "Sanne de Vries", DoctorName: "dr. Pieter Jansen", Amount: "€ 39,00"},
	TemplatePaymentReceived: PaymentReceivedData{
		PatientName: "Sanne de Vries", DoctorName: "dr. Pieter Jansen", Amount: "€ 39,00",
		ConsultationType: "email_advice", FormURL: "https://derma2go.test/c/c-1/form",
	},
	TemplateConsultationDeclined: ConsultationDeclinedData{PatientName: "Sanne de Vries", DoctorName: "dr. Pieter Jansen", Amount: "€ 55,00", Reason: "outside_expertise"},
	TemplateRefundIssued:         RefundIssuedData{PatientName: "Sanne de Vries", Amount: "€ 45,50", Reason: "Annulering meer dan 24 uur vooraf"},
	TemplateRefundFailedSupport:  RefundFailedSupportData{ConsultationID: "7f8c2a10-4e1b-4a9e-9b0c-1d2e3f405162", RefundID: "re_4qqhO89gsT", Amount: "€ 45,50"},
	TemplateDoctorInvitation:     DoctorInvitationData{DoctorName: "dr. Femke Visser", WelcomeURL: "https://derma2go.test/welcome?token=abc123", ExpiresDays: 7},
	TemplateAccountErased:        AccountErasedData{PatientName: "Sanne de Vries", RecordUntil: "1 december 2046", ContactURL: "https://derma2go.test/contact"},
	TemplateWaitlistOffer: WaitlistOfferData{PatientName: "Sanne de Vries", DoctorName: "dr. Pieter Jansen", ConsultationType: "video",
		Start: "donderdag 12 maart 2026 om 14:00", ExpiresAt: "dinsdag 10 maart 2026 om 10:30", OfferURL: "https://derma2go.test/waitlist/offers/o-1"},
	TemplateReviewRequest: ReviewRequestData{PatientName: "Sanne de Vries", DoctorName: "dr. Pieter Jansen", ReviewURL: "https://derma2go.test/c/c-1/review"},
	TemplateInvoice:       InvoiceData{Name: "Sanne de Vries", InvoiceNumber: "2025-000042", Amount: "€ 55,00"},
	TemplateCreditNote: CreditNoteData{Name: "Sanne de Vries", CreditNoteNumber: "D2G-CN-000003", InvoiceNumber: "D2G-000042",
		Amount: "€ 45,00"},
	TemplateInvoiceDue: InvoiceDueData{Name: "Sanne de Vries", InvoiceNumber: "D2G-000043", Amount: "€ 90,00", DueDate: "15-12-2026",
		PaymentURL: "https://derma2go.test/pay/tr_1", PracticeName: "Huidpraktijk Jansen"},
	TemplateAppointmentInvitation: AppointmentInvitationData{
		PatientName: "Sanne de Vries", DoctorName: "dr. Pieter Jansen", Start: "dinsdag 4 maart 2025 om 14:30",
		ConsultationType: "video", IntakeURL: "https://derma2go.test/c/c-1/intake",
		QuestionnaireURL: "https://derma2go.test/c/c-1/questionnaire",
		WaitingRoomURL:   "https://derma2go.test/c/c-1/waiting-room", Address: "Keizersgracht 123, 1015 CJ Amsterdam",
	},
	TemplateAppointmentReminder: AppointmentReminderData{
		PatientName: "Sanne de Vries", DoctorName: "dr. Pieter Jansen", Start: "dinsdag 4 maart 2025 om 14:30",
		WaitingRoomURL: "https://derma2go.test/c/c-1/waiting-room", HoursBefore: 24,
	},
	TemplateCancellationRequested: CancellationRequestedData{DoctorName: "dr. Pieter Jansen", PatientName: "Sanne de Vries",
		Start: "dinsdag 4 maart 2025 om 14:30", RefundAmount: "€ 40,00", ConsultationURL: "https://derma2go.test/doctor/c/1"},
	TemplateCancellationRejected: CancellationRejectedData{PatientName: "Sanne de Vries", DoctorName: "dr. Pieter Jansen",
		Start: "dinsdag 4 maart 2025 om 14:30", MessagesURL: "https://derma2go.test/messages/doctor/d-1"},
	TemplateAppointmentCancelled: AppointmentCancelledData{PatientName: "Sanne de Vries", DoctorName: "dr. Pieter Jansen", Start: "dinsdag 4 maart 2025 om 14:30", RefundAmount: "€ 45,50",
		Cause: "patient", Paid: true},
	TemplateDoctorDelay: DoctorDelayData{PatientName: "Sanne de Vries", DoctorName: "dr. Pieter Jansen", Minutes: 15, NewStart: "14:45"},
	TemplateNewBookingDoctor: NewBookingDoctorData{
		DoctorName: "dr. Pieter Jansen", PatientName: "Sanne de Vries", Start: "dinsdag 4 maart 2025 om 14:30",
		ConsultationType: "in_person", ConsultationURL: "https://derma2go.test/doctor/consultations/c-1",
	},
	TemplateMessageReceived:    MessageReceivedData{Name: "Sanne de Vries", MessagesURL: "https://derma2go.test/messages/t-1"},
	TemplatePrescriptionIssued: PrescriptionIssuedData{PatientName: "Sanne de Vries", DoctorName: "dr. Pieter Jansen", PortalURL: "https://derma2go.test/portal/documents"},
	TemplateContactReceived: ContactReceivedData{Name: "Sanne de Vries", Topic: "practitioner", Reference: "C-7F8C2A10",
		DoctorName: "dr. Pieter Jansen", PracticeName: "Huidpraktijk Jansen", PracticeAddress: "Keizersgracht 123, Amsterdam",
		ProfileURL: "https://derma2go.test/doctors/d-1"},
	TemplateContactSupport: ContactSupportData{Reference: "C-7F8C2A10", Sender: "Sanne de Vries", Email: "sanne@example.test",
		Message: "De betaalpagina laadt niet, ik heb het drie keer geprobeerd.", AdminURL: "https://derma2go.test/admin/contact"},
}

// variants are extra renderings that exercise optional fields left empty.
var variants = []struct {
	name   string
	data   any
	absent []string // text that must not appear in either part
}{
	{TemplatePasswordReset, PasswordResetData{ResetURL: "https://derma2go.test/r", ExpiresMinutes: 1}, []string{"Beste ,", "Dear ,", "minuten", "minutes"}},
	{TemplatePaymentReceived, PaymentReceivedData{PatientName: "Sanne", DoctorName: "dr. J", Amount: "€ 1,00", ConsultationType: "walk_in"}, []string{"formulier", "form", "walk_in", `href=""`}},
	{TemplateRefundIssued, RefundIssuedData{PatientName: "Sanne", Amount: "€ 1,00"}, []string{"Reden:", "Reason:"}},
	{TemplateRefundFailedSupport, RefundFailedSupportData{ConsultationID: "c-1", Amount: "€ 1,00"}, []string{"Terugbetaling: \n", "Refund: \n"}},
	{TemplateAppointmentInvitation, AppointmentInvitationData{PatientName: "Sanne", DoctorName: "dr. J", Start: "morgen", ConsultationType: "in_person", Address: "Dam 1, Amsterdam"}, []string{"wachtkamer", "waiting room", "intake", "vragen", "questions", `href=""`, "in_person"}},
	{TemplateAppointmentInvitation, AppointmentInvitationData{PatientName: "Sanne", DoctorName: "dr. J", Start: "morgen", ConsultationType: "video", IntakeURL: "https://x.test/i", WaitingRoomURL: "https://x.test/w"}, []string{"Waar:", "Where:", "identiteitsbewijs", "identity"}},
	{TemplateAppointmentReminder, AppointmentReminderData{PatientName: "Sanne", DoctorName: "dr. J", Start: "morgen", HoursBefore: 1}, []string{"wachtkamer", "waiting room", `href=""`, "1 uur", "1 hours"}},
	{TemplateAppointmentCancelled, AppointmentCancelledData{PatientName: "Sanne", DoctorName: "dr. J", Start: "morgen"}, []string{"terugbetaald", "We betalen", "refund"}},
	{TemplateDoctorDelay, DoctorDelayData{PatientName: "Sanne", DoctorName: "dr. J", Minutes: 1, NewStart: "14:31"}, []string{"minuten", "minutes"}},
	{TemplateContactReceived, ContactReceivedData{Name: "Sanne", Topic: "practitioner", Reference: "C-1"}, []string{"U bereikt", "You can reach", "()", " op .", " at ."}},
	{TemplateContactReceived, ContactReceivedData{Name: "Sanne", Topic: "system_complaint", Reference: "C-1"}, []string{"Wkkgz", "klachtenfunctionaris", "complaints officer"}},
	{TemplateContactReceived, ContactReceivedData{Name: "Sanne", Topic: "other", Reference: "C-1"}, []string{"Wkkgz", "supportteam", "support team"}},
}

// codeFields hold codes that templates translate rather than show verbatim.
var codeFields = map[string]bool{"ConsultationType": true, "FormKind": true, "Cause": true, "DeclineReason": true,
	TemplateConsultationDeclined + ".Reason": true, "RequestsLeft": true, "Topic": true}

// toMap turns a data struct into the equivalent map[string]any.
func toMap(data any) map[string]any {
	v := reflect.ValueOf(data)
	m := make(map[string]any, v.NumField())
	for i := range v.NumField() {
		m[v.Type().Field(i).Name] = v.Field(i).Interface()
	}
	return m
}

func TestEveryTemplateHasSampleData(t *testing.T) {
	names := Names()
	want := slices.Sorted(maps.Keys(samples))
	if !slices.Equal(names, want) {
		t.Fatalf("templates %v, samples %v", names, want)
	}
	if len(names) != 32 {
		t.Errorf("got %d templates, want 32", len(names))
	}
}

func TestRenderEveryTemplateInBothLanguages(t *testing.T) {
	for _, lang := range []string{LangNL, LangEN} {
		for _, name := range Names() {
			data := samples[name]
			for _, form := range []struct {
				kind string
				data any
			}{{"struct", data}, {"map", toMap(data)}} {
				t.Run(fmt.Sprintf("%s/%s/%s", lang, name, form.kind), func(t *testing.T) {
					m, err := Render(lang, name, form.data)
					if err != nil {
						t.Fatalf("Render: %v", err)
					}
					checkRendered(t, lang, m)
					// Every field must show up in both parts.
					v := reflect.ValueOf(data)
					for i := range v.NumField() {
						field := v.Type().Field(i).Name
						if codeFields[field] || codeFields[name+"."+field] || v.Field(i).Kind() == reflect.Bool {
							continue
						}
						var val string
						switch f := v.Field(i); f.Kind() {
						case reflect.String:
							val = f.String()
						case reflect.Int:
							val = strconv.Itoa(int(f.Int()))
						default:
							t.Fatalf("field %s has unexpected kind %s", field, f.Kind())
						}
						if field == "HoursBefore" && val == "1" {
							continue // rendered as a word
						}
						if field == "Advice" {
							for line := range strings.SplitSeq(val, "\n") {
								if !strings.Contains(m.Text, line) || !strings.Contains(m.HTML, html.EscapeString(line)) {
									t.Errorf("advice line %q missing", line)
								}
							}
							continue
						}
						if !strings.Contains(m.Text, val) {
							t.Errorf("text lacks %s=%q:\n%s", field, val, m.Text)
						}
						if !strings.Contains(m.HTML, html.EscapeString(val)) {
							t.Errorf("HTML lacks %s=%q", field, val)
						}
					}
				})
			}
		}
	}
}

func TestRenderVariantsWithOptionalFieldsEmpty(t *testing.T) {
	for _, lang := range []string{LangNL, LangEN} {
		for i, v := range variants {
			t.Run(fmt.Sprintf("%s/%s/%d", lang, v.name, i), func(t *testing.T) {
				m, err := Render(lang, v.name, v.data)
				if err != nil {
					t.Fatalf("Render: %v", err)
				}
				checkRendered(t, lang, m)
				for _, absent := range v.absent {
					if strings.Contains(m.Text, absent) || strings.Contains(m.HTML, absent) {
						t.Errorf("found %q:\n%s", absent, m.Text)
					}
				}
			})
		}
	}
}

// checkRendered applies the checks every rendered message must pass.
func checkRendered(t *testing.T, lang string, m Message) {
	t.Helper()
	if m.Subject == "" || strings.ContainsAny(m.Subject, "\r\n") {
		t.Errorf("bad subject %q", m.Subject)
	}
	for part, s := range map[string]string{"subject": m.Subject, "text": m.Text, "html": m.HTML} {
		for _, bad := range []string{"<no value>", "{{", "}}", "%!", "ZgotmplZ"} {
			if strings.Contains(s, bad) {
				t.Errorf("%s contains %q:\n%s", part, bad, s)
			}
		}
	}
	footer := map[string]string{LangNL: "Derma2Go — dit bericht is automatisch verzonden", LangEN: "Derma2Go — this message was sent automatically"}[lang]
	if !strings.Contains(m.Text, "\n-- \n"+footer) {
		t.Errorf("text lacks signature footer:\n%s", m.Text)
	}
	if !strings.Contains(m.HTML, footer) || !strings.Contains(m.HTML, `<html lang="`+lang+`">`) {
		t.Errorf("HTML lacks layout/footer:\n%s", m.HTML)
	}
	if strings.Contains(m.Text, "\n\n\n") || strings.Contains(m.Text, "<p>") {
		t.Errorf("untidy text:\n%s", m.Text)
	}
	if m.To != nil || m.Attachments != nil || m.Headers != nil {
		t.Errorf("Render must leave To, Attachments and Headers empty")
	}
}

func TestRenderLanguageFallbackAndNormalisation(t *testing.T) {
	data := samples[TemplateWelcome]
	nl, err := Render(LangNL, TemplateWelcome, data)
	if err != nil {
		t.Fatal(err)
	}
	en, err := Render(LangEN, TemplateWelcome, data)
	if err != nil {
		t.Fatal(err)
	}
	if nl.Subject == en.Subject {
		t.Fatalf("nl and en subjects are equal: %q", nl.Subject)
	}
	for lang, want := range map[string]Message{"": nl, "de": nl, "fr-FR": nl, "NL-be": nl, "en-GB": en, "EN": en, "en_US": en} {
		got, err := Render(lang, TemplateWelcome, data)
		if err != nil {
			t.Fatalf("Render(%q): %v", lang, err)
		}
		if got.Subject != want.Subject || got.HTML != want.HTML {
			t.Errorf("Render(%q) gave subject %q, want %q", lang, got.Subject, want.Subject)
		}
	}
}

func TestRenderUnknownTemplate(t *testing.T) {
	_, err := Render(LangNL, "no_such_template", nil)
	if !errors.Is(err, ErrUnknownTemplate) {
		t.Fatalf("err = %v, want ErrUnknownTemplate", err)
	}
	if _, err := Render(LangNL, "_common", nil); !errors.Is(err, ErrUnknownTemplate) {
		t.Fatalf("shared file rendered as template: %v", err)
	}
}

func TestRenderMissingKeyIsAnError(t *testing.T) {
	m := toMap(samples[TemplateReviewRequest])
	delete(m, "ReviewURL")
	if _, err := Render(LangEN, TemplateReviewRequest, m); err == nil || !strings.Contains(err.Error(), "ReviewURL") {
		t.Fatalf("err = %v, want a missing-key error naming ReviewURL", err)
	}
	if _, err := Render(LangEN, TemplateReviewRequest, WelcomeData{}); err == nil {
		t.Fatal("rendering with the wrong data struct succeeded")
	}
}

func TestRenderEscapesHTML(t *testing.T) {
	d := samples[TemplateAdviceAnswered].(AdviceAnsweredData)
	d.DoctorName = `dr. <b>Evil</b> & "Co"`
	d.Advice = "line one <script>alert(1)</script>\nline two"
	d.PortalURL = "javascript:alert(1)"
	m, err := Render(LangNL, TemplateAdviceAnswered, d)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(m.HTML, "<script>") || strings.Contains(m.HTML, "<b>Evil</b>") {
		t.Errorf("HTML not escaped:\n%s", m.HTML)
	}
	if !strings.Contains(m.HTML, "&lt;script&gt;alert(1)&lt;/script&gt;<br>\nline two") {
		t.Errorf("advice line breaks not kept as <br>:\n%s", m.HTML)
	}
	if strings.Contains(m.HTML, `href="javascript:`) {
		t.Errorf("unsafe URL kept in href:\n%s", m.HTML)
	}
	if !strings.Contains(m.Subject, `<b>Evil</b>`) || !strings.Contains(m.Text, "<script>") {
		t.Errorf("subject/text must stay unescaped plain text: %q", m.Subject)
	}
}

func TestLoadRejectsBrokenTemplates(t *testing.T) {
	layout, err := fs.ReadFile(templateFS, layoutFile)
	if err != nil {
		t.Fatal(err)
	}
	common := `{{define "footer"}}f{{end}}{{define "button_hint"}}h{{end}}`
	good := `{{define "subject"}}s{{end}}{{define "text"}}t{{end}}{{define "html"}}<p>h</p>{{end}}`
	build := func(files map[string]string) fstest.MapFS {
		m := fstest.MapFS{layoutFile: {Data: layout}}
		for _, lang := range []string{LangNL, LangEN} {
			m["templates/"+lang+"/_common.tmpl"] = &fstest.MapFile{Data: []byte(common)}
		}
		for name, body := range files {
			m[name] = &fstest.MapFile{Data: []byte(body)}
		}
		return m
	}
	if _, err := load(build(map[string]string{"templates/nl/a.tmpl": good, "templates/en/a.tmpl": good})); err != nil {
		t.Fatalf("well-formed set rejected: %v", err)
	}
	for name, files := range map[string]map[string]string{
		"empty":            {},
		"language missing": {"templates/nl/a.tmpl": good},
		"names differ":     {"templates/nl/a.tmpl": good, "templates/en/b.tmpl": good},
		"syntax error":     {"templates/nl/a.tmpl": good, "templates/en/a.tmpl": good + "{{if}}"},
		"no html part":     {"templates/nl/a.tmpl": good, "templates/en/a.tmpl": `{{define "subject"}}s{{end}}{{define "text"}}t{{end}}`},
		"no subject part":  {"templates/nl/a.tmpl": `{{define "text"}}t{{end}}{{define "html"}}h{{end}}`, "templates/en/a.tmpl": good},
		"unknown function": {"templates/nl/a.tmpl": good, "templates/en/a.tmpl": good + `{{define "x"}}{{nosuch 1}}{{end}}`},
	} {
		if _, err := load(build(files)); err == nil {
			t.Errorf("%s: load succeeded", name)
		}
	}
}
