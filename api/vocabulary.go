package api

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/go-playground/validator/v10"

	"derma2go/care"
	"derma2go/domain"
)

// vocabularyTags are validate tags whose allowed values come from package
// domain, so a request's oneof list cannot drift from the vocabulary.
var vocabularyTags = map[string][]string{
	"consultation_type":     stringsOf(domain.ConsultationTypes()),
	"slot_type":             stringsOf(domain.SlotTypes()),
	"form_kind":             stringsOf(domain.FormKinds()),
	"language":              stringsOf(domain.Languages()),
	"decline_reason":        stringsOf(domain.DeclineReasons()),
	"patient_cancel_reason": domain.PatientCancelReasons(),
	"contact_subject":       stringsOf(domain.ContactSubjects()),
	"contact_status":        stringsOf(domain.ContactStatuses()),
}

func registerVocabulary(v *validator.Validate) {
	for tag, allowed := range vocabularyTags {
		if err := v.RegisterValidation(tag, func(fl validator.FieldLevel) bool {
			return oneOf(fl.Field().String(), allowed...)
		}); err != nil {
			panic("api: register " + tag + ": " + err.Error())
		}
	}
}

// vocabularyReason explains a failed vocabulary tag, or "" for other tags.
func vocabularyReason(tag string) string {
	if allowed, ok := vocabularyTags[tag]; ok {
		return fmt.Sprintf("must be one of: %s", strings.Join(allowed, ", "))
	}
	return ""
}

func stringsOf[T ~string](list []T) []string {
	out := make([]string, len(list))
	for i, v := range list {
		out[i] = string(v)
	}
	return out
}

// failCare answers a use case's error: a refusal is a 409 problem (422 for
// what the consultation type never allows); anything else goes to fail.
func failCare(c *gin.Context, err error) {
	if errors.Is(err, care.ErrUnavailable) {
		logger(c).WarnContext(c, "consultation workflow does not answer", "err", err)
		c.Header("Retry-After", "5")
		fail(c, errUnavailable("The consultation cannot be checked right now; try again in a moment."))
		return
	}
	var r *care.Refusal
	if !errors.As(err, &r) {
		fail(c, err)
		return
	}
	if r.Reason == care.NeverForType {
		fail(c, newProblem(http.StatusUnprocessableEntity, "not-for-this-type", "Not for this type of consultation", r.Detail))
		return
	}
	fail(c, errConflict(r.Detail))
}
