package api

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"derma2go/conditions"
	"derma2go/search"
)

// maxWizardDoctors is how many doctors a DermaWizard result suggests.
const maxWizardDoctors = 5

type wizardRequest struct {
	Lang    string              `json:"lang" validate:"omitempty,oneof=nl en"`
	Answers map[string][]string `json:"answers" validate:"max=64"`
}

// WizardView is one DermaWizard step: the next question, or the results.
// Urgent advice comes first: a fired red flag is in urgent and red_flags,
// and the conditions it names lead the results.
type WizardView struct {
	Lang     string                    `json:"lang"`
	Done     bool                      `json:"done"`
	Urgent   *conditions.UrgentAdvice  `json:"urgent,omitempty"`
	RedFlags []conditions.UrgentAdvice `json:"red_flags"`
	Question *conditions.StepQuestion  `json:"question,omitempty"`
	Results  []conditions.Match        `json:"results"`
	// Disclaimer is always present: the wizard gives no diagnosis.
	Disclaimer string              `json:"disclaimer"`
	Progress   conditions.Progress `json:"progress"`
	// DoctorsConsultationType is the consultation type the doctors are
	// suggested for: the first type of the first result.
	DoctorsConsultationType string `json:"doctors_consultation_type,omitempty"`
	// Doctors are up to 5 doctors offering that type, best rated first.
	Doctors []DoctorView `json:"doctors"`
}

// wizard answers one DermaWizard request. It is stateless: the client sends
// all answers so far and gets the next question or the ranked results.
func (s *Server) wizard(c *gin.Context) {
	var req wizardRequest
	if err := decodeJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	cat, err := s.catalog()
	if err != nil {
		fail(c, err)
		return
	}
	lang := requestLanguage(c, req.Lang)
	if req.Lang == "" {
		req.Lang = conditions.LangNL
	}
	if req.Answers == nil {
		req.Answers = map[string][]string{}
	}
	st, err := cat.Wizard().Step(req.Lang, req.Answers)
	var aerr *conditions.AnswerError
	if errors.As(err, &aerr) {
		reason := aerr.Reason
		if aerr.Answer != "" {
			reason = fmt.Sprintf("%s: %q", translate(lang, aerr.Reason), aerr.Answer)
		}
		p := errValidation(FieldProblem{Field: "answers." + aerr.Question, Reason: reason}).(*problemError)
		fail(c, p.inLanguage(lang))
		return
	} else if err != nil {
		fail(c, err)
		return
	}
	view := WizardView{
		Lang: st.Lang, Done: st.Done, Urgent: st.Urgent, RedFlags: st.RedFlags, Question: st.Question,
		Results: st.Results, Disclaimer: st.Disclaimer, Progress: st.Progress, Doctors: []DoctorView{},
	}
	if view.Results == nil {
		view.Results = []conditions.Match{}
	}
	if view.RedFlags == nil {
		view.RedFlags = []conditions.UrgentAdvice{}
	}
	if st.Done {
		view.DoctorsConsultationType, view.Doctors = s.wizardDoctors(c, cat, st)
	}
	c.JSON(http.StatusOK, view)
}

// wizardDoctors suggests doctors for the first consultation type of the top
// result. It suggests none when a fired red flag says no online consultation
// fits (see a GP or call 112 instead), and it never fails the step: without
// an index, or when the index or the database fails, the list is empty.
func (s *Server) wizardDoctors(c *gin.Context, cat *conditions.Catalog, st conditions.Step) (string, []DoctorView) {
	none := []DoctorView{}
	if len(st.Results) == 0 || len(st.Results[0].ConsultationTypes) == 0 {
		return "", none
	}
	if len(st.RedFlags) > 0 {
		fired := map[string]bool{}
		for _, u := range st.RedFlags {
			fired[u.Rule] = true
		}
		for _, r := range cat.Wizard().RedFlags() {
			if fired[r.ID] && len(r.ConsultationTypes) == 0 {
				return "", none
			}
		}
	}
	typ := st.Results[0].ConsultationTypes[0]
	if s.Search == nil {
		return typ, none
	}
	res, err := s.Search.SearchDoctors(c, search.DoctorQuery{Type: typ, Sort: search.SortRating, PerPage: maxWizardDoctors})
	if err != nil {
		logger(c).WarnContext(c, "wizard: doctor search failed", "err", err, "type", typ)
		return typ, none
	}
	ids := make([]uuid.UUID, 0, len(res.Hits))
	for _, h := range res.Hits {
		if id, err := uuid.Parse(h.ID); err == nil {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return typ, none
	}
	rows, err := s.Store.GetDoctors(c, ids)
	if err != nil {
		logger(c).WarnContext(c, "wizard: doctors", "err", err)
		return typ, none
	}
	views, err := s.doctorViews(c, rows)
	if err != nil {
		logger(c).WarnContext(c, "wizard: doctor fees", "err", err)
		return typ, none
	}
	byID := make(map[uuid.UUID]DoctorView, len(views))
	for _, v := range views {
		byID[v.ID] = v
	}
	out := make([]DoctorView, 0, len(ids))
	for _, id := range ids { // the index's order: best rated first
		if v, ok := byID[id]; ok && len(out) < maxWizardDoctors {
			out = append(out, v)
		}
	}
	return typ, out
}
