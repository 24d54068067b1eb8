package mail

import (
	"math"
	"strings"
	"testing"
	"time"
)

// render renders a template in lang and returns text and HTML joined, for
// checks that must hold in both parts.
func render(t *testing.T, lang, name string, data any) (Message, string) {
	t.Helper()
	m, err := Render(lang, name, data)
	if err != nil {
		t.Fatalf("Render %s/%s: %v", lang, name, err)
	}
	checkRendered(t, lang, m)
	return m, m.Subject + "\n" + m.Text + "\n" + m.HTML
}

func assertHas(t *testing.T, what, all string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(all, w) {
			t.Errorf("%s lacks %q:\n%s", what, w, all)
		}
	}
}

func assertLacks(t *testing.T, what, all string, unwanted ...string) {
	t.Helper()
	for _, u := range unwanted {
		if strings.Contains(all, u) {
			t.Errorf("%s contains %q:\n%s", what, u, all)
		}
	}
}

func TestDeclineReasonChangesTheText(t *testing.T) {
	base := ConsultationDeclinedData{PatientName: "Sanne", DoctorName: "dr. Jansen", Amount: "€ 55,00"}
	for _, tt := range []struct {
		lang, reason string
		want, absent []string
	}{
		{LangEN, "urgent_care_needed", []string{"seek urgent care now", "Please seek urgent care now", "112"}, []string{"another dermatologist"}},
		{LangNL, "urgent_care_needed", []string{"Zoek nu dringend hulp", "huisartsenpost", "112"}, []string{"andere dermatoloog"}},
		{LangEN, "needs_physical_exam", []string{"physical examination", "GP"}, []string{"urgent care now"}},
		{LangNL, "needs_physical_exam", []string{"lichamelijk onderzoek", "huisarts"}, []string{"dringend hulp"}},
		{LangEN, "outside_expertise", []string{"area of expertise", "another dermatologist"}, nil},
		{LangNL, "outside_expertise", []string{"aandachtsgebied", "andere dermatoloog"}, nil},
		{LangEN, "insufficient_information", []string{"ask again", "photos"}, []string{"another dermatologist"}},
		{LangNL, "insufficient_information", []string{"opnieuw stellen"}, []string{"andere dermatoloog"}},
		{LangEN, "other", []string{"another dermatologist"}, []string{"urgent care now"}},
	} {
		t.Run(tt.lang+"/"+tt.reason, func(t *testing.T) {
			d := base
			d.Reason = tt.reason
			_, all := render(t, tt.lang, TemplateConsultationDeclined, d)
			assertHas(t, tt.reason, all, append(tt.want, "55,00")...)
			assertLacks(t, tt.reason, all, tt.absent...)
		})
	}
}

func TestAppointmentCancelledSaysWhyAndWhatIsRefunded(t *testing.T) {
	base := AppointmentCancelledData{PatientName: "Sanne", DoctorName: "dr. Jansen", Start: "Thursday, 12 March 2026 at 14:00 (CET)"}
	for _, tt := range []struct {
		name, lang   string
		mod          func(*AppointmentCancelledData)
		want, absent []string
	}{
		{"late request en", LangEN, func(d *AppointmentCancelledData) { d.Cause, d.Paid, d.LateRequest = "patient", true, true },
			[]string{"As you asked", "less than 24 hours before the start, nothing is refunded"}, []string{"We are refunding"}},
		{"late request nl", LangNL, func(d *AppointmentCancelledData) { d.Cause, d.Paid, d.LateRequest = "patient", true, true },
			[]string{"Zoals u vroeg", "minder dan 24 uur", "niets terugbetaald"}, []string{"We betalen"}},
		{"in time en", LangEN, func(d *AppointmentCancelledData) { d.Cause, d.Paid, d.RefundAmount = "patient", true, "€50.00" },
			[]string{"We are refunding €50.00"}, []string{"nothing is refunded"}},
		{"fee covers the price en", LangEN, func(d *AppointmentCancelledData) { d.Cause, d.Paid = "patient", true },
			[]string{"Nothing is refunded", "administration fee"}, []string{"24 hours"}},
		{"doctor en", LangEN, func(d *AppointmentCancelledData) { d.Cause, d.Paid, d.RefundAmount = "doctor", true, "€60.00" },
			[]string{"has had to cancel", "We are refunding €60.00"}, []string{"As you asked"}},
		{"not held nl", LangNL, func(d *AppointmentCancelledData) { d.Cause, d.Paid, d.RefundAmount = "not_held", true, "€ 60,00" },
			[]string{"niet gestart", "We betalen € 60,00"}, nil},
		{"in person en", LangEN, func(d *AppointmentCancelledData) { d.Cause = "patient"; d.LateRequest = true },
			[]string{"will not receive an invoice"}, []string{"refund"}},
		{"declined urgent en", LangEN, func(d *AppointmentCancelledData) {
			d.Cause, d.DeclineReason, d.Paid, d.RefundAmount = "declined", "urgent_care_needed", true, "€60.00"
		}, []string{"Please seek urgent care now", "112", "We are refunding €60.00"}, []string{"make a new appointment"}},
		{"declined urgent nl", LangNL, func(d *AppointmentCancelledData) {
			d.Cause, d.DeclineReason, d.Paid, d.RefundAmount = "declined", "urgent_care_needed", true, "€ 60,00"
		}, []string{"Zoek nu dringend hulp", "huisartsenpost"}, []string{"nieuwe afspraak", "andere dermatoloog"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d := base
			tt.mod(&d)
			_, all := render(t, tt.lang, TemplateAppointmentCancelled, d)
			assertHas(t, tt.name, all, tt.want...)
			assertLacks(t, tt.name, all, tt.absent...)
		})
	}
}

func TestGuestIsNeverGreetedByAddress(t *testing.T) {
	for lang, formal := range map[string]string{LangEN: "Dear Sir or Madam,", LangNL: "Geachte heer, mevrouw,"} {
		for _, name := range Names() {
			d := toMap(samples[name])
			greets := false
			for _, key := range []string{"PatientName", "Name"} {
				if _, ok := d[key]; ok {
					d[key], greets = "pim.guest@example.test", true
				}
			}
			if !greets || name == TemplateNewBookingDoctor || name == TemplateCancellationRequested {
				continue // greets the doctor or support; the patient's name is a detail there
			}
			m, all := render(t, lang, name, d)
			assertLacks(t, lang+"/"+name, m.Text+m.HTML, "Dear pim", "Beste pim")
			assertHas(t, lang+"/"+name, all, formal)
		}
	}
}

func TestAdviceAnsweredSendsTheTextUnlessNotifyOnly(t *testing.T) {
	d := samples[TemplateAdviceAnswered].(AdviceAnsweredData)
	_, all := render(t, LangEN, TemplateAdviceAnswered, d)
	assertHas(t, "advice email", all, "Gebruik twee keer per dag een vette crème.", d.PortalURL)

	d.Advice, d.NotifyOnly = "", true
	for lang, want := range map[string]string{LangEN: "does not contain the advice itself", LangNL: "staat het advies zelf niet in deze e-mail"} {
		_, all := render(t, lang, TemplateAdviceAnswered, d)
		assertHas(t, lang+" notify-only email", all, want, d.PortalURL)
		assertLacks(t, lang+" notify-only email", all, "-------")
	}
}

func TestFormatMoneyByLanguage(t *testing.T) {
	for _, tt := range []struct {
		lang     string
		cents    int64
		currency string
		want     string
	}{
		{LangEN, 4500, "EUR", "€45.00"},
		{LangNL, 4500, "EUR", "€ 45,00"},
		{LangEN, 123450, "EUR", "€1,234.50"},
		{LangNL, 123450, "EUR", "€ 1.234,50"},
		{LangNL, 100000005, "", "€ 1.000.000,05"},
		{LangEN, -705, "EUR", "-€7.05"},
		{"en-GB", 99, "USD", "USD 0.99"},
		{"de", 99, "USD", "USD 0,99"},
		// The extremes are exact too (FuzzFormat in package money).
		{LangEN, math.MinInt64, "EUR", "-€92,233,720,368,547,758.08"},
		{LangNL, math.MaxInt64, "EUR", "€ 92.233.720.368.547.758,07"},
	} {
		if got := FormatMoney(tt.lang, tt.cents, tt.currency); got != tt.want {
			t.Errorf("FormatMoney(%q, %d, %q) = %q, want %q", tt.lang, tt.cents, tt.currency, got, tt.want)
		}
	}
}

func TestFormatTimeByLanguage(t *testing.T) {
	ams, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 3, 12, 13, 0, 0, 0, time.UTC)
	if got, want := FormatTime(LangEN, at, ams), "Thursday, 12 March 2026 at 14:00 (CET)"; got != want {
		t.Errorf("en: %q, want %q", got, want)
	}
	if got, want := FormatTime(LangNL, at, ams), "donderdag 12 maart 2026 om 14:00 (CET)"; got != want {
		t.Errorf("nl: %q, want %q", got, want)
	}
	summer := time.Date(2026, 7, 1, 7, 5, 0, 0, time.UTC)
	if got, want := FormatTime("en", summer, ams), "Wednesday, 1 July 2026 at 09:05 (CEST)"; got != want {
		t.Errorf("en summer: %q, want %q", got, want)
	}
}

func TestCancellationRejectedSaysWhetherThePatientMayAskAgain(t *testing.T) {
	base := CancellationRejectedData{PatientName: "Sanne", DoctorName: "dr. Jansen", Start: "morgen", MessagesURL: "https://x.test/p"}
	for _, tt := range []struct {
		lang         string
		left         int
		want, absent []string
	}{
		{LangEN, 1, []string{"you may ask once more"}, []string{"cannot ask again"}},
		{LangEN, 0, []string{"cannot ask again", "contact the practice"}, []string{"once more"}},
		{LangEN, -1, nil, []string{"once more", "cannot ask again"}},
		{LangNL, 1, []string{"nog één keer vragen"}, []string{"niet opnieuw"}},
		{LangNL, 0, []string{"niet opnieuw om annulering vragen"}, []string{"nog één keer"}},
	} {
		d := base
		d.RequestsLeft = tt.left
		_, all := render(t, tt.lang, TemplateCancellationRejected, d)
		assertHas(t, tt.lang, all, tt.want...)
		assertLacks(t, tt.lang, all, tt.absent...)
	}
}
