package integration

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"regexp"
	"strings"
	"testing"
	"time"

	"derma2go/db"
	"derma2go/demodata"
	"derma2go/devstack/mailsink"
)

// Demo doctors 120-126 are this file's (messaging); 126 is given
// round-the-clock video hours.

type threadView struct {
	ID         string `json:"id"`
	PatientID  string `json:"patient_id"`
	DoctorID   string `json:"doctor_id"`
	DoctorName string `json:"doctor_name"`
	Status     string `json:"status"`
	Unread     int    `json:"unread"`
}

type threadMessage struct {
	ID       string  `json:"id"`
	Seq      int64   `json:"seq"`
	FromRole string  `json:"from_role"`
	Kind     string  `json:"kind"`
	Text     string  `json:"text"`
	Title    string  `json:"title"`
	LinkURL  string  `json:"link_url"`
	FileURL  string  `json:"file_url"`
	ReadAt   *string `json:"read_at"`
}

type threadPage struct {
	Thread   threadView      `json:"thread"`
	Items    []threadMessage `json:"items"`
	Notice   string          `json:"notice"`
	Role     string          `json:"role"`
	CanWrite bool            `json:"can_write"`
}

// messagingCase is a patient with an account and a demo doctor.
type messagingCase struct {
	patient, doctor     *apiClient
	patientID, doctorID string
	email, password     string
}

func newMessagingCase(t *testing.T, doctorIndex int) *messagingCase {
	t.Helper()
	m := &messagingCase{email: newEmail("messaging"), password: "messaging-password-1"}
	var ps, ds session
	m.patient, ps = registerPatient(t, m.email, m.password)
	m.doctor, ds = loginAs(t, demodata.DoctorEmail(doctorIndex), "doctor-demo-2026")
	m.patientID, m.doctorID = ps.User.ID, ds.User.ID
	return m
}

// bookAdvice creates the patient's email advice with the doctor, paid
// unless pay is false, and returns its id.
func (m *messagingCase) bookAdvice(t *testing.T, pay bool) string {
	t.Helper()
	var created booking
	m.patient.do("POST", "/v1/consultations", map[string]any{"type": "email_advice", "doctor_id": m.doctorID, "form": "short"}).
		expect(t, http.StatusCreated).decode(t, &created)
	if pay {
		payCheckout(t, created.CheckoutURL)
		waitConsultation(t, m.patient, created.ID, "awaiting_intake")
	}
	return created.ID
}

// open opens the patient's thread with the doctor.
func (m *messagingCase) open(t *testing.T) threadView {
	t.Helper()
	var v threadView
	res := m.patient.do("POST", "/v1/me/threads", map[string]any{"doctor_id": m.doctorID})
	if res.Status != http.StatusCreated && res.Status != http.StatusOK {
		t.Fatalf("open thread → %d: %s", res.Status, res.Body)
	}
	res.decode(t, &v)
	return v
}

func send(t *testing.T, c *apiClient, threadID, text string) threadMessage {
	t.Helper()
	var msg threadMessage
	c.do("POST", "/v1/threads/"+threadID+"/messages", map[string]any{"text": text}).expect(t, http.StatusCreated).decode(t, &msg)
	return msg
}

// TestMessagingOpensOnlyAfterAConsultation: before any consultation, and
// with one that was never paid, neither side can open the thread (409, in
// the patient's language); once paid, the patient opens it (201, then the
// same thread with 200) and the doctor reaches the same one through the
// consultation.
func TestMessagingOpensOnlyAfterAConsultation(t *testing.T) {
	m := newMessagingCase(t, 120)
	p := m.patient.do("POST", "/v1/me/threads", map[string]any{"doctor_id": m.doctorID}).expect(t, http.StatusConflict).problem(t)
	if !strings.Contains(p.Detail, "consult") || !strings.Contains(p.Detail, "arts") {
		t.Errorf("Dutch problem = %+v", p)
	}
	var list struct {
		Items   []threadView `json:"items"`
		Doctors []struct {
			ID string `json:"id"`
		} `json:"doctors"`
	}
	m.patient.do("GET", "/v1/me/threads", nil).expect(t, http.StatusOK).decode(t, &list)
	if len(list.Items) != 0 || len(list.Doctors) != 0 {
		t.Errorf("before a consultation: %+v", list)
	}
	unpaid := m.bookAdvice(t, false)
	m.patient.do("POST", "/v1/me/threads", map[string]any{"doctor_id": m.doctorID}).expect(t, http.StatusConflict)
	m.doctor.do("POST", "/v1/doctor/consultations/"+unpaid+"/thread", nil).expect(t, http.StatusConflict)
	// English for an English account.
	m.patient.do("PUT", "/v1/me/language", map[string]any{"language": "en"}).expect(t, http.StatusOK)
	p = m.patient.do("POST", "/v1/me/threads", map[string]any{"doctor_id": m.doctorID}).expect(t, http.StatusConflict).problem(t)
	if !strings.Contains(p.Detail, "once you have had a consultation") {
		t.Errorf("English problem = %+v", p)
	}

	paid := m.bookAdvice(t, true)
	m.patient.do("GET", "/v1/me/threads", nil).expect(t, http.StatusOK).decode(t, &list)
	if len(list.Doctors) != 1 || list.Doctors[0].ID != m.doctorID {
		t.Errorf("after paying, doctors = %+v", list.Doctors)
	}
	var first, again, viaDoctor threadView
	m.patient.do("POST", "/v1/me/threads", map[string]any{"doctor_id": m.doctorID}).expect(t, http.StatusCreated).decode(t, &first)
	m.patient.do("POST", "/v1/me/threads", map[string]any{"doctor_id": m.doctorID}).expect(t, http.StatusOK).decode(t, &again)
	m.doctor.do("POST", "/v1/doctor/consultations/"+paid+"/thread", nil).expect(t, http.StatusOK).decode(t, &viaDoctor)
	if first.ID == "" || again.ID != first.ID || viaDoctor.ID != first.ID || first.PatientID != m.patientID || first.Status != "open" {
		t.Errorf("threads %+v %+v %+v", first, again, viaDoctor)
	}
	m.patient.do("GET", "/v1/me/threads", nil).expect(t, http.StatusOK).decode(t, &list)
	if len(list.Items) != 1 || list.Items[0].ID != first.ID || len(list.Doctors) != 0 {
		t.Errorf("after opening: %+v", list)
	}
}

// TestMessagingExchangeLiveUnreadAndClose: both sides write, each message
// reaches the other side's open stream; unread counts and read marks; the
// doctor closes the thread (the patient's message is refused with a 409
// that says so, the doctor may still write) and reopens it.
func TestMessagingExchangeLiveUnreadAndClose(t *testing.T) {
	m := newMessagingCase(t, 121)
	m.bookAdvice(t, true)
	th := m.open(t)
	path := "/v1/threads/" + th.ID

	var page threadPage
	m.patient.do("GET", path, nil).expect(t, http.StatusOK).decode(t, &page)
	if !strings.Contains(page.Notice, "medisch advies") || !page.CanWrite || page.Role != "patient" || len(page.Items) != 0 {
		t.Errorf("empty thread page: %+v", page)
	}
	patientStream := openStream(t, m.patient, "", path+"/events", nil)
	doctorStream := openStream(t, m.doctor, "", path+"/events", nil)
	dashboard := openStream(t, m.doctor, "", "/v1/doctor/events", nil)
	patientStream.next("thread", field("status", "open"))
	doctorStream.next("thread", field("status", "open"))

	q := send(t, m.patient, th.ID, "Is it normal that the cream stings a little?")
	ev, data := doctorStream.next("message", field("id", q.ID))
	if ev.ID != q.ID || data["text"] != "Is it normal that the cream stings a little?" || data["from_role"] != "patient" {
		t.Errorf("doctor's stream: %s %v", ev.ID, data)
	}
	_, hint := dashboard.next("inbox", field("thread_id", th.ID))
	if _, leaked := hint["text"]; leaked {
		t.Errorf("the dashboard's hint carries content: %v", hint)
	}
	var inbox struct {
		Items  []threadView `json:"items"`
		Unread int          `json:"unread"`
	}
	m.doctor.do("GET", "/v1/doctor/threads", nil).expect(t, http.StatusOK).decode(t, &inbox)
	var mine *threadView
	for i := range inbox.Items {
		if inbox.Items[i].ID == th.ID {
			mine = &inbox.Items[i]
		}
	}
	if mine == nil || mine.Unread != 1 || inbox.Unread < 1 || mine.DoctorID != m.doctorID {
		t.Fatalf("inbox: %+v", inbox)
	}
	var marked struct {
		Marked int `json:"marked"`
	}
	m.doctor.do("POST", path+"/read", map[string]any{}).expect(t, http.StatusOK).decode(t, &marked)
	if marked.Marked != 1 {
		t.Errorf("marked %d", marked.Marked)
	}
	patientStream.next("thread", field("read_by", "doctor"))

	a := send(t, m.doctor, th.ID, "Yes, a mild sting for a few days is normal.")
	if _, data := patientStream.next("message", field("id", a.ID)); data["text"] != "Yes, a mild sting for a few days is normal." {
		t.Errorf("patient's stream: %v", data)
	}
	m.patient.do("GET", path, nil).expect(t, http.StatusOK).decode(t, &page)
	if len(page.Items) != 2 || page.Items[0].ReadAt == nil || page.Items[1].ReadAt != nil || page.Thread.Unread != 1 {
		t.Errorf("thread page: %+v", page)
	}

	var closed threadView
	m.doctor.do("POST", path+"/close", nil).expect(t, http.StatusOK).decode(t, &closed)
	if closed.Status != "closed" {
		t.Errorf("closed: %+v", closed)
	}
	patientStream.next("thread", field("status", "closed"))
	p := m.patient.do("POST", path+"/messages", map[string]any{"text": "One more question"}).expect(t, http.StatusConflict).problem(t)
	if !strings.Contains(p.Detail, "gesloten") {
		t.Errorf("closed problem: %+v", p)
	}
	m.patient.do("GET", path, nil).expect(t, http.StatusOK).decode(t, &page)
	if page.CanWrite || page.Thread.Status != "closed" || len(page.Items) != 2 {
		t.Errorf("closed thread page: %+v", page)
	}
	send(t, m.doctor, th.ID, "Your lab results are in; all normal.")
	m.patient.do("POST", path+"/close", nil).expect(t, http.StatusForbidden)
	m.doctor.do("POST", path+"/reopen", nil).expect(t, http.StatusOK)
	send(t, m.patient, th.ID, "Thank you!")

	// Bad input: blank, too long, a patient's link.
	m.patient.do("POST", path+"/messages", map[string]any{"text": "   "}).expect(t, http.StatusUnprocessableEntity)
	m.patient.raw("POST", path+"/messages", "application/json", []byte(`{"text":"`+strings.Repeat("x", 2001)+`"}`)).expect(t, http.StatusUnprocessableEntity)
	m.patient.do("POST", path+"/messages", map[string]any{"link": map[string]any{"url": "https://www.thuisarts.nl/"}}).expect(t, http.StatusForbidden)
}

func multipartFile(t *testing.T, name, title string, data []byte) (string, []byte) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="file"; filename="`+name+`"`)
	h.Set("Content-Type", "application/octet-stream")
	part, err := w.CreatePart(h)
	if err != nil {
		t.Fatal(err)
	}
	part.Write(data)
	w.WriteField("title", title)
	w.WriteField("text", "See the attachment.")
	w.Close()
	return w.FormDataContentType(), buf.Bytes()
}

const samplePDF = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

// TestMessagingDocumentsAndEncryptionAtRest: the doctor shares a file and
// a link (a patient cannot upload; an unknown prescription is 422); the
// patient downloads the file; in the tables the text, title, link and file
// are ciphertext that opens with the field keys.
func TestMessagingDocumentsAndEncryptionAtRest(t *testing.T) {
	m := newMessagingCase(t, 122)
	m.bookAdvice(t, true)
	th := m.open(t)
	path := "/v1/threads/" + th.ID
	const secretText = "Biopsy result: benign naevus, no further treatment"
	send(t, m.patient, th.ID, "Has my biopsy come back?")
	textMsg := send(t, m.doctor, th.ID, secretText)

	ct, body := multipartFile(t, "results.pdf", "Pathology report", []byte(samplePDF))
	var file threadMessage
	m.doctor.raw("POST", path+"/files", ct, body).expect(t, http.StatusCreated).decode(t, &file)
	if file.Kind != "file" || file.Title != "Pathology report" || file.FileURL == "" {
		t.Fatalf("file message: %+v", file)
	}
	m.patient.raw("POST", path+"/files", ct, body).expect(t, http.StatusForbidden)
	ct2, exe := multipartFile(t, "x.exe", "Program", []byte("MZ\x90\x00 not a document"))
	m.doctor.raw("POST", path+"/files", ct2, exe).expect(t, http.StatusUnsupportedMediaType)
	var link threadMessage
	m.doctor.do("POST", path+"/messages", map[string]any{"text": "More about naevi",
		"link": map[string]any{"url": "https://www.thuisarts.nl/moedervlekken", "title": "Thuisarts: moedervlekken"}}).
		expect(t, http.StatusCreated).decode(t, &link)
	if link.Kind != "link" || link.LinkURL != "https://www.thuisarts.nl/moedervlekken" {
		t.Errorf("link message: %+v", link)
	}
	m.doctor.do("POST", path+"/messages", map[string]any{"link": map[string]any{"url": "javascript:alert(1)"}}).expect(t, http.StatusUnprocessableEntity)
	m.doctor.do("POST", path+"/messages", map[string]any{"prescription_id": "7f8c2a10-4e1b-4a9e-9b0c-1d2e3f405162"}).expect(t, http.StatusUnprocessableEntity)

	res := m.patient.do("GET", file.FileURL, nil).expect(t, http.StatusOK)
	if string(res.Body) != samplePDF || res.Header.Get("Content-Type") != "application/pdf" ||
		!strings.Contains(res.Header.Get("Content-Disposition"), "attachment") {
		t.Errorf("download: %s %q", res.Header, res.Body)
	}
	m.patient.do("GET", path+"/messages/"+textMsg.ID+"/file", nil).expect(t, http.StatusNotFound)

	ctx := context.Background()
	var textEnc, titleEnc, linkEnc, fileEnc []byte
	pool := stack.Platform.Store.Pool
	if err := pool.QueryRow(ctx, "SELECT text_enc FROM thread_messages WHERE id = $1", textMsg.ID).Scan(&textEnc); err != nil {
		t.Fatal(err)
	}
	if err := pool.QueryRow(ctx, "SELECT title_enc FROM thread_messages WHERE id = $1", file.ID).Scan(&titleEnc); err != nil {
		t.Fatal(err)
	}
	if err := pool.QueryRow(ctx, "SELECT link_url_enc FROM thread_messages WHERE id = $1", link.ID).Scan(&linkEnc); err != nil {
		t.Fatal(err)
	}
	if err := pool.QueryRow(ctx, "SELECT data_enc FROM thread_files WHERE message_id = $1", file.ID).Scan(&fileEnc); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, context, plain string
		enc                  []byte
	}{
		{"text", db.FieldMessageText, secretText, textEnc},
		{"title", db.FieldMessageTitle, "Pathology report", titleEnc},
		{"link", db.FieldMessageLink, "https://www.thuisarts.nl/moedervlekken", linkEnc},
		{"file", db.FieldMessageFile, samplePDF, fileEnc},
	} {
		if bytes.Contains(c.enc, []byte(c.plain)) || bytes.Contains(c.enc, []byte("naevus")) || bytes.Contains(c.enc, []byte("%PDF")) {
			t.Errorf("%s is stored in the clear", c.name)
		}
		got, err := stack.Platform.Fields.Decrypt(c.context, c.enc)
		if err != nil || string(got) != c.plain {
			t.Errorf("%s does not open with the field key: %q, %v", c.name, got, err)
		}
	}
}

// TestMessagingRefusesEveryoneElse walks every thread route as another
// patient, another doctor, a stranger and the patient without the PIN:
// 401, 403 or 404 every time, never the thread.
func TestMessagingRefusesEveryoneElse(t *testing.T) {
	m := newMessagingCase(t, 123)
	consultation := m.bookAdvice(t, true)
	th := m.open(t)
	msg := send(t, m.doctor, th.ID, "A message only the two of us may read")
	ct, body := multipartFile(t, "r.pdf", "Report", []byte(samplePDF))
	var file threadMessage
	m.doctor.raw("POST", "/v1/threads/"+th.ID+"/files", ct, body).expect(t, http.StatusCreated).decode(t, &file)

	otherPatient, _ := registerPatient(t, newEmail("msg-intruder"), "intruder-password-1")
	otherDoctor, _ := loginAs(t, demodata.DoctorEmail(124), "doctor-demo-2026")
	var locked session
	newClient(t).do("POST", "/v1/auth/login", map[string]any{"email": m.email, "password": m.password}).expect(t, http.StatusOK).decode(t, &locked)
	noPIN := &apiClient{t: t, token: locked.Token}
	callers := map[string]*apiClient{"another patient": otherPatient, "another doctor": otherDoctor, "a stranger": newClient(t),
		"the patient without the PIN": noPIN}
	base := "/v1/threads/" + th.ID
	routes := []struct{ method, path, body string }{
		{"GET", base, ""},
		{"POST", base + "/messages", `{"text":"hello"}`},
		{"POST", base + "/read", `{}`},
		{"POST", base + "/close", ""},
		{"POST", base + "/reopen", ""},
		{"GET", base + "/messages/" + file.ID + "/file", ""},
		{"GET", base + "/events", ""},
		{"POST", base + "/files", "multipart"},
		{"POST", "/v1/doctor/consultations/" + consultation + "/thread", ""},
	}
	for _, r := range routes {
		for who, c := range callers {
			var res response
			switch {
			case strings.HasSuffix(r.path, "/events"):
				res = c.streamHead(r.path)
			case r.body == "multipart":
				res = c.raw(r.method, r.path, ct, body)
			case r.body != "":
				res = c.raw(r.method, r.path, "application/json", []byte(r.body))
			default:
				res = c.raw(r.method, r.path, "", nil)
			}
			if res.Status != http.StatusNotFound && res.Status != http.StatusForbidden && res.Status != http.StatusUnauthorized {
				t.Errorf("%s %s as %s → %d: %s", r.method, r.path, who, res.Status, res.Body)
			}
			if bytes.Contains(res.Body, []byte("only the two of us")) {
				t.Errorf("%s %s as %s leaks the message", r.method, r.path, who)
			}
		}
	}
	// Another patient's list does not show the thread, nor can they open one
	// with the doctor; a foreign thread id of a real thread is 404, not 403.
	var list struct {
		Items []threadView `json:"items"`
	}
	otherPatient.do("GET", "/v1/me/threads", nil).expect(t, http.StatusOK).decode(t, &list)
	if len(list.Items) != 0 {
		t.Errorf("another patient's threads: %+v", list.Items)
	}
	otherPatient.do("POST", "/v1/me/threads", map[string]any{"doctor_id": m.doctorID}).expect(t, http.StatusConflict)
	otherPatient.do("GET", base, nil).expect(t, http.StatusNotFound)
	noPIN.do("GET", "/v1/me/threads", nil).expect(t, http.StatusForbidden)
	var inbox struct {
		Items []threadView `json:"items"`
	}
	otherDoctor.do("GET", "/v1/doctor/threads", nil).expect(t, http.StatusOK).decode(t, &inbox)
	for _, it := range inbox.Items {
		if it.ID == th.ID {
			t.Errorf("another doctor's inbox shows the thread")
		}
	}
	// The rightful sides still get in.
	m.patient.do("GET", base, nil).expect(t, http.StatusOK)
	m.doctor.do("GET", base+"/messages/"+msg.ID+"/file", nil).expect(t, http.StatusNotFound)
}

var threadLink = regexp.MustCompile(`https?://[^\s"<>]+/messages/([0-9a-f-]{36})`)

// TestMessageEmailNoticeIsOptInAndContentFree: no mail by default; once
// switched on, the first unread message sends one mail with a link to the
// thread's page and nothing of the message; a second one before the
// patient reads sends none; after reading, the next one does again.
func TestMessageEmailNoticeIsOptInAndContentFree(t *testing.T) {
	m := newMessagingCase(t, 125)
	m.bookAdvice(t, true)
	th := m.open(t)
	var set struct {
		Email bool `json:"email"`
	}
	m.patient.do("GET", "/v1/me/message-settings", nil).expect(t, http.StatusOK).decode(t, &set)
	if set.Email {
		t.Fatal("message email is on by default")
	}
	isNotice := func(msg mailsink.Message) bool { return sentTo(msg, m.email) && threadLink.MatchString(msg.Text) }
	send(t, m.doctor, th.ID, "Off: nobody is told")
	time.Sleep(time.Second)
	for _, msg := range stack.Mail.Messages() {
		if isNotice(msg) {
			t.Fatalf("a notice went out while switched off: %s", msg.Subject)
		}
	}
	m.patient.do("PUT", "/v1/me/message-settings", map[string]any{"email": true}).expect(t, http.StatusOK).decode(t, &set)
	m.patient.do("POST", "/v1/threads/"+th.ID+"/read", map[string]any{}).expect(t, http.StatusOK)
	send(t, m.doctor, th.ID, "Secret content: the biopsy shows a melanoma in situ")
	notice := waitForLink(t, m.email, threadLink)
	if got := threadLink.FindStringSubmatch(notice.Text)[1]; got != th.ID {
		t.Errorf("notice links to thread %s, want %s", got, th.ID)
	}
	for _, part := range []string{notice.Subject, notice.Text, notice.HTML} {
		if strings.Contains(part, "melanoma") || strings.Contains(part, "biopsy") || strings.Contains(part, "Secret") {
			t.Errorf("the notice carries content: %s", part)
		}
	}
	send(t, m.doctor, th.ID, "A second one, still unread")
	time.Sleep(time.Second)
	count := 0
	for _, msg := range stack.Mail.Messages() {
		if isNotice(msg) {
			count++
		}
	}
	if count != 1 {
		t.Errorf("%d notices after two unread messages, want 1", count)
	}
	m.patient.raw("PUT", "/v1/me/message-settings", "application/json", []byte(`{}`)).expect(t, http.StatusUnprocessableEntity)
}

// TestCancellationRejectedMailOpensTheThread: the mail that says the
// appointment stands links to the page that opens the patient's thread
// with the doctor, and that thread opens (the video was paid).
func TestCancellationRejectedMailOpensTheThread(t *testing.T) {
	doctor, doctorID := roundTheClockDoctor(t, 126)
	email := newEmail("rejected")
	patient, _ := registerPatient(t, email, "rejected-password-1")
	slot := firstSlotFrom(t, doctorID, time.Now().Add(50*time.Hour))
	var b booking
	patient.do("POST", "/v1/consultations", map[string]any{"type": "video", "doctor_id": doctorID,
		"slot_start": slot.Format(time.RFC3339)}).expect(t, http.StatusCreated).decode(t, &b)
	payCheckout(t, b.CheckoutURL)
	waitConsultation(t, patient, b.ID, "scheduled")
	patient.do("POST", "/v1/consultations/"+b.ID+"/cancellation", map[string]any{"reason": "schedule_conflict"}).expect(t, http.StatusOK)
	doctor.do("POST", "/v1/doctor/consultations/"+b.ID+"/cancellation/reject", nil).expect(t, http.StatusOK)
	link := regexp.MustCompile(`https?://[^\s"<>]+/messages/doctor/([0-9a-f-]{36})`)
	m := waitForLink(t, email, link)
	if got := link.FindStringSubmatch(m.Text)[1]; got != doctorID {
		t.Errorf("the rejection mail opens the thread with %s, want %s", got, doctorID)
	}
	res, err := http.Get(link.FindString(m.Text))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		t.Errorf("the link answers %d %s, want a page", res.StatusCode, res.Header.Get("Content-Type"))
	}
	patient.do("POST", "/v1/me/threads", map[string]any{"doctor_id": doctorID}).expect(t, http.StatusCreated)
}

// walkerThread is a thread with a shared file, for the route walkers: its
// patient and doctor, and the ids of the thread and the file's message.
func walkerThread(t *testing.T, patient *apiClient, doctor *apiClient, doctorID string) (threadID, fileMessageID string) {
	t.Helper()
	var th threadView
	res := patient.do("POST", "/v1/me/threads", map[string]any{"doctor_id": doctorID})
	if res.Status != http.StatusCreated && res.Status != http.StatusOK {
		t.Fatalf("open thread → %d: %s", res.Status, res.Body)
	}
	res.decode(t, &th)
	send(t, patient, th.ID, "A question for the walk")
	ct, body := multipartFile(t, "walk.pdf", "Walk report", []byte(samplePDF))
	var file threadMessage
	doctor.raw("POST", "/v1/threads/"+th.ID+"/files", ct, body).expect(t, http.StatusCreated).decode(t, &file)
	return th.ID, file.ID
}
