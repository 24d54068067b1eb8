package care

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"

	"derma2go/config"
	"derma2go/db"
	"derma2go/domain"
	"derma2go/media"
	"derma2go/prescribing"
	"derma2go/secure"
	"derma2go/workflows"
)

// fakeWorkflow is the engine boundary: one consultation workflow's live
// state, with its validators reduced to the rules the tests need. fail
// makes the next calls of a method fail before they reach the workflow
// (failTaken: after the workflow took them, as a lost answer).
type fakeWorkflow struct {
	mu        sync.Mutex
	st        workflows.ConsultationState
	calls     map[string]int
	fail      map[string]error
	failTaken map[string]error
	advice    string
}

func newFakeWorkflow(typ domain.ConsultationType, status domain.Status) *fakeWorkflow {
	return &fakeWorkflow{st: workflows.ConsultationState{Type: typ, Status: status},
		calls: map[string]int{}, fail: map[string]error{}, failTaken: map[string]error{}}
}

func (f *fakeWorkflow) enter(name string) (before, after error) {
	f.mu.Lock()
	f.calls[name]++
	before, after = f.fail[name], f.failTaken[name]
	delete(f.fail, name)
	delete(f.failTaken, name)
	return before, after
}

func (f *fakeWorkflow) State(ctx context.Context, _ uuid.UUID) (workflows.ConsultationState, error) {
	before, _ := f.enter("State")
	defer f.mu.Unlock()
	if errors.Is(before, errNoWorker) {
		<-ctx.Done()
		return f.st, ctx.Err()
	}
	return f.st, before
}

// SubmitIntake is the signal: the workflow takes the first form while
// awaiting intake and ignores the others.
func (f *fakeWorkflow) SubmitIntake(context.Context, uuid.UUID) error {
	before, after := f.enter("SubmitIntake")
	defer f.mu.Unlock()
	if before != nil {
		return before
	}
	if !f.st.IntakeTaken && f.st.Status == domain.StatusAwaitingIntake {
		f.st.IntakeTaken, f.st.Status = true, domain.StatusAwaitingAdvice
	}
	return after
}

func (f *fakeWorkflow) AnswerAdvice(_ context.Context, _, adviceID uuid.UUID) error {
	before, after := f.enter("AnswerAdvice")
	defer f.mu.Unlock()
	if before != nil {
		return before
	}
	if f.st.Status != domain.StatusAwaitingAdvice && f.advice != adviceID.String() {
		return fmt.Errorf("%w: answering is not possible while the consultation is %s", ErrRejected, f.st.Status)
	}
	f.advice, f.st.Status = adviceID.String(), domain.StatusAnswered
	return after
}

func (f *fakeWorkflow) Decline(context.Context, uuid.UUID, domain.DeclineReason) error {
	before, _ := f.enter("Decline")
	defer f.mu.Unlock()
	if before != nil {
		return before
	}
	if f.st.Status != domain.StatusAwaitingIntake && f.st.Status != domain.StatusAwaitingAdvice {
		return ErrRejected
	}
	f.st.Status = domain.StatusDeclined
	return nil
}

func (f *fakeWorkflow) Update(_ context.Context, _ uuid.UUID, name string, _ any) (workflows.ConsultationState, error) {
	before, _ := f.enter(name)
	defer f.mu.Unlock()
	if before != nil {
		return f.st, before
	}
	if name == workflows.UpdateAddPhoto && !domain.PhotosOpen(f.st.Type, f.st.Status) {
		return f.st, fmt.Errorf("%w: adding a photo is not possible while the consultation is %s", ErrRejected, f.st.Status)
	}
	if name == workflows.UpdateRequestCancellation && f.st.Status != domain.StatusScheduled {
		return f.st, fmt.Errorf("%w: requesting a cancellation is not possible while the consultation is %s", ErrRejected, f.st.Status)
	}
	return f.st, nil
}

func (f *fakeWorkflow) DeliverPrescription(context.Context, uuid.UUID, uuid.UUID) error {
	before, _ := f.enter("DeliverPrescription")
	defer f.mu.Unlock()
	return before
}

func (f *fakeWorkflow) count(name string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[name]
}

// memStore is the store boundary in memory.
type memStore struct {
	mu            sync.Mutex
	intakes       map[uuid.UUID]db.ConsultationIntake
	advice        map[uuid.UUID]db.CreateAdviceParams
	photos        map[uuid.UUID]int
	prescriptions []db.CreatePrescriptionParams
}

func newMemStore() *memStore {
	return &memStore{intakes: map[uuid.UUID]db.ConsultationIntake{}, advice: map[uuid.UUID]db.CreateAdviceParams{},
		photos: map[uuid.UUID]int{}}
}

func (m *memStore) Intake(_ context.Context, id uuid.UUID) (db.ConsultationIntake, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	in, ok := m.intakes[id]
	if !ok {
		return in, db.ErrNotFound
	}
	return in, nil
}

func (m *memStore) CreateIntake(_ context.Context, in db.CreateIntakeParams) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.intakes[in.ConsultationID]; ok {
		return false, nil
	}
	m.intakes[in.ConsultationID] = db.ConsultationIntake{ConsultationID: in.ConsultationID, FormKind: in.FormKind, AnswersEnc: in.AnswersEnc}
	return true, nil
}

func (m *memStore) AddPhoto(_ context.Context, p db.CreatePhotoParams, max int) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.photos[p.ConsultationID] >= max {
		return ErrTooManyPhotos
	}
	m.photos[p.ConsultationID]++
	return nil
}

func (m *memStore) DeletePhoto(_ context.Context, consultationID, _ uuid.UUID) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.photos[consultationID]--
	return nil
}

func (m *memStore) CreateAdvice(_ context.Context, p db.CreateAdviceParams) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.advice[p.ID] = p
	return nil
}

func (m *memStore) DeleteDraftAdvice(_ context.Context, id uuid.UUID) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.advice, id)
	return nil
}

func (m *memStore) CreatePrescription(_ context.Context, p db.CreatePrescriptionParams) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.prescriptions = append(m.prescriptions, p)
	return nil
}

type fixture struct {
	svc   *Service
	wf    *fakeWorkflow
	store *memStore
	row   db.Consultation
}

// newFixture builds a consultation whose Postgres row says rowStatus while
// its workflow is in live.
func newFixture(t *testing.T, typ domain.ConsultationType, rowStatus, live domain.Status) *fixture {
	t.Helper()
	key := func(b byte) []byte { return bytes.Repeat([]byte{b}, 32) }
	fields, err := secure.NewFields([]config.NamedKey{{ID: "k1", Key: key(1)}}, key(9))
	if err != nil {
		t.Fatal(err)
	}
	wf, store := newFakeWorkflow(typ, live), newMemStore()
	row := db.Consultation{ID: uuid.New(), DoctorID: uuid.New(), ConsultationType: string(typ), Status: string(rowStatus)}
	if typ == domain.TypeEmailAdvice {
		row.AdviceForm = pgtype.Text{String: "short", Valid: true}
	}
	return &fixture{svc: &Service{Store: store, Engine: wf, Fields: fields}, wf: wf, store: store, row: row}
}

func refusal(err error) Reason {
	var r *Refusal
	if errors.As(err, &r) {
		return r.Reason
	}
	return 0
}

var (
	errUnavailable = errors.New("workflow service unavailable")
	// errNoWorker makes State wait like a query no worker answers.
	errNoWorker = errors.New("no worker")
)

// A form stored while telling the workflow failed is not lost: the retry
// (same answers) tells the workflow again and it takes the form. Before,
// the retry was refused with 409 "sent already" and the paid consultation
// expired after 7 days.
func TestSubmitIntakeRetryAfterFailedTell(t *testing.T) {
	f := newFixture(t, domain.TypeEmailAdvice, domain.StatusAwaitingIntake, domain.StatusAwaitingIntake)
	answers := []byte(`{"complaint":"a red itchy patch"}`)
	f.wf.fail["SubmitIntake"] = errUnavailable
	if err := f.svc.SubmitIntake(context.Background(), f.row, answers, nil); !errors.Is(err, errUnavailable) {
		t.Fatalf("first attempt: %v, want the engine's failure", err)
	}
	if _, ok := f.store.intakes[f.row.ID]; !ok {
		t.Fatal("the form was not stored before telling the workflow")
	}
	if err := f.svc.SubmitIntake(context.Background(), f.row, answers, nil); err != nil {
		t.Fatalf("retry: %v", err)
	}
	if !f.wf.st.IntakeTaken || f.wf.count("SubmitIntake") != 2 {
		t.Fatalf("workflow state %+v after %d tells", f.wf.st, f.wf.count("SubmitIntake"))
	}
	// The row has caught up; the same request once more (its answer lost)
	// succeeds, a different form does not.
	f.row.Status = string(domain.StatusAwaitingAdvice)
	if err := f.svc.SubmitIntake(context.Background(), f.row, answers, nil); err != nil {
		t.Fatalf("repeat after the form was taken: %v", err)
	}
	if err := f.svc.SubmitIntake(context.Background(), f.row, []byte(`{"complaint":"something else"}`), nil); refusal(err) != SentAlready {
		t.Fatalf("different form: %v, want SentAlready", err)
	}
	if f.wf.count("State") != 0 {
		t.Errorf("a row past payment was asked from the workflow %d times", f.wf.count("State"))
	}
}

// What is given with the form (the patient's name and date of birth) is
// stored after the form and before the workflow is told, which then mails
// the invoice naming the patient; a refused form stores none of it. Before,
// the API stored the name after telling the workflow, and a guest's invoice
// could go out reading "unknown".
func TestSubmitIntakeStoresWithTheFormBeforeTellingTheWorkflow(t *testing.T) {
	f := newFixture(t, domain.TypeEmailAdvice, domain.StatusAwaitingIntake, domain.StatusAwaitingIntake)
	answers := []byte(`{"complaint":"a red itchy patch"}`)
	calls := 0
	withForm := func(context.Context) error {
		calls++
		if _, ok := f.store.intakes[f.row.ID]; !ok {
			t.Error("withForm ran before the form was stored")
		}
		if f.wf.count("SubmitIntake") != 0 {
			t.Error("withForm ran after the workflow was told")
		}
		return nil
	}
	if err := f.svc.SubmitIntake(context.Background(), f.row, answers, withForm); err != nil {
		t.Fatal(err)
	}
	if calls != 1 || !f.wf.st.IntakeTaken {
		t.Fatalf("withForm ran %d times, workflow %+v", calls, f.wf.st)
	}
	if err := f.svc.SubmitIntake(context.Background(), f.row, []byte(`{"complaint":"something else"}`), withForm); refusal(err) != SentAlready || calls != 1 {
		t.Fatalf("a different form: %v, withForm ran %d times; want SentAlready and no run", err, calls)
	}
	failing := newFixture(t, domain.TypeEmailAdvice, domain.StatusAwaitingIntake, domain.StatusAwaitingIntake)
	boom := errors.New("database away")
	if err := failing.svc.SubmitIntake(context.Background(), failing.row, answers, func(context.Context) error { return boom }); !errors.Is(err, boom) || failing.wf.count("SubmitIntake") != 0 {
		t.Fatalf("withForm failing: %v, %d tells; want its error and no tell", err, failing.wf.count("SubmitIntake"))
	}
}

// The form is accepted while no worker answers queries: telling is a
// signal, and a row past payment needs no query.
func TestSubmitIntakeWithoutWorker(t *testing.T) {
	f := newFixture(t, domain.TypeEmailAdvice, domain.StatusAwaitingIntake, domain.StatusAwaitingIntake)
	f.wf.fail["State"] = errNoWorker
	if err := f.svc.SubmitIntake(context.Background(), f.row, []byte(`{}`), nil); err != nil {
		t.Fatal(err)
	}
}

// Where Postgres may lag (still awaiting payment) or for appointments, the
// workflow decides.
func TestSubmitIntakeJudgedByWorkflow(t *testing.T) {
	paid := newFixture(t, domain.TypeEmailAdvice, domain.StatusAwaitingPayment, domain.StatusAwaitingIntake)
	if err := paid.svc.SubmitIntake(context.Background(), paid.row, []byte(`{}`), nil); err != nil {
		t.Fatalf("paid, row not yet projected: %v", err)
	}
	unpaid := newFixture(t, domain.TypeEmailAdvice, domain.StatusAwaitingPayment, domain.StatusAwaitingPayment)
	if err := unpaid.svc.SubmitIntake(context.Background(), unpaid.row, []byte(`{}`), nil); refusal(err) != NotNow {
		t.Fatalf("unpaid: %v, want NotNow", err)
	}
	expired := newFixture(t, domain.TypeEmailAdvice, domain.StatusExpired, domain.StatusExpired)
	if err := expired.svc.SubmitIntake(context.Background(), expired.row, []byte(`{}`), nil); refusal(err) != NotNow {
		t.Fatalf("expired: %v, want NotNow", err)
	}
	for _, f := range []*fixture{unpaid, expired} {
		if len(f.store.intakes) != 0 {
			t.Error("a refused form was stored")
		}
	}
	appt := newFixture(t, domain.TypeVideo, domain.StatusAwaitingPayment, domain.StatusScheduled)
	if err := appt.svc.SubmitIntake(context.Background(), appt.row, []byte(`{}`), nil); err != nil {
		t.Fatalf("video, scheduled: %v", err)
	}
	if appt.wf.count("SubmitIntake") != 0 {
		t.Error("an appointment's form was sent to the workflow")
	}
	if err := appt.svc.SubmitIntake(context.Background(), appt.row, []byte(`{"other":1}`), nil); refusal(err) != SentAlready {
		t.Fatalf("second, different appointment form: %v", err)
	}
	session := newFixture(t, domain.TypeVideo, domain.StatusWaiting, domain.StatusInSession)
	if err := session.svc.SubmitIntake(context.Background(), session.row, []byte(`{}`), nil); refusal(err) != NotNow {
		t.Fatalf("video in session (row lagging at waiting): %v", err)
	}
	down := newFixture(t, domain.TypeVideo, domain.StatusScheduled, domain.StatusScheduled)
	down.svc.StateTimeout = 50 * time.Millisecond
	down.wf.fail["State"] = errNoWorker
	if err := down.svc.SubmitIntake(context.Background(), down.row, []byte(`{}`), nil); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("no answer from the workflow: %v, want ErrUnavailable", err)
	}
}

// A timed-out answer keeps the draft (the workflow may have taken it and
// will publish it by id); only the workflow's refusal removes it. Before,
// every failure deleted the draft.
func TestAnswerAdviceTimeoutKeepsDraft(t *testing.T) {
	f := newFixture(t, domain.TypeEmailAdvice, domain.StatusAwaitingAdvice, domain.StatusAwaitingAdvice)
	f.wf.failTaken["AnswerAdvice"] = context.DeadlineExceeded
	_, err := f.svc.AnswerAdvice(context.Background(), f.row, "Use the cream twice a day for two weeks.")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the timeout", err)
	}
	if len(f.store.advice) != 1 {
		t.Fatalf("drafts after a timeout: %d, want 1", len(f.store.advice))
	}
	for id := range f.store.advice {
		if f.wf.advice != id.String() {
			t.Fatalf("workflow took %s, draft %s", f.wf.advice, id)
		}
	}

	refused := newFixture(t, domain.TypeEmailAdvice, domain.StatusAwaitingAdvice, domain.StatusDeclined)
	if _, err := refused.svc.AnswerAdvice(context.Background(), refused.row, "Too late for this one, sorry."); refusal(err) != NotNow {
		t.Fatalf("refused: %v, want NotNow", err)
	}
	if len(refused.store.advice) != 0 {
		t.Fatal("a refused draft was kept")
	}
	// The handler did not look at the (lagging) row: awaiting_intake in
	// Postgres, awaiting_advice in the workflow.
	lag := newFixture(t, domain.TypeEmailAdvice, domain.StatusAwaitingIntake, domain.StatusAwaitingAdvice)
	if _, err := lag.svc.AnswerAdvice(context.Background(), lag.row, "The workflow says it waits for advice."); err != nil {
		t.Fatalf("lagging row: %v", err)
	}
	video := newFixture(t, domain.TypeVideo, domain.StatusInSession, domain.StatusInSession)
	if _, err := video.svc.AnswerAdvice(context.Background(), video.row, "Written advice for a video call?"); refusal(err) != WrongType {
		t.Fatalf("video: %v", err)
	}
}

func TestDeclineAndActAreJudgedByWorkflow(t *testing.T) {
	f := newFixture(t, domain.TypeEmailAdvice, domain.StatusAwaitingIntake, domain.StatusAnswered)
	if err := f.svc.Decline(context.Background(), f.row, domain.DeclineOther); refusal(err) != NotNow {
		t.Fatalf("decline after answer: %v", err)
	}
	if err := f.svc.Decline(context.Background(), f.row, "because"); err == nil || refusal(err) != 0 {
		t.Fatalf("unknown reason: %v", err)
	}
	appt := newFixture(t, domain.TypeVideo, domain.StatusScheduled, domain.StatusWaiting)
	_, err := appt.svc.Act(context.Background(), appt.row, workflows.UpdateRequestCancellation, nil)
	var r *Refusal
	if !errors.As(err, &r) || r.Reason != NotNow || r.Detail != "requesting a cancellation is not possible while the consultation is waiting" {
		t.Fatalf("cancellation while waiting: %v", err)
	}
	if _, err := f.svc.Act(context.Background(), f.row, workflows.UpdateRequestCancellation, nil); refusal(err) != WrongType {
		t.Fatalf("email advice: %v", err)
	}
}

// One prescription rule, applied to the live status.
func TestIssuePrescriptionUsesTheOneRule(t *testing.T) {
	rx := prescribing.Rx{Medication: "Hydrocortisone cream", Strength: "1%", Dosage: "twice daily", DurationDays: 14}
	lag := newFixture(t, domain.TypeVideo, domain.StatusWaiting, domain.StatusInSession)
	if _, err := lag.svc.IssuePrescription(context.Background(), lag.row, rx, true); err != nil {
		t.Fatalf("in session (row lagging at waiting): %v", err)
	}
	if len(lag.store.prescriptions) != 1 || lag.wf.count("DeliverPrescription") != 1 {
		t.Fatalf("stored %d, delivered %d", len(lag.store.prescriptions), lag.wf.count("DeliverPrescription"))
	}
	inPerson := newFixture(t, domain.TypeInPerson, domain.StatusScheduled, domain.StatusScheduled)
	if _, err := inPerson.svc.IssuePrescription(context.Background(), inPerson.row, rx, false); refusal(err) != NotNow {
		t.Fatalf("in person before the visit: %v", err)
	}
	done := newFixture(t, domain.TypeInPerson, domain.StatusCompleted, domain.StatusCompleted)
	done.wf.fail["State"] = errUnavailable // a final row needs no query
	if _, err := done.svc.IssuePrescription(context.Background(), done.row, rx, false); err != nil {
		t.Fatalf("in person completed: %v", err)
	}
	advice := newFixture(t, domain.TypeEmailAdvice, domain.StatusCompleted, domain.StatusCompleted)
	if _, err := advice.svc.IssuePrescription(context.Background(), advice.row, rx, false); refusal(err) != NeverForType {
		t.Fatalf("email advice: %v", err)
	}
}

// The workflow takes photos (after payment until the doctor answers), not
// the lagging row; a refused photo is removed again.
func TestAddPhotoJudgedByWorkflow(t *testing.T) {
	photo := media.Photo{ContentType: "image/png", Data: []byte{1, 2, 3}, Width: 1, Height: 1}
	f := newFixture(t, domain.TypeEmailAdvice, domain.StatusAwaitingPayment, domain.StatusAwaitingAdvice)
	for i := 0; i < MaxPhotos; i++ {
		if _, err := f.svc.AddPhoto(context.Background(), f.row, photo); err != nil {
			t.Fatalf("photo %d: %v", i+1, err)
		}
	}
	if _, err := f.svc.AddPhoto(context.Background(), f.row, photo); refusal(err) != TooMany {
		t.Fatalf("photo over the limit: %v", err)
	}
	gone := newFixture(t, domain.TypeEmailAdvice, domain.StatusAwaitingIntake, domain.StatusAnswered)
	if _, err := gone.svc.AddPhoto(context.Background(), gone.row, photo); refusal(err) != NotNow {
		t.Fatalf("answered: %v", err)
	}
	if gone.store.photos[gone.row.ID] != 0 {
		t.Fatal("a refused photo was kept")
	}
	unsure := newFixture(t, domain.TypeEmailAdvice, domain.StatusAwaitingIntake, domain.StatusAwaitingIntake)
	unsure.wf.fail[workflows.UpdateAddPhoto] = ErrUnavailable
	if _, err := unsure.svc.AddPhoto(context.Background(), unsure.row, photo); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("no answer: %v", err)
	}
	if unsure.store.photos[unsure.row.ID] != 0 {
		t.Fatal("a photo of unknown fate was kept")
	}
}

// The video room follows the workflow's live status, not the lagging row.
func TestVideoRoomJudgedByWorkflow(t *testing.T) {
	ctx := context.Background()
	lag := newFixture(t, domain.TypeVideo, domain.StatusScheduled, domain.StatusWaiting)
	if r, err := lag.svc.VideoRoom(ctx, lag.row, domain.ParticipantPatient); err != nil || !r.Open || r.Admitted || r.Ended {
		t.Fatalf("waiting (row lagging at scheduled): %+v, %v", r, err)
	}
	early := newFixture(t, domain.TypeVideo, domain.StatusWaiting, domain.StatusScheduled)
	if r, err := early.svc.VideoRoom(ctx, early.row, domain.ParticipantDoctor); err != nil || r.Open || r.Ended {
		t.Fatalf("scheduled (row ahead at waiting): %+v, %v", r, err)
	}
	running := newFixture(t, domain.TypeVideo, domain.StatusWaiting, domain.StatusInSession)
	if r, err := running.svc.VideoRoom(ctx, running.row, domain.ParticipantDoctor); err != nil || !r.Open || !r.Admitted {
		t.Fatalf("in session: %+v, %v", r, err)
	}
	gone := newFixture(t, domain.TypeVideo, domain.StatusInSession, domain.StatusInSession)
	gone.wf.fail["State"] = ErrRejected
	if r, err := gone.svc.VideoRoom(ctx, gone.row, domain.ParticipantPatient); err != nil || r.Open || !r.Ended {
		t.Fatalf("workflow gone: %+v, %v", r, err)
	}
	done := newFixture(t, domain.TypeVideo, domain.StatusCompleted, domain.StatusCompleted)
	done.wf.fail["State"] = errUnavailable // a final row needs no query
	if r, err := done.svc.VideoRoom(ctx, done.row, domain.ParticipantPatient); err != nil || r.Open || !r.Ended {
		t.Fatalf("completed: %+v, %v", r, err)
	}
	down := newFixture(t, domain.TypeVideo, domain.StatusWaiting, domain.StatusWaiting)
	down.wf.fail["State"] = errUnavailable
	if _, err := down.svc.VideoRoom(ctx, down.row, domain.ParticipantPatient); err == nil {
		t.Fatal("a workflow that does not answer gave an answer")
	}
}
