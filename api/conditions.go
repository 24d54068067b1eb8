package api

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"derma2go/conditions"
	"derma2go/db"
	"derma2go/search"
)

// commentPerUser limits new condition comments: 5 per hour per account.
var commentPerUser = limitPolicy{every: 12 * time.Minute, burst: 5}

// Review states of a condition text. A slug without a condition_reviews row
// is the embedded demo content, never reviewed: it shows as reviewDraft.
const (
	reviewDraft     = "draft"
	reviewInReview  = "in_review"
	reviewPublished = "published"
)

// Moderation states of a comment.
const (
	commentPending  = "pending"
	commentApproved = "approved"
	commentRejected = "rejected"
)

const (
	maxConditionQuery  = 200 // characters of ?q=
	maxPageComments    = 100 // approved comments shown on a condition page
	maxModerationItems = 200
)

// ContentReviewView tells whether a dermatologist reviewed a condition text. Only
// published content names a reviewer and a date; everything else carries
// the demo-content label and is never presented as reviewed.
type ContentReviewView struct {
	State        string     `json:"state"`
	Reviewed     bool       `json:"reviewed"`
	ReviewerName string     `json:"reviewer_name,omitempty"`
	ReviewedAt   *time.Time `json:"reviewed_at,omitempty"`
	Label        string     `json:"label"`
}

// ConditionSummary is one condition in the A–Z list.
type ConditionSummary struct {
	Slug    string            `json:"slug"`
	Name    string            `json:"name"`
	Letter  string            `json:"letter"`
	Summary string            `json:"summary"`
	Review  ContentReviewView `json:"review"`
}

// ConditionView is a condition page in one language.
type ConditionView struct {
	Slug              string                 `json:"slug"`
	Lang              string                 `json:"lang"`
	Name              string                 `json:"name"`
	Letter            string                 `json:"letter"`
	Synonyms          []string               `json:"synonyms"`
	Summary           string                 `json:"summary"`
	WhatItIs          string                 `json:"what_it_is"`
	Symptoms          string                 `json:"symptoms"`
	Causes            string                 `json:"causes"`
	SelfCare          string                 `json:"self_care"`
	Treatment         string                 `json:"treatment"`
	WhenToSeeADoctor  string                 `json:"when_to_see_a_doctor"`
	ConsultationTypes []string               `json:"consultation_types"`
	Review            ContentReviewView      `json:"review"`
	Comments          []ConditionCommentView `json:"comments"`
}

// ConditionCommentView is an approved comment as the public sees it. Patients
// are never named (a comment on a condition page hints at a health problem):
// their comments show as anonymous. Doctors show their public display name,
// so that readers can tell professional remarks from personal experience.
type ConditionCommentView struct {
	ID         uuid.UUID `json:"id"`
	Body       string    `json:"body"`
	Author     string    `json:"author"`
	AuthorRole string    `json:"author_role"`
	CreatedAt  time.Time `json:"created_at"`
}

// CommentReceipt answers a new comment: it waits for moderation.
type CommentReceipt struct {
	ID        uuid.UUID `json:"id"`
	Slug      string    `json:"slug"`
	Body      string    `json:"body"`
	Status    string    `json:"status"`
	CreatedAt time.Time `json:"created_at"`
}

// ModerationComment is a comment as an admin sees it.
type ModerationComment struct {
	ID          uuid.UUID  `json:"id"`
	Slug        string     `json:"slug"`
	UserID      uuid.UUID  `json:"user_id"`
	AuthorRole  string     `json:"author_role,omitempty"`
	Body        string     `json:"body"`
	Status      string     `json:"status"`
	CreatedAt   time.Time  `json:"created_at"`
	ModeratedBy *uuid.UUID `json:"moderated_by"`
	ModeratedAt *time.Time `json:"moderated_at"`
}

// conditionParams are the query parameters of the A–Z list.
type conditionParams struct {
	lang, letter, q string
}

// langParam reads ?lang= (nl or en, default nl).
func langParam(c *gin.Context) (string, *FieldProblem) {
	switch v := c.Query("lang"); v {
	case "":
		return conditions.LangNL, nil
	case conditions.LangNL, conditions.LangEN:
		return v, nil
	default:
		return "", &FieldProblem{Field: "lang", Reason: "must be one of: nl, en"}
	}
}

func readConditionParams(c *gin.Context) (conditionParams, error) {
	var p conditionParams
	var fields []FieldProblem
	lang, fp := langParam(c)
	if fp != nil {
		fields = append(fields, *fp)
	}
	p.lang = lang
	if v, ok := c.GetQuery("letter"); ok {
		l := strings.ToUpper(v)
		if len(l) != 1 || !(l == "#" || l[0] >= 'A' && l[0] <= 'Z') {
			fields = append(fields, FieldProblem{Field: "letter", Reason: `must be one letter A–Z or "#"`})
		}
		p.letter = l
	}
	q := c.Query("q")
	if !utf8.ValidString(q) || utf8.RuneCountInString(q) > maxConditionQuery || len(q) > search.MaxTextLen {
		fields = append(fields, FieldProblem{Field: "q", Reason: fmt.Sprintf("must be valid text of at most %d characters", maxConditionQuery)})
	}
	p.q = strings.TrimSpace(q)
	if len(fields) > 0 {
		return conditionParams{}, newProblemFields(http.StatusBadRequest, fields)
	}
	return p, nil
}

// catalog is the condition catalog, or a 503 when the API was built without one.
func (s *Server) catalog() (*conditions.Catalog, error) {
	if s.Conditions == nil {
		return nil, errUnavailable("The condition catalog is not available.")
	}
	return s.Conditions, nil
}

// listConditions is the A–Z list in one language: a flat list of conditions
// ordered by letter and then name, each with its letter; letters lists every
// letter that has conditions in the language (for an A–Z bar), whatever the
// filter. With q the list is the typo-tolerant search result, best match
// first; letter and q combine.
func (s *Server) listConditions(c *gin.Context) {
	p, err := readConditionParams(c)
	if err != nil {
		fail(c, err)
		return
	}
	cat, err := s.catalog()
	if err != nil {
		fail(c, err)
		return
	}
	reviews, err := s.conditionReviews(c)
	if err != nil {
		fail(c, err)
		return
	}
	groups := cat.ByLetter(p.lang)
	letters := make([]string, 0, len(groups))
	for _, g := range groups {
		letters = append(letters, g.Letter)
	}

	var ordered []conditions.Condition
	if p.q == "" {
		for _, g := range groups {
			ordered = append(ordered, g.Conditions...)
		}
	} else {
		if s.Search == nil {
			fail(c, errUnavailable("Condition search is not available right now."))
			return
		}
		res, err := s.Search.SearchConditions(c, p.lang, p.q, search.MaxPerPage)
		var qerr *search.QueryError
		if errors.As(err, &qerr) {
			fail(c, newProblemFields(http.StatusBadRequest, []FieldProblem{{Field: "q", Reason: qerr.Reason}}))
			return
		} else if err != nil {
			fail(c, fmt.Errorf("search conditions: %w", err))
			return
		}
		seen := map[string]bool{}
		for _, h := range res.Hits {
			cond, ok := cat.Get(h.Slug)
			if !ok || seen[h.Slug] { // a stale index entry
				continue
			}
			seen[h.Slug] = true
			ordered = append(ordered, cond)
		}
	}

	items := make([]ConditionSummary, 0, len(ordered))
	for _, cond := range ordered {
		letter := cond.Letter(p.lang)
		if p.letter != "" && letter != p.letter {
			continue
		}
		text := cond.Text(p.lang)
		row, ok := reviews[cond.Slug]
		var rp *db.GetConditionReviewRow
		if ok {
			rp = &row
		}
		items = append(items, ConditionSummary{
			Slug: cond.Slug, Name: text.Name, Letter: letter, Summary: text.Summary, Review: reviewView(p.lang, rp),
		})
	}
	resp := gin.H{"lang": p.lang, "letters": letters, "items": items}
	if p.letter != "" {
		resp["letter"] = p.letter
	}
	if p.q != "" {
		resp["q"] = p.q
	}
	c.JSON(http.StatusOK, resp)
}

func (s *Server) conditionReviews(c *gin.Context) (map[string]db.GetConditionReviewRow, error) {
	rows, err := s.Store.ListConditionReviews(c)
	if err != nil {
		return nil, err
	}
	out := make(map[string]db.GetConditionReviewRow, len(rows))
	for _, r := range rows {
		out[r.Slug] = db.GetConditionReviewRow(r)
	}
	return out, nil
}

// conditionReview is the review row of slug, or nil when it has none.
func (s *Server) conditionReview(c *gin.Context, slug string) (*db.GetConditionReviewRow, error) {
	row, err := s.Store.GetConditionReview(c, slug)
	if err = db.Translate(err); errors.Is(err, db.ErrNotFound) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	return &row, nil
}

// condition finds the condition of the :slug path parameter.
func (s *Server) condition(c *gin.Context) (conditions.Condition, error) {
	cat, err := s.catalog()
	if err != nil {
		return conditions.Condition{}, err
	}
	cond, ok := cat.Get(c.Param("slug"))
	if !ok {
		return conditions.Condition{}, errNotFound("This condition")
	}
	return cond, nil
}

func (s *Server) getCondition(c *gin.Context) {
	lang, fp := langParam(c)
	if fp != nil {
		fail(c, newProblemFields(http.StatusBadRequest, []FieldProblem{*fp}))
		return
	}
	cond, err := s.condition(c)
	if err != nil {
		fail(c, err)
		return
	}
	review, err := s.conditionReview(c, cond.Slug)
	if err != nil {
		fail(c, err)
		return
	}
	rows, err := s.Store.ListApprovedConditionComments(c, db.ListApprovedConditionCommentsParams{
		Slug: cond.Slug, Limit: maxPageComments,
	})
	if err != nil {
		fail(c, err)
		return
	}
	comments := make([]ConditionCommentView, len(rows))
	for i, r := range rows {
		comments[i] = ConditionCommentView{
			ID: r.ID, Body: r.Body, Author: commentAuthor(lang, r.AuthorRole, r.DoctorName.String),
			AuthorRole: r.AuthorRole, CreatedAt: r.CreatedAt.UTC(),
		}
	}
	text := cond.Text(lang)
	view := ConditionView{
		Slug: cond.Slug, Lang: lang, Name: text.Name, Letter: cond.Letter(lang), Synonyms: text.Synonyms,
		Summary: text.Summary, WhatItIs: text.WhatItIs, Symptoms: text.Symptoms, Causes: text.Causes,
		SelfCare: text.SelfCare, Treatment: text.Treatment, WhenToSeeADoctor: text.WhenToSeeADoctor,
		ConsultationTypes: cond.Profile.ConsultationTypes, Review: reviewView(lang, review), Comments: comments,
	}
	if view.Synonyms == nil {
		view.Synonyms = []string{}
	}
	if view.ConsultationTypes == nil {
		view.ConsultationTypes = []string{}
	}
	c.JSON(http.StatusOK, view)
}

// commentAuthor is the name shown with an approved comment.
func commentAuthor(lang, role, doctorName string) string {
	switch {
	case role == RoleDoctor && doctorName != "":
		return doctorName
	case role == RoleAdmin:
		return "Derma2Go"
	case lang == conditions.LangEN:
		return "Anonymous"
	default:
		return "Anoniem"
	}
}

// reviewView renders a review row (nil: never reviewed) in lang.
func reviewView(lang string, r *db.GetConditionReviewRow) ContentReviewView {
	v := ContentReviewView{State: reviewDraft}
	if r != nil {
		v.State = r.State
	}
	if r != nil && r.State == reviewPublished && r.ReviewerName.Valid && r.ReviewedAt != nil {
		at := r.ReviewedAt.UTC()
		v.Reviewed, v.ReviewerName, v.ReviewedAt = true, r.ReviewerName.String, &at
		v.Label = reviewedLabel(lang, v.ReviewerName, at)
		return v
	}
	if v.State == reviewPublished { // unreachable by the table's check; never claim a review
		v.State = reviewInReview
	}
	if lang == conditions.LangEN {
		v.Label = "Demo content — not yet reviewed by a dermatologist"
	} else {
		v.Label = "Demotekst — nog niet gecontroleerd door een dermatoloog"
	}
	return v
}

var dutchMonths = [...]string{"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
	"september", "oktober", "november", "december"}

// amsterdam is the zone review dates are shown in and access views count days in.
var amsterdam = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		return time.UTC
	}
	return loc
}()

func reviewedLabel(lang, name string, at time.Time) string {
	d := at.In(amsterdam)
	if lang == conditions.LangEN {
		return fmt.Sprintf("Medically reviewed by %s (dermatologist) on %d %s %d", name, d.Day(), d.Month(), d.Year())
	}
	return fmt.Sprintf("Medisch gecontroleerd door %s (dermatoloog) op %d %s %d", name, d.Day(), dutchMonths[d.Month()-1], d.Year())
}

type commentRequest struct {
	Body string `json:"body" validate:"required,min=1,max=2000"`
}

// createConditionComment stores a comment of a logged-in user as pending; it
// is shown on the condition page once an admin approves it.
func (s *Server) createConditionComment(c *gin.Context) {
	cond, err := s.condition(c)
	if err != nil {
		fail(c, err)
		return
	}
	var req commentRequest
	if err := decodeJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	req.Body = strings.TrimSpace(req.Body)
	if err := validateStruct(&req); err != nil {
		fail(c, err)
		return
	}
	p := currentPrincipal(c)
	if !s.rateLimited(c, commentPerUser, "comment:"+p.UserID.String()) {
		return
	}
	row, err := s.Store.CreateConditionComment(c, db.CreateConditionCommentParams{
		ID: uuid.New(), Slug: cond.Slug, UserID: p.UserID, Body: req.Body, CreatedAt: s.Now().UTC(),
	})
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, CommentReceipt{
		ID: row.ID, Slug: row.Slug, Body: row.Body, Status: row.Status, CreatedAt: row.CreatedAt.UTC(),
	})
}

func (s *Server) listModerationComments(c *gin.Context) {
	status := c.DefaultQuery("status", commentPending)
	switch status {
	case commentPending, commentApproved, commentRejected:
	default:
		fail(c, newProblemFields(http.StatusBadRequest, []FieldProblem{{Field: "status", Reason: "must be one of: pending, approved, rejected"}}))
		return
	}
	rows, err := s.Store.ListConditionCommentsByStatus(c, db.ListConditionCommentsByStatusParams{
		Status: status, MaxRows: maxModerationItems,
	})
	if err != nil {
		fail(c, err)
		return
	}
	items := make([]ModerationComment, len(rows))
	for i, r := range rows {
		items[i] = moderationView(db.ConditionComment{
			ID: r.ID, Slug: r.Slug, UserID: r.UserID, Body: r.Body, Status: r.Status, CreatedAt: r.CreatedAt,
			ModeratedBy: r.ModeratedBy, ModeratedAt: r.ModeratedAt,
		})
		items[i].AuthorRole = r.AuthorRole
	}
	c.JSON(http.StatusOK, gin.H{"status": status, "items": items})
}

// moderateComment approves or rejects a comment. A decision can be changed:
// rejecting an approved comment takes it off the condition page.
func (s *Server) moderateComment(status string) gin.HandlerFunc {
	return func(c *gin.Context) {
		id, err := uuid.Parse(c.Param("id"))
		if err != nil {
			fail(c, errNotFound("This comment"))
			return
		}
		now := s.Now().UTC()
		row, err := s.Store.ModerateConditionComment(c, db.ModerateConditionCommentParams{
			ID: id, Status: status, ModeratedBy: uuid.NullUUID{UUID: currentPrincipal(c).UserID, Valid: true}, ModeratedAt: &now,
		})
		if err = db.Translate(err); errors.Is(err, db.ErrNotFound) {
			fail(c, errNotFound("This comment"))
			return
		} else if err != nil {
			fail(c, err)
			return
		}
		c.JSON(http.StatusOK, moderationView(row))
	}
}

func moderationView(r db.ConditionComment) ModerationComment {
	v := ModerationComment{ID: r.ID, Slug: r.Slug, UserID: r.UserID, Body: r.Body, Status: r.Status, CreatedAt: r.CreatedAt.UTC()}
	if r.ModeratedBy.Valid {
		by := r.ModeratedBy.UUID
		v.ModeratedBy = &by
	}
	if r.ModeratedAt != nil {
		at := r.ModeratedAt.UTC()
		v.ModeratedAt = &at
	}
	return v
}

type doctorReviewRequest struct {
	State string `json:"state" validate:"required,oneof=in_review published"`
}

type adminReviewRequest struct {
	State string `json:"state" validate:"required,oneof=draft"`
}

// doctorReviewCondition lets a dermatologist put a text in review or publish
// it; publishing names that doctor as the reviewer, with today's date.
func (s *Server) doctorReviewCondition(c *gin.Context) {
	var req doctorReviewRequest
	s.setConditionReview(c, &req, func() string { return req.State })
}

// adminResetConditionReview sets a text back to draft (not reviewed).
func (s *Server) adminResetConditionReview(c *gin.Context) {
	var req adminReviewRequest
	s.setConditionReview(c, &req, func() string { return req.State })
}

func (s *Server) setConditionReview(c *gin.Context, req any, state func() string) {
	cond, err := s.condition(c)
	if err != nil {
		fail(c, err)
		return
	}
	if err := decodeJSON(c, req); err != nil {
		fail(c, err)
		return
	}
	p := currentPrincipal(c)
	now := s.Now().UTC()
	params := db.SetConditionReviewParams{Slug: cond.Slug, State: state(), Now: now}
	if params.State == reviewPublished {
		params.ReviewerID = uuid.NullUUID{UUID: p.UserID, Valid: true}
		params.ReviewedAt = &now
	}
	var row *db.GetConditionReviewRow
	err = s.Store.Tx(c, func(q *db.Queries) error {
		if err := q.SetConditionReview(c, params); err != nil {
			return err
		}
		r, err := q.GetConditionReview(c, cond.Slug)
		row = &r
		return err
	})
	if errors.Is(err, db.ErrInvalid) { // a doctor account without a doctor profile
		fail(c, errForbidden("Only a doctor with a profile can review condition texts."))
		return
	} else if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"slug": cond.Slug, "review": reviewView(p.Language, row)})
}
