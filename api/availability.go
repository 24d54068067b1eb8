package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"derma2go/availability"
	"derma2go/db"
	"derma2go/schedule"
	"derma2go/waitlist"
	"derma2go/workflows"
)

// maxSlotRange is the widest window GET /doctors/{id}/slots answers for.
const maxSlotRange = 31 * 24 * time.Hour

type availabilityBody struct {
	Rules      []ruleBody      `json:"rules" validate:"max=100,dive"`
	Exceptions []exceptionBody `json:"exceptions" validate:"max=366,dive"`
}

type ruleBody struct {
	Type    string `json:"type" validate:"required,oneof=video walk_in in_person"`
	Weekday int    `json:"weekday" validate:"gte=0,lte=6"`
	Start   string `json:"start" validate:"required,len=5"`
	End     string `json:"end" validate:"required,len=5"`
}

type exceptionBody struct {
	Day   string `json:"day" validate:"required,len=10"`
	Kind  string `json:"kind" validate:"required,oneof=off extra"`
	Type  string `json:"type,omitempty" validate:"omitempty,oneof=video walk_in in_person"`
	Start string `json:"start,omitempty" validate:"omitempty,len=5"`
	End   string `json:"end,omitempty" validate:"omitempty,len=5"`
}

// getAvailability returns the doctor's weekly rules and exceptions.
func (s *Server) getAvailability(c *gin.Context) {
	doctor := currentPrincipal(c).UserID
	rules, err := s.Store.ListAvailabilityRules(c, doctor)
	if err != nil {
		fail(c, err)
		return
	}
	exceptions, err := s.Store.ListAvailabilityExceptions(c, doctor)
	if err != nil {
		fail(c, err)
		return
	}
	out := availabilityBody{Rules: []ruleBody{}, Exceptions: []exceptionBody{}}
	for _, r := range rules {
		ar := schedule.RuleOf(r)
		out.Rules = append(out.Rules, ruleBody{Type: ar.Type, Weekday: int(ar.Weekday), Start: ar.Start.String(), End: ar.End.String()})
	}
	for _, e := range exceptions {
		ae := schedule.ExceptionOf(e)
		b := exceptionBody{Day: ae.Day.String(), Kind: ae.Kind, Type: ae.Type}
		if e.StartTime.Valid {
			b.Start, b.End = ae.Start.String(), ae.End.String()
		}
		out.Exceptions = append(out.Exceptions, b)
	}
	c.JSON(http.StatusOK, out)
}

// putAvailability replaces the doctor's rules and exceptions in one
// transaction; the search index follows through the outbox.
func (s *Server) putAvailability(c *gin.Context) {
	var req availabilityBody
	if err := decodeJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	rules, exceptions, err := parseAvailability(req)
	if err != nil {
		fail(c, err)
		return
	}
	doctor := currentPrincipal(c).UserID
	before, err := waitlist.FreeSlots(c, s.Store.Queries, doctor, s.Now())
	if err != nil {
		fail(c, err)
		return
	}
	err = s.Store.Tx(c, func(q *db.Queries) error {
		if err := q.DeleteAvailabilityRules(c, doctor); err != nil {
			return err
		}
		if err := q.DeleteAvailabilityExceptions(c, doctor); err != nil {
			return err
		}
		return insertAvailability(c, q, doctor, rules, exceptions)
	})
	if err != nil {
		fail(c, err)
		return
	}
	s.offerNewHours(c, doctor, before)
	s.getAvailability(c)
}

// offerNewHours offers the slots a change of availability opened to the
// doctor's waitlist. The change is stored already: a failure here is
// logged, and the slots stay bookable as usual.
func (s *Server) offerNewHours(c *gin.Context, doctor uuid.UUID, before []waitlist.Slot) {
	ctx := context.WithoutCancel(c.Request.Context())
	now := s.Now()
	after, err := waitlist.FreeSlots(ctx, s.Store.Queries, doctor, now)
	if err == nil {
		var slots []waitlist.Slot
		slots, err = waitlist.ToOffer(ctx, s.Store.Queries, s.Waitlist, doctor, waitlist.Opened(before, after), now)
		for _, sl := range slots {
			if err == nil {
				err = s.Engine.StartWaitlistChain(ctx, s.Waitlist.Input(doctor, sl.Type, sl.Start, sl.End, workflows.WaitlistTriggerAvailability))
			}
		}
	}
	if err != nil {
		logger(c).WarnContext(ctx, "new hours not offered to the waitlist", "err", err)
	}
}

// insertAvailability stores validated rules and exceptions of a doctor.
func insertAvailability(ctx context.Context, q *db.Queries, doctor uuid.UUID, rules []availability.Rule, exceptions []availability.Exception) error {
	for _, r := range rules {
		if err := q.CreateAvailabilityRule(ctx, db.CreateAvailabilityRuleParams{
			ID: uuid.New(), DoctorID: doctor, ConsultationType: r.Type, Weekday: int16(r.Weekday),
			StartTime: schedule.TimeOf(r.Start), EndTime: schedule.TimeOf(r.End),
		}); err != nil {
			return err
		}
	}
	for _, e := range exceptions {
		p := db.CreateAvailabilityExceptionParams{ID: uuid.New(), DoctorID: doctor, Day: schedule.PGDate(e.Day), Kind: e.Kind,
			ConsultationType: textOf(e.Type)}
		if !e.WholeDay() {
			p.StartTime, p.EndTime = schedule.TimeOf(e.Start), schedule.TimeOf(e.End)
		}
		if err := q.CreateAvailabilityException(ctx, p); err != nil {
			return err
		}
	}
	return nil
}

func parseAvailability(req availabilityBody) ([]availability.Rule, []availability.Exception, error) {
	var fields []FieldProblem
	rules := make([]availability.Rule, 0, len(req.Rules))
	for i, r := range req.Rules {
		start, err1 := availability.ParseClock(r.Start)
		end, err2 := availability.ParseClock(r.End)
		if err1 != nil || err2 != nil {
			fields = append(fields, FieldProblem{Field: fmt.Sprintf("rules[%d]", i), Reason: "start and end must be HH:MM"})
			continue
		}
		rules = append(rules, availability.Rule{Type: r.Type, Weekday: time.Weekday(r.Weekday), Start: start, End: end})
	}
	exceptions := make([]availability.Exception, 0, len(req.Exceptions))
	for i, e := range req.Exceptions {
		day, err := availability.ParseDate(e.Day)
		if err != nil {
			fields = append(fields, FieldProblem{Field: fmt.Sprintf("exceptions[%d].day", i), Reason: "must be YYYY-MM-DD"})
			continue
		}
		ex := availability.Exception{Day: day, Kind: e.Kind, Type: e.Type}
		if e.Start != "" || e.End != "" {
			start, err1 := availability.ParseClock(e.Start)
			end, err2 := availability.ParseClock(e.End)
			if err1 != nil || err2 != nil {
				fields = append(fields, FieldProblem{Field: fmt.Sprintf("exceptions[%d]", i), Reason: "start and end must be HH:MM"})
				continue
			}
			ex.Start, ex.End = start, end
		}
		exceptions = append(exceptions, ex)
	}
	if len(fields) > 0 {
		return nil, nil, errValidation(fields...)
	}
	var rerr *availability.RuleError
	if err := availability.ValidateRules(rules); errors.As(err, &rerr) {
		return nil, nil, errValidation(FieldProblem{Field: fmt.Sprintf("rules[%d].%s", rerr.Index, rerr.Field), Reason: rerr.Reason})
	} else if err != nil {
		return nil, nil, errValidation(FieldProblem{Field: "rules", Reason: err.Error()})
	}
	if err := availability.ValidateExceptions(exceptions); errors.As(err, &rerr) {
		return nil, nil, errValidation(FieldProblem{Field: fmt.Sprintf("exceptions[%d].%s", rerr.Index, rerr.Field), Reason: rerr.Reason})
	} else if err != nil {
		return nil, nil, errValidation(FieldProblem{Field: "exceptions", Reason: err.Error()})
	}
	return rules, exceptions, nil
}

// SlotView is one free slot.
type SlotView struct {
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
}

// doctorSlots lists free slots of one type in [from, to): the doctor's
// rules in their own zone, minus exceptions, bookings, holds and the past.
func (s *Server) doctorSlots(c *gin.Context) {
	id, ok := s.shownDoctor(c)
	if !ok {
		return
	}
	now := s.Now()
	typ := c.Query("type")
	var fields []FieldProblem
	if !oneOf(typ, vocabularyTags["slot_type"]...) {
		fields = append(fields, FieldProblem{Field: "type", Reason: vocabularyReason("slot_type")})
	}
	from, to := now, now.Add(7*24*time.Hour)
	var err error
	if v := c.Query("from"); v != "" {
		if from, err = time.Parse(time.RFC3339, v); err != nil {
			fields = append(fields, FieldProblem{Field: "from", Reason: "must be an RFC 3339 time"})
		}
	}
	if v := c.Query("to"); v != "" {
		if to, err = time.Parse(time.RFC3339, v); err != nil {
			fields = append(fields, FieldProblem{Field: "to", Reason: "must be an RFC 3339 time"})
		}
	} else if c.Query("from") != "" {
		to = from.Add(7 * 24 * time.Hour)
	}
	if len(fields) == 0 && (!to.After(from) || to.Sub(from) > maxSlotRange) {
		fields = append(fields, FieldProblem{Field: "to", Reason: "must be after from and at most 31 days later"})
	}
	if len(fields) > 0 {
		fail(c, newProblemFields(http.StatusBadRequest, fields))
		return
	}
	doctors, err := schedule.Load(c, s.Store.Queries, []uuid.UUID{id}, from, to)
	if err != nil {
		fail(c, err)
		return
	}
	d, ok := doctors[id]
	if !ok {
		fail(c, errNotFound("This doctor"))
		return
	}
	fee, ok := d.Fee(typ)
	if !ok {
		c.JSON(http.StatusOK, gin.H{"type": typ, "time_zone": d.Row.TimeZone, "items": []SlotView{}})
		return
	}
	starts, err := availability.Slots(d.Query(fee, from, to, now))
	if err != nil {
		fail(c, err)
		return
	}
	length := time.Duration(fee.DurationMinutes) * time.Minute
	items := make([]SlotView, 0, len(starts))
	for _, st := range starts {
		items = append(items, SlotView{Start: st.UTC(), End: st.Add(length).UTC()})
	}
	c.JSON(http.StatusOK, gin.H{"type": typ, "time_zone": d.Row.TimeZone, "duration_minutes": fee.DurationMinutes,
		"amount_cents": fee.AmountCents, "items": items})
}
