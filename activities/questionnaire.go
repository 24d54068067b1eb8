package activities

import (
	"context"
	"errors"
	"fmt"

	"derma2go/db"
	"derma2go/web"
)

// questionnaireLink is the invitation's link to the doctor's questionnaire
// of the consultation's type; empty if the doctor offers none.
func (a *Activities) questionnaireLink(ctx context.Context, c db.Consultation, links web.Links, access string) (string, error) {
	_, err := a.Store.CurrentQuestionnaire(ctx, db.CurrentQuestionnaireParams{DoctorID: c.DoctorID, ConsultationType: c.ConsultationType})
	switch {
	case errors.Is(db.Translate(err), db.ErrNotFound):
		return "", nil
	case err != nil:
		return "", fmt.Errorf("send email: questionnaire: %w", err)
	}
	return links.Questionnaire(c.ID.String(), access), nil
}
