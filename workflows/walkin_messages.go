package workflows

import "time"

// WalkInJoin is the argument of UpdateWalkInJoin.
type WalkInJoin struct {
	ConsultationID string
	// PaidAt is when the consultation's workflow confirmed the payment with
	// Mollie: the queue is ordered by it.
	PaidAt time.Time
}

// WalkInPlace says where a consultation is in its queue.
type WalkInPlace string

// Places in the queue.
const (
	PlaceWaiting   WalkInPlace = "waiting"
	PlaceCalled    WalkInPlace = "called"
	PlaceInSession WalkInPlace = "in_session"
	// PlaceGone: not (any more) in the queue.
	PlaceGone WalkInPlace = "gone"
)

// WalkInPosition is one consultation's place in the queue.
type WalkInPosition struct {
	ConsultationID string
	Place          WalkInPlace
	// Position is 1 for the next patient to be called; 0 unless waiting.
	Position int `json:",omitempty"`
	// ETA is when the patient is expected to be called (WalkInETA);
	// nil unless waiting.
	ETA *time.Time `json:",omitempty"`
	// AnswerBy is when a called patient's answer window ends.
	AnswerBy *time.Time `json:",omitempty"`
	// Skips counts the calls the patient did not answer (at most one
	// before removal).
	Skips int `json:",omitempty"`
}

// WalkInCallResult is the result of UpdateWalkInCallNext.
type WalkInCallResult struct {
	ConsultationID string
	AnswerBy       time.Time
}

// WalkInAnswer is the argument of UpdateWalkInAnswer.
type WalkInAnswer struct {
	ConsultationID string
}

// WalkInDone is the payload of SignalWalkInDone.
type WalkInDone struct {
	ConsultationID string
	// SessionSeconds is the length of the session held; 0 when none was.
	SessionSeconds int64
}

// WalkInNoticeKind is what a WalkInNotice tells a consultation.
type WalkInNoticeKind string

// Notice kinds.
const (
	// NoticeCalled: the doctor calls the patient, who answers by AnswerBy.
	NoticeCalled WalkInNoticeKind = "called"
	// NoticeAnswered: the patient answered; the session starts.
	NoticeAnswered WalkInNoticeKind = "answered"
	// NoticeRequeued: called without answer the first time; back in the
	// queue, at its end.
	NoticeRequeued WalkInNoticeKind = "requeued"
	// NoticeRemoved: out of the queue (Reason ReasonWalkInAbsent or
	// ReasonWalkInClosed); the consultation refunds in full.
	NoticeRemoved WalkInNoticeKind = "removed"
)

// WalkInNotice is the payload of SignalWalkInNotice.
type WalkInNotice struct {
	Kind     WalkInNoticeKind
	AnswerBy *time.Time `json:",omitempty"`
	Reason   string     `json:",omitempty"`
}

// WalkInQueueState is the live state of a queue (QueryWalkInQueue, the
// result of UpdateWalkInAnswer, pause, resume and close).
type WalkInQueueState struct {
	DoctorID string
	Opens    time.Time
	Closes   time.Time
	// Closed: the session is over (closing time, or ClosedEarly by the
	// doctor); nobody joins any more.
	Closed      bool
	ClosedEarly bool `json:",omitempty"`
	Paused      bool
	// Waiting is the queue in order (Position 1 first).
	Waiting   []WalkInPosition
	Called    *WalkInPosition `json:",omitempty"`
	InSession *WalkInPosition `json:",omitempty"`
	// AverageSession is the length WalkInETA works with: the measured
	// average of MeasuredSessions sessions, or the estimate while none is
	// measured.
	AverageSession   time.Duration
	MeasuredSessions int
	// NewPatientETA is when a patient joining now would be called.
	NewPatientETA time.Time
	// Events counts the messages and timers handled by this run; Runs the
	// runs before it (continue-as-new).
	Events int
	Runs   int
}

// Position returns the place of consultation id.
func (s WalkInQueueState) Position(id string) WalkInPosition {
	for _, p := range s.Waiting {
		if p.ConsultationID == id {
			return p
		}
	}
	if s.Called != nil && s.Called.ConsultationID == id {
		return *s.Called
	}
	if s.InSession != nil && s.InSession.ConsultationID == id {
		return *s.InSession
	}
	return WalkInPosition{ConsultationID: id, Place: PlaceGone}
}

// JoinWalkInQueueInput is the input of ActivityJoinWalkInQueue.
type JoinWalkInQueueInput struct {
	ConsultationID string
	DoctorID       string
	Opens, Closes  time.Time
	PaidAt         time.Time
	// AnswerWindow is passed to a queue the activity starts.
	AnswerWindow time.Duration
}

// JoinWalkInQueueResult is the output of ActivityJoinWalkInQueue.
type JoinWalkInQueueResult struct {
	// Joined is false when the session is closed (or closes before the
	// patient could be seen): the consultation refunds in full.
	Joined   bool
	Position WalkInPosition
}

// RecordWalkInSessionInput is the input of ActivityRecordWalkInSession.
type RecordWalkInSessionInput struct {
	ConsultationID string
	DoctorID       string
	Seconds        int64
}

// Walk-in activities.
const (
	// ActivityJoinWalkInQueue puts a paid walk-in patient in the queue of
	// their session: JoinWalkInQueueInput → JoinWalkInQueueResult. It
	// sends UpdateWalkInJoin with update-with-start (update id
	// "join/<consultation>"), so the first patient starts the queue, with
	// the doctor's measured session lengths and walk-in slot length read
	// from Postgres; a queue that has ended is not started again (the
	// session is over: Joined false), nor is one past its closing time.
	// A retry returns the place the patient has.
	ActivityJoinWalkInQueue = "JoinWalkInQueue"
	// ActivityRecordWalkInSession adds a held session's length to the
	// doctor's running average (walkin_stats): RecordWalkInSessionInput →
	// nothing. Once per consultation, whatever retries happen.
	ActivityRecordWalkInSession = "RecordWalkInSession"
)

// ActivityPublishWalkInQueue pushes the queue's positions and ETAs to the
// waiting patients' live streams: PublishWalkInQueueInput → nothing. A
// repeat publishes the same positions again, which a client takes as it
// takes the first.
const ActivityPublishWalkInQueue = "PublishWalkInQueue"

// PublishWalkInQueueInput is the input of ActivityPublishWalkInQueue.
type PublishWalkInQueueInput struct {
	DoctorID string
	Waiting  []WalkInLivePosition
}

// WalkInLivePosition is one waiting patient's place as pushed live.
type WalkInLivePosition struct {
	ConsultationID string
	Position       int
	// ETAMinutes is the estimated wait from now, rounded up.
	ETAMinutes int
}
