package api

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"

	"derma2go/accounts"
	"derma2go/db"
)

// The NEN 7513 views of the audit log: a patient sees every access to their
// own data; a treating doctor and an admin see the same view of one patient;
// an admin searches the whole log (and that search is itself logged, naming
// every patient it showed).

// Limits of the access views.
const (
	maxAccessLines  = 500
	maxAuditResults = 200
)

// platformOrganisation is the organisation of admins and of the system.
const platformOrganisation = "Derma2Go"

var (
	textAccessBadDate = problemText{"Invalid period",
		"Give the period as dates (YYYY-MM-DD)."}

	textAccessBadPeriod = problemText{"Invalid period",
		"The start date is after the end date."}

	textAuditBadFilter = problemText{"Invalid filter",
		"Search by an id or email address, a known kind of data and a NEN 7513 action."}

	textAuditBadOffset = problemText{"Invalid page",
		"The position in the list must be a number of 0 or more."}
)

// AccessActor is who accessed the data: the person, their role and their
// organisation (a doctor's practice, or the platform for admins and the
// system). ID and Name are null for guests and anonymous callers.
type AccessActor struct {
	ID           *string `json:"id"`
	Role         string  `json:"role"`
	Name         *string `json:"name"`
	Organisation string  `json:"organisation"`
}

// AccessLine is one line of a patient's access view: the identical accesses
// of one day (Netherlands time) merged, with how often and when.
type AccessLine struct {
	Day        string       `json:"day"`
	At         time.Time    `json:"at"`
	FirstAt    time.Time    `json:"first_at"`
	Count      int          `json:"count"`
	Actor      AccessActor  `json:"actor"`
	OnBehalfOf *AccessActor `json:"on_behalf_of"`
	ObjectType string       `json:"object_type"`
	ObjectID   string       `json:"object_id"`
	Action     string       `json:"action"`
	Outcome    int          `json:"outcome"`
	ClientIP   string       `json:"client_ip"`
}

// AuditRecord is one row of the admin's search over the audit log.
type AuditRecord struct {
	ID         int64        `json:"id"`
	At         time.Time    `json:"at"`
	Actor      AccessActor  `json:"actor"`
	OnBehalfOf *AccessActor `json:"on_behalf_of"`
	PatientID  *string      `json:"patient_id"`
	ObjectType string       `json:"object_type"`
	ObjectID   string       `json:"object_id"`
	Action     string       `json:"action"`
	Outcome    int          `json:"outcome"`
	Route      string       `json:"route"`
	ClientIP   string       `json:"client_ip"`
}

// accessLog is the caller's own access view (NEN 7513 inspection right).
func (s *Server) accessLog(c *gin.Context) {
	p := currentPrincipal(c)
	auditSubject(c, p.UserID, p.UserID.String())
	s.writeAccessView(c, p.UserID)
}

// patientAccessLog is the access view of the path's patient, for a doctor
// who treats them or an admin.
func (s *Server) patientAccessLog(c *gin.Context) {
	s.writeAccessView(c, recordPatientOf(c))
}

func (s *Server) writeAccessView(c *gin.Context, patientID uuid.UUID) {
	from, to, err := accessPeriod(c)
	if err != nil {
		fail(c, err)
		return
	}
	rows, err := s.Store.ListAccessLines(c, db.ListAccessLinesParams{
		PatientID: uuid.NullUUID{UUID: patientID, Valid: true}, FromAt: from, ToAt: to, MaxLines: maxAccessLines,
	})
	if err != nil {
		fail(c, err)
		return
	}
	ids := make([]uuid.NullUUID, 0, 2*len(rows))
	for _, r := range rows {
		ids = append(ids, r.ActorID, r.OnBehalfOf)
	}
	actors, err := s.accessActors(c, ids)
	if err != nil {
		fail(c, err)
		return
	}
	out := make([]AccessLine, 0, len(rows))
	for _, r := range rows {
		out = append(out, AccessLine{
			Day: dayString(r.Day), At: r.LastAt.UTC(), FirstAt: r.FirstAt.UTC(), Count: int(r.Times),
			Actor: actors.of(r.ActorID, r.ActorRole), OnBehalfOf: actors.onBehalfOf(r.OnBehalfOf),
			ObjectType: r.ObjectType, ObjectID: r.ObjectID, Action: r.Action, Outcome: int(r.Outcome), ClientIP: r.ClientIp,
		})
	}
	c.JSON(http.StatusOK, gin.H{"items": out})
}

// searchAuditLog is the admin's search over everyone's audit rows. Each
// patient a page shows is named in this request's own audit rows, so the
// search appears in their access view.
func (s *Server) searchAuditLog(c *gin.Context) {
	from, to, err := accessPeriod(c)
	if err != nil {
		fail(c, err)
		return
	}
	lang := requestLanguage(c, "")
	params := db.SearchAuditEventsParams{FromAt: from, ToAt: to, MaxRows: maxAuditResults + 1}
	if params.ActorID, err = s.personFilter(c, c.Query("actor")); err != nil {
		fail(c, walkInProblem(c, lang, http.StatusBadRequest, "bad-request", textAuditBadFilter))
		return
	}
	if params.PatientID, err = s.personFilter(c, c.Query("patient")); err != nil {
		fail(c, walkInProblem(c, lang, http.StatusBadRequest, "bad-request", textAuditBadFilter))
		return
	}
	if v := c.Query("object_type"); v != "" {
		if !s.auditObjects[v] {
			fail(c, walkInProblem(c, lang, http.StatusBadRequest, "bad-request", textAuditBadFilter))
			return
		}
		params.ObjectType = pgtype.Text{String: v, Valid: true}
	}
	if v := c.Query("action"); v != "" {
		if !knownAuditAction(v) {
			fail(c, walkInProblem(c, lang, http.StatusBadRequest, "bad-request", textAuditBadFilter))
			return
		}
		params.Action = pgtype.Text{String: v, Valid: true}
	}
	if v := c.Query("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 1_000_000 {
			fail(c, walkInProblem(c, lang, http.StatusBadRequest, "bad-request", textAuditBadOffset))
			return
		}
		params.SkipRows = int32(n)
	}
	rows, err := s.Store.SearchAuditEvents(c, params)
	if err != nil {
		fail(c, err)
		return
	}
	more := len(rows) > maxAuditResults
	if more {
		rows = rows[:maxAuditResults]
	}
	ids := make([]uuid.NullUUID, 0, 2*len(rows))
	for _, r := range rows {
		ids = append(ids, r.ActorID, r.OnBehalfOf)
	}
	actors, err := s.accessActors(c, ids)
	if err != nil {
		fail(c, err)
		return
	}
	out := make([]AuditRecord, 0, len(rows))
	for _, r := range rows {
		rec := AuditRecord{ID: r.ID, At: r.OccurredAt.UTC(), Actor: actors.of(r.ActorID, r.ActorRole),
			OnBehalfOf: actors.onBehalfOf(r.OnBehalfOf), ObjectType: r.ObjectType, ObjectID: r.ObjectID,
			Action: r.Action, Outcome: int(r.Outcome), Route: r.Route, ClientIP: r.ClientIp}
		if r.PatientID.Valid {
			id := r.PatientID.UUID.String()
			rec.PatientID = &id
			auditListed(c, r.PatientID, strconv.FormatInt(r.ID, 10))
		}
		out = append(out, rec)
	}
	c.JSON(http.StatusOK, gin.H{"items": out, "more": more})
}

// personFilter turns a search filter (an id or an email address) into a
// user id; an unknown email matches nobody (the nil UUID).
func (s *Server) personFilter(c *gin.Context, v string) (uuid.NullUUID, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return uuid.NullUUID{}, nil
	}
	if id, err := uuid.Parse(v); err == nil {
		return uuid.NullUUID{UUID: id, Valid: true}, nil
	}
	if len(v) > 254 || !strings.Contains(v, "@") {
		return uuid.NullUUID{}, errBadRequest("not an id or email")
	}
	u, err := s.Store.GetUserByEmailHash(c, accounts.EmailLookup(s.Fields, v))
	if err != nil {
		if errors.Is(db.Translate(err), db.ErrNotFound) {
			return uuid.NullUUID{UUID: uuid.Nil, Valid: true}, nil
		}
		return uuid.NullUUID{}, err
	}
	return uuid.NullUUID{UUID: u.ID, Valid: true}, nil
}

// accessPeriod reads ?from= and ?to= (dates, both days included, in the
// Netherlands) as the half-open interval [from, to+1 day). Without from the
// view starts at the beginning of the log; without to it ends now.
func accessPeriod(c *gin.Context) (time.Time, time.Time, error) {
	lang := requestLanguage(c, "")
	from, to := time.Unix(0, 0).UTC(), time.Now().Add(time.Minute).UTC()
	if v := c.Query("from"); v != "" {
		d, err := time.ParseInLocation(time.DateOnly, v, amsterdam)
		if err != nil {
			return from, to, walkInProblem(c, lang, http.StatusBadRequest, "bad-request", textAccessBadDate)
		}
		from = d
	}
	if v := c.Query("to"); v != "" {
		d, err := time.ParseInLocation(time.DateOnly, v, amsterdam)
		if err != nil {
			return from, to, walkInProblem(c, lang, http.StatusBadRequest, "bad-request", textAccessBadDate)
		}
		to = d.AddDate(0, 0, 1)
	}
	if !from.Before(to) {
		return from, to, walkInProblem(c, lang, http.StatusBadRequest, "bad-request", textAccessBadPeriod)
	}
	return from, to, nil
}

func dayString(d pgtype.Date) string {
	if !d.Valid {
		return ""
	}
	return d.Time.Format(time.DateOnly)
}

// accessActorSet resolves the people of an access view once per request.
type accessActorSet map[uuid.UUID]AccessActor

func (s *Server) accessActors(c *gin.Context, ids []uuid.NullUUID) (accessActorSet, error) {
	seen := map[uuid.UUID]bool{}
	var list []uuid.UUID
	for _, id := range ids {
		if id.Valid && !seen[id.UUID] {
			seen[id.UUID] = true
			list = append(list, id.UUID)
		}
	}
	set := accessActorSet{}
	if len(list) == 0 {
		return set, nil
	}
	rows, err := s.Store.ListAccessActors(c, list)
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		name, err := s.Fields.DecryptString(db.FieldUserName, r.NameEnc)
		if err != nil {
			return nil, err
		}
		id := r.ID.String()
		a := AccessActor{ID: &id, Role: r.Role, Name: &name, Organisation: platformOrganisation}
		if r.DoctorName.Valid {
			name := r.DoctorName.String
			a.Name = &name
			a.Organisation = r.DoctorName.String + ", " + r.DoctorCity.String
		}
		set[r.ID] = a
	}
	return set, nil
}

// of is the actor of a row; a person no longer in the database keeps the
// id and role the row recorded.
func (set accessActorSet) of(id uuid.NullUUID, role string) AccessActor {
	if !id.Valid {
		return AccessActor{Role: role, Organisation: platformOrganisation}
	}
	a, ok := set[id.UUID]
	if !ok {
		s := id.UUID.String()
		return AccessActor{ID: &s, Role: role, Organisation: platformOrganisation}
	}
	a.Role = role
	return a
}

func (set accessActorSet) onBehalfOf(id uuid.NullUUID) *AccessActor {
	if !id.Valid {
		return nil
	}
	a := set.of(id, "")
	if known, ok := set[id.UUID]; ok {
		a.Role = known.Role
	}
	return &a
}

func knownAuditAction(v string) bool {
	switch v {
	case actionCreate, actionRead, actionUpdate, actionDelete, actionExport, actionSearch:
		return true
	}
	return false
}
