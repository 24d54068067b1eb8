package workflows

import (
	"fmt"
	"reflect"

	"go.temporal.io/sdk/temporal"
)

// ActivityStub is the contract of one activity: its registered name and the
// types it takes and returns (Out is nil for an activity without a result).
// run checks every call against it, and the worker's tests check that
// activities.Activities has a method of that name with exactly this
// signature, so a workflow and its activities cannot drift apart.
type ActivityStub struct {
	Name string
	In   reflect.Type
	Out  reflect.Type
}

func stub[In any](name string) ActivityStub {
	return ActivityStub{Name: name, In: reflect.TypeFor[In]()}
}

func stubWithResult[In, Out any](name string) ActivityStub {
	return ActivityStub{Name: name, In: reflect.TypeFor[In](), Out: reflect.TypeFor[Out]()}
}

// ActivityStubs lists every activity the workflows call.
var ActivityStubs = []ActivityStub{
	stubWithResult[CreatePaymentInput, CreatePaymentResult](ActivityCreatePayment),
	stubWithResult[PaymentRefInput, PaymentStatusResult](ActivityGetPaymentStatus),
	stubWithResult[PaymentRefInput, PaymentStatusResult](ActivityCancelPayment),
	stubWithResult[IssueRefundInput, IssueRefundResult](ActivityIssueRefund),
	stubWithResult[RefundRefInput, RefundStatusResult](ActivityGetRefundStatus),
	stub[SendEmailInput](ActivitySendEmail),
	stubWithResult[IssueInvoiceInput, IssueInvoiceResult](ActivityIssueInvoice),
	stub[RecordTransitionInput](ActivityRecordTransition),
	stub[DeliverAdviceInput](ActivityDeliverAdvice),
	stub[AlertSupportInput](ActivityAlertSupport),
	stub[MarkInvoicePaidInput](ActivityMarkInvoicePaid),
	stubWithResult[IssueCreditNoteInput, IssueCreditNoteResult](ActivityIssueCreditNote),
	stubWithResult[JoinWalkInQueueInput, JoinWalkInQueueResult](ActivityJoinWalkInQueue),
	stub[RecordWalkInSessionInput](ActivityRecordWalkInSession),
	stub[PublishWalkInQueueInput](ActivityPublishWalkInQueue),
	stub[NotifyOperatorInput](ActivityNotifyOperator),
	stubWithResult[HoldWaitlistSlotInput, HoldWaitlistSlotResult](ActivityHoldWaitlistSlot),
	stubWithResult[OfferWaitlistSlotInput, OfferWaitlistSlotResult](ActivityOfferWaitlistSlot),
	stub[SendWaitlistOfferInput](ActivitySendWaitlistOffer),
	stubWithResult[AnswerWaitlistOfferInput, AnswerWaitlistOfferResult](ActivityAnswerWaitlistOffer),
	stubWithResult[WaitlistHoldRef, WaitlistHoldStatusResult](ActivityWaitlistHoldStatus),
	stub[ReleaseWaitlistHoldInput](ActivityReleaseWaitlistHold),
	stubWithResult[OfferFreedSlotInput, OfferFreedSlotResult](ActivityOfferFreedSlot),
	stubWithResult[RetentionInput, RetentionResult](ActivityRetainTokens),
	stubWithResult[RetentionInput, RetentionResult](ActivityRetainOutbox),
	stubWithResult[RetentionInput, RetentionResult](ActivityRetainAbandoned),
	stubWithResult[RetentionInput, RetentionResult](ActivityRetainErasedRecords),
	stubWithResult[RetentionInput, RetentionResult](ActivityRetainAudit),
}

// errTypeActivityContract marks a call that breaks its ActivityStub.
const errTypeActivityContract = "ActivityContract"

var stubsByName = func() map[string]ActivityStub {
	m := make(map[string]ActivityStub, len(ActivityStubs))
	for _, s := range ActivityStubs {
		m[s.Name] = s
	}
	return m
}()

// checkCall reports a call of the named activity whose input or output does
// not match its stub, as a non-retryable error (a programming error that
// no retry can fix).
func checkCall(name string, in, out any) error {
	s, ok := stubsByName[name]
	if !ok {
		return temporal.NewNonRetryableApplicationError("unknown activity "+name, errTypeActivityContract, nil)
	}
	if got := reflect.TypeOf(in); got != s.In {
		return temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("activity %s takes %v, called with %v", name, s.In, got), errTypeActivityContract, nil)
	}
	switch {
	case out == nil && s.Out == nil:
	case out == nil:
	case s.Out == nil:
		return temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("activity %s has no result, called with %T", name, out), errTypeActivityContract, nil)
	case reflect.TypeOf(out) != reflect.PointerTo(s.Out):
		return temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("activity %s returns %v, called with %T", name, s.Out, out), errTypeActivityContract, nil)
	}
	return nil
}
