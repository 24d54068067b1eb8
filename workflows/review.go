package workflows

import (
	"fmt"
	"time"

	"go.temporal.io/sdk/workflow"
)

// DefaultReviewDelay is how long after completion the patient is asked for a
// review.
const DefaultReviewDelay = 24 * time.Hour

// requestReview waits delay and asks the patient for a review
// (review_request). The API enforces one review per completed consultation.
func (c *consultation) requestReview(ctx workflow.Context, delay time.Duration) error {
	if err := workflow.NewTimerWithOptions(ctx, delay, workflow.TimerOptions{Summary: "review request"}).Get(ctx, nil); err != nil {
		return fmt.Errorf("wait for the review request: %w", err)
	}
	c.notify(ctx, TemplateReviewRequest, RecipientPatient, "")
	return nil
}
