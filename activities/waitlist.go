package activities

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"
	"go.temporal.io/sdk/temporal"

	"derma2go/accounts"
	"derma2go/db"
	"derma2go/domain"
	"derma2go/live"
	"derma2go/mail"
	"derma2go/waitlist"
	"derma2go/web"
	"derma2go/workflows"
)

func slotRange(start, end time.Time) pgtype.Range[pgtype.Timestamptz] {
	return pgtype.Range[pgtype.Timestamptz]{
		Lower: pgtype.Timestamptz{Time: start.UTC(), Valid: true}, Upper: pgtype.Timestamptz{Time: end.UTC(), Valid: true},
		LowerType: pgtype.Inclusive, UpperType: pgtype.Exclusive, Valid: true,
	}
}

// HoldWaitlistSlot holds a freed slot for a chain run, once per run. A slot
// that is booked or held already is not held (Held false).
func (a *Activities) HoldWaitlistSlot(ctx context.Context, in workflows.HoldWaitlistSlotInput) (workflows.HoldWaitlistSlotResult, error) {
	doctorID, err := parseID(in.DoctorID)
	if err != nil {
		return workflows.HoldWaitlistSlotResult{}, err
	}
	if h, err := a.Store.GetWaitlistHoldByRun(ctx, in.RunID); err == nil {
		return workflows.HoldWaitlistSlotResult{HoldID: h.ID.String(), Held: true}, nil
	} else if !errors.Is(db.Translate(err), db.ErrNotFound) {
		return workflows.HoldWaitlistSlotResult{}, fmt.Errorf("hold waitlist slot: %w", err)
	}
	slot := slotRange(in.Start, in.End)
	var hold db.WaitlistHold
	err = a.Store.Tx(ctx, func(q *db.Queries) error {
		if err := q.ReleaseStaleWaitlistHolds(ctx, db.ReleaseStaleWaitlistHoldsParams{DoctorID: doctorID, Now: time.Now(), Slot: slot}); err != nil {
			return err
		}
		var err error
		hold, err = q.CreateWaitlistHold(ctx, db.CreateWaitlistHoldParams{
			ID: uuid.New(), WorkflowID: in.WorkflowID, RunID: in.RunID, DoctorID: doctorID,
			ConsultationType: string(in.Type), Slot: slot, HeldUntil: in.HeldUntil.UTC(),
		})
		return err
	})
	if errors.Is(db.Translate(err), db.ErrConflict) {
		return workflows.HoldWaitlistSlotResult{Held: false}, nil
	}
	if err != nil {
		return workflows.HoldWaitlistSlotResult{}, fmt.Errorf("hold waitlist slot: %w", err)
	}
	return workflows.HoldWaitlistSlotResult{HoldID: hold.ID.String(), Held: true}, nil
}

// OfferWaitlistSlot offers the held slot to the first matching entry, first
// come first served, that this hold has not been offered to and that has no
// other offer open. A retry finds the offer made already.
func (a *Activities) OfferWaitlistSlot(ctx context.Context, in workflows.OfferWaitlistSlotInput) (workflows.OfferWaitlistSlotResult, error) {
	holdID, err := parseID(in.HoldID)
	if err != nil {
		return workflows.OfferWaitlistSlotResult{}, err
	}
	hold, err := a.Store.GetWaitlistHold(ctx, holdID)
	if err != nil {
		return workflows.OfferWaitlistSlotResult{}, fmt.Errorf("offer waitlist slot: hold: %w", err)
	}
	if o, err := a.Store.OpenOfferOfHold(ctx, holdID); err == nil {
		return workflows.OfferWaitlistSlotResult{Found: true, OfferID: o.ID.String(), ExpiresAt: o.ExpiresAt}, nil
	} else if !errors.Is(db.Translate(err), db.ErrNotFound) {
		return workflows.OfferWaitlistSlotResult{}, fmt.Errorf("offer waitlist slot: %w", err)
	}
	d, err := a.Store.GetDoctor(ctx, hold.DoctorID)
	if err != nil {
		return workflows.OfferWaitlistSlotResult{}, fmt.Errorf("offer waitlist slot: doctor: %w", err)
	}
	zone := waitlist.Zone(d.TimeZone)
	start := hold.Slot.Lower.Time
	// Another chain may offer the same entry at the same moment; the
	// loser of that race takes the next entry.
	for range 10 {
		e, err := a.Store.NextWaitlistCandidate(ctx, db.NextWaitlistCandidateParams{
			DoctorID: hold.DoctorID, ConsultationType: hold.ConsultationType, Now: time.Now(),
			Day: waitlist.SlotDay(start, zone), Part: string(domain.PartOfDay(start, zone)), HoldID: holdID,
		})
		if errors.Is(db.Translate(err), db.ErrNotFound) {
			return workflows.OfferWaitlistSlotResult{Found: false}, nil
		} else if err != nil {
			return workflows.OfferWaitlistSlotResult{}, fmt.Errorf("offer waitlist slot: candidate: %w", err)
		}
		o, err := a.Store.CreateWaitlistOffer(ctx, db.CreateWaitlistOfferParams{
			ID: uuid.New(), HoldID: holdID, EntryID: e.ID, PatientID: e.PatientID, ExpiresAt: in.ExpiresAt.UTC(),
		})
		if errors.Is(db.Translate(err), db.ErrConflict) {
			continue
		} else if err != nil {
			return workflows.OfferWaitlistSlotResult{}, fmt.Errorf("offer waitlist slot: %w", err)
		}
		return workflows.OfferWaitlistSlotResult{Found: true, OfferID: o.ID.String(), ExpiresAt: o.ExpiresAt}, nil
	}
	return workflows.OfferWaitlistSlotResult{}, errors.New("offer waitlist slot: every candidate was taken meanwhile")
}

// SendWaitlistOffer emails an offer to its patient, once, and publishes a
// live event on the patient's waitlist stream. Its errors carry no personal
// data.
func (a *Activities) SendWaitlistOffer(ctx context.Context, in workflows.SendWaitlistOfferInput) error {
	personal, err := a.sendWaitlistOffer(ctx, in)
	return scrubEmailError(ctx, mail.TemplateWaitlistOffer, err, personal)
}

func (a *Activities) sendWaitlistOffer(ctx context.Context, in workflows.SendWaitlistOfferInput) ([]string, error) {
	id, err := parseID(in.OfferID)
	if err != nil {
		return nil, err
	}
	key := "waitlist-offer/" + id.String() + "/email"
	if prior, err := a.Store.GetEmailDelivery(ctx, key); err == nil && prior.State == "sent" {
		return nil, nil
	} else if err != nil && !errors.Is(db.Translate(err), db.ErrNotFound) {
		return nil, fmt.Errorf("send waitlist offer: %w", err)
	}
	o, err := a.Store.GetWaitlistOffer(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("send waitlist offer: %w", err)
	}
	if o.Status != "open" {
		return nil, nil // answered (or lapsed) before the email went out
	}
	u, err := a.Store.GetUser(ctx, o.PatientID)
	if err != nil {
		return nil, fmt.Errorf("send waitlist offer: patient: %w", err)
	}
	patient, err := accounts.Decrypt(a.Fields, u)
	if err != nil {
		return nil, err
	}
	personal := []string{patient.Name, patient.Email}
	doctor, err := a.Store.GetDoctor(ctx, o.DoctorID)
	if err != nil {
		return personal, fmt.Errorf("send waitlist offer: doctor: %w", err)
	}
	personal = append(personal, doctor.DisplayName)
	zone, lang := waitlist.Zone(doctor.TimeZone), mail.NormalizeLang(u.Language)
	msg, err := mail.Render(lang, mail.TemplateWaitlistOffer, mail.WaitlistOfferData{
		PatientName: patient.Name, DoctorName: doctor.DisplayName, ConsultationType: o.ConsultationType,
		Start: mail.FormatTime(lang, o.SlotStart, zone), ExpiresAt: mail.FormatTime(lang, o.ExpiresAt, zone),
		OfferURL: web.Links{Base: a.PublicURL}.WaitlistOffer(o.ID.String()),
	})
	if err != nil {
		return personal, temporal.NewNonRetryableApplicationError("render waitlist_offer", "TemplateError", err)
	}
	msg.To = []string{patient.Email}
	msg.Headers = map[string]string{"X-Derma2Go-Waitlist-Offer": o.ID.String()}
	return personal, a.deliver(ctx, outgoing{key: key, template: mail.TemplateWaitlistOffer, msg: msg,
		afterSent: func(q *db.Queries) error {
			return live.PublishWaitlistOffer(ctx, q, o.PatientID, o.DoctorID, o.ID, o.ExpiresAt)
		}})
}

// AnswerWaitlistOffer records an offer's answer. accepted and declined
// close an open offer; expired closes an open or accepted one, unless the
// accepted patient's booking took the hold (HoldTaken), which the hold's
// row lock orders against the booking's transaction. A decline counts
// towards domain.WaitlistDeclineLimit.
func (a *Activities) AnswerWaitlistOffer(ctx context.Context, in workflows.AnswerWaitlistOfferInput) (workflows.AnswerWaitlistOfferResult, error) {
	id, err := parseID(in.OfferID)
	if err != nil {
		return workflows.AnswerWaitlistOfferResult{}, err
	}
	from := []string{"open"}
	switch in.Answer {
	case workflows.WaitlistAnswerAccepted, workflows.WaitlistAnswerDeclined:
	case workflows.WaitlistAnswerExpired:
		from = append(from, "accepted")
	default:
		return workflows.AnswerWaitlistOfferResult{}, temporal.NewNonRetryableApplicationError("unknown answer "+in.Answer, "InvalidInput", nil)
	}
	var res workflows.AnswerWaitlistOfferResult
	err = a.Store.Tx(ctx, func(q *db.Queries) error {
		o, err := q.GetWaitlistOffer(ctx, id)
		if err != nil {
			return err
		}
		hold, err := q.LockWaitlistHold(ctx, o.HoldID)
		if err != nil {
			return err
		}
		if hold.Status == "taken" {
			res.HoldTaken = true
			return nil
		}
		n, err := q.AnswerWaitlistOffer(ctx, db.AnswerWaitlistOfferParams{Status: in.Answer, ID: id, FromStatuses: from})
		if err != nil || n == 0 || in.Answer != workflows.WaitlistAnswerDeclined {
			return err
		}
		_, err = q.AddWaitlistDecline(ctx, db.AddWaitlistDeclineParams{LimitDeclines: domain.WaitlistDeclineLimit, ID: o.EntryID})
		return err
	})
	if err != nil {
		return workflows.AnswerWaitlistOfferResult{}, fmt.Errorf("answer waitlist offer: %w", err)
	}
	return res, nil
}

// WaitlistHoldStatus reads a hold.
func (a *Activities) WaitlistHoldStatus(ctx context.Context, in workflows.WaitlistHoldRef) (workflows.WaitlistHoldStatusResult, error) {
	id, err := parseID(in.HoldID)
	if err != nil {
		return workflows.WaitlistHoldStatusResult{}, err
	}
	h, err := a.Store.GetWaitlistHold(ctx, id)
	if err != nil {
		return workflows.WaitlistHoldStatusResult{}, fmt.Errorf("waitlist hold: %w", err)
	}
	out := workflows.WaitlistHoldStatusResult{Status: h.Status}
	if h.ConsultationID.Valid {
		out.ConsultationID = h.ConsultationID.UUID.String()
	}
	return out, nil
}

// ReleaseWaitlistHold frees a held slot for everyone.
func (a *Activities) ReleaseWaitlistHold(ctx context.Context, in workflows.ReleaseWaitlistHoldInput) error {
	id, err := parseID(in.HoldID)
	if err != nil {
		return err
	}
	if err := a.Store.ReleaseWaitlistHold(ctx, db.ReleaseWaitlistHoldParams{ID: id, Outcome: in.Outcome}); err != nil {
		return fmt.Errorf("release waitlist hold: %w", err)
	}
	return nil
}

// OfferFreedSlot starts the offer chain of a slot an appointment freed, if
// it is still worth offering and entries match it.
func (a *Activities) OfferFreedSlot(ctx context.Context, in workflows.OfferFreedSlotInput) (workflows.OfferFreedSlotResult, error) {
	doctorID, err := parseID(in.DoctorID)
	if err != nil {
		return workflows.OfferFreedSlotResult{}, err
	}
	started, err := waitlist.OfferFreed(ctx, a.Store.Queries, a.Temporal, a.Waitlist,
		a.Waitlist.Input(doctorID, string(in.Type), in.Start, in.End, in.Trigger), time.Now())
	if err != nil {
		return workflows.OfferFreedSlotResult{}, fmt.Errorf("offer freed slot: %w", err)
	}
	return workflows.OfferFreedSlotResult{Started: started}, nil
}
