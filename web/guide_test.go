package web

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"derma2go/workflows"
)

// TestGuideContent checks the getting-started guide (content/guide): both
// languages have the same steps in the same order with the same pages,
// every link opens a page of the client, and the steps from first login to
// first consultation are all there.
func TestGuideContent(t *testing.T) {
	nl, err := Guide("nl")
	if err != nil {
		t.Fatal(err)
	}
	en, err := Guide("en")
	if err != nil {
		t.Fatal(err)
	}
	if len(nl) != len(en) {
		t.Fatalf("%d Dutch and %d English sections", len(nl), len(en))
	}
	for i := range nl {
		if nl[i].ID != en[i].ID || nl[i].Link != en[i].Link || nl[i].Category != en[i].Category {
			t.Errorf("section %d: %s (%s) in Dutch, %s (%s) in English", i, nl[i].ID, nl[i].Link, en[i].ID, en[i].Link)
		}
	}
	ids := map[string]bool{}
	for _, set := range [][]GuideSection{nl, en} {
		for _, s := range set {
			ids[s.ID] = true
			if strings.ContainsAny(s.Body, "<>") {
				t.Errorf("%s: the body holds < or >: the client renders Markdown only", s.ID)
			}
			checkPageLinks(t, s.ID, s.Link, s.Body)
		}
	}
	for _, step := range []string{"first-login", "profile", "fees", "payouts", "hours", "questionnaires",
		"advice-inbox", "waiting-room", "prescriptions", "messages", "invoices"} {
		if !ids[step] {
			t.Errorf("the guide lacks the step %s", step)
		}
	}
	if _, err := Guide("de"); err == nil {
		t.Error("a guide in German")
	}
}

// TestGuideAdviceDeadlinesAreTheWorkflows checks that the guide states the
// advice deadlines the workflow keeps: the reminders before the due time,
// the expiry one working day after it, and when the waiting room opens.
func TestGuideAdviceDeadlinesAreTheWorkflows(t *testing.T) {
	// The expiry: how many working days after the due time (a Monday noon).
	loc, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Fatal(err)
	}
	due, expires := workflows.AdviceDeadlines(time.Date(2026, 11, 27, 12, 0, 0, 0, loc), 1, loc) // a Friday
	expiryDays := 0
	for d := due; d.Before(expires); d = workflows.AddWorkingDays(d, 1, loc) {
		expiryDays++
	}
	wait := int(workflows.DefaultWaitingRoomOpens.Minutes())
	units := map[string]struct{ hour, hours, day, minutes string }{
		"nl": {"%d uur", "%d uur", "**%d werkdag**", "**%d minuten**"},
		"en": {"**%d hour**", "**%d hours**", "**%d working day**", "**%d minutes**"},
	}
	for lang, u := range units {
		sections, err := Guide(lang)
		if err != nil {
			t.Fatal(err)
		}
		body := map[string]string{}
		for _, s := range sections {
			body[s.ID] = s.Body
		}
		var want []string
		for _, lead := range workflows.AdviceReminderLeads() {
			h := int(lead.Hours())
			f := u.hours
			if h == 1 {
				f = u.hour
			}
			want = append(want, fmt.Sprintf(f, h))
		}
		want = append(want, fmt.Sprintf(u.day, expiryDays))
		for _, w := range want {
			if !strings.Contains(body["advice-inbox"], w) {
				t.Errorf("%s advice-inbox does not state %q: %q", lang, w, body["advice-inbox"])
			}
		}
		if w := fmt.Sprintf(u.minutes, wait); !strings.Contains(body["waiting-room"], w) {
			t.Errorf("%s waiting-room does not state %q", lang, w)
		}
		if h := fmt.Sprint(int(workflows.CancellationNotice.Hours())); !strings.Contains(body["fees"], h) {
			t.Errorf("%s fees does not state the %s-hour cancellation rule", lang, h)
		}
	}
}
