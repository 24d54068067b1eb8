package api

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"derma2go/db"
	"derma2go/domain"
	"derma2go/web"
)

// widgetSettingsRequest is the websites that may embed a doctor's widgets.
type widgetSettingsRequest struct {
	Origins *[]string `json:"origins"`
}

// WidgetSettingsView is what a doctor's widgets are allowed: the origins
// (scheme://host[:port]) whose pages may frame them.
type WidgetSettingsView struct {
	Origins []string `json:"origins"`
}

// originReasons are the localised texts of the domain's origin refusals.
var originReasons = map[string]fieldText{
	domain.OriginNotURL:      {"", "is not a web address of the form https://www.yourpractice.com"},
	domain.OriginNotHTTPS:    {"", "must start with https://"},
	domain.OriginHasPath:     {"", "must be the site's address only, without a path, question mark or #"},
	domain.OriginBadHost:     {"", "has no valid domain name (international names as xn--…)"},
	domain.OriginBadPort:     {"", "has an invalid port number"},
	domain.OriginDuplicate:   {"", "is already in the list"},
	domain.OriginCredentials: {"", "must not contain a user name or password"},
	domain.OriginTooMany:     {"", fmt.Sprintf("is one too many: at most %d websites", domain.MaxWidgetOrigins)},
}

var textInvalidOrigin = problemText{"Invalid origin",
	"One of the websites for the widgets is not right: %s %s."}

// loopbackOrigins: plain-http loopback origins are allowed while the
// platform itself is not served over https (development and tests).
func (s *Server) loopbackOrigins() bool { return !strings.HasPrefix(s.PublicURL, "https://") }

// doctorWidgets returns the origins that may embed the doctor's widgets.
func (s *Server) doctorWidgets(c *gin.Context) {
	origins, err := s.Store.WidgetOrigins(c, currentPrincipal(c).UserID)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, WidgetSettingsView{Origins: origins})
}

// putDoctorWidgets replaces the origins that may embed the doctor's
// widgets; each is checked and normalised (domain.NormalizeWidgetOrigins),
// and a refusal names the origin in the caller's language (400).
func (s *Server) putDoctorWidgets(c *gin.Context) {
	var req widgetSettingsRequest
	if err := decodeJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	lang := requestLanguage(c, "")
	if req.Origins == nil {
		fail(c, errValidation(FieldProblem{Field: "origins", Reason: "is required"}))
		return
	}
	origins, err := domain.NormalizeWidgetOrigins(*req.Origins, s.loopbackOrigins())
	var oe *domain.OriginError
	if errors.As(err, &oe) {
		fail(c, originProblem(c, lang, *req.Origins, oe))
		return
	}
	if err != nil {
		fail(c, err)
		return
	}
	if err := s.Store.PutWidgetOrigins(c, db.PutWidgetOriginsParams{
		DoctorID: currentPrincipal(c).UserID, Origins: origins, Now: s.Now(),
	}); err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, WidgetSettingsView{Origins: origins})
}

func originProblem(c *gin.Context, lang string, given []string, oe *domain.OriginError) error {
	text := translate(lang, originReasons[oe.Reason].reason)
	shown := ""
	if oe.Index < len(given) {
		shown = fmt.Sprintf("%q", truncate(given[oe.Index], 80))
	}
	p := walkInProblem(c, lang, http.StatusBadRequest, "invalid-origin", textInvalidOrigin, shown, text).(*problemError)
	p.fields = []FieldProblem{{Field: fmt.Sprintf("origins[%d]", oe.Index), Reason: text}}
	return p
}

// widgetPage serves a doctor's booking or walk-in widget: the web client's
// page, framable only by the origins the doctor allowed (frame-ancestors;
// none for an unknown doctor or an empty list).
func (s *Server) widgetPage(c *gin.Context) {
	var origins []string
	if id, err := uuid.Parse(c.Param("doctorId")); err == nil {
		list, err := s.Store.WidgetOrigins(c, id)
		if err != nil {
			fail(c, err)
			return
		}
		origins = list
	}
	web.ServeWidget(c.Writer, c.Request, origins)
}
