// Package workflows holds the Temporal workflow code of Derma2Go and the
// activity stubs it calls.
//
// Temporal owns the process, Postgres owns the record: every consultation is
// one long-lived workflow (ID "consultation/<uuid>", see
// ConsultationWorkflowID) that drives payment, intake, the advice SLA,
// refunds, invoices and notifications, and projects every status transition
// into Postgres through the RecordTransition activity. EmailAdviceWorkflow
// and AppointmentWorkflow (video and in-person) share those steps through
// the consultation type (consultation.go and the files it names); the pure
// rules live in the policy_*.go files (working days and the advice SLA,
// reminder times, the cancellation refund). AppointmentWorkflow is split by
// concern: appointment.go (input, booking and payment hold, update
// registration), appointment_loop.go (the timed steps and what follows the
// end), appointment_reminders.go (reminders and the doctor's delay),
// appointment_session.go (waiting room and video session),
// appointment_inperson.go (attendance and the invoice paid afterwards) and
// appointment_cancellation.go.
//
// The package does no I/O. Workflow code reads the clock with workflow.Now,
// starts coroutines with workflow.Go, never ranges over a map where order
// matters and imports no database, mail or payment package. Everything that
// touches the outside world is an activity, named by a constant in
// activities.go together with its input and output structs; package
// activities implements them.
//
// No personal or medical data travels through Temporal: workflow inputs,
// signals, updates and activity payloads carry ids, amounts, codes, a time
// zone and a language. Activities load names, addresses, forms and advice
// texts from Postgres themselves.
//
// Changing the order or kind of commands a running workflow issues (activities,
// timers, side effects, search-attribute upserts) breaks the replay of the
// consultations that are in flight. Guard such changes with workflow.GetVersion
// and keep the replay test (replay_test.go) green.
package workflows
