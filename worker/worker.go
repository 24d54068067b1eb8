// Package worker builds the Temporal worker of Derma2Go and registers every
// workflow and activity on the consultation task queue.
package worker

import (
	"log/slog"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/interceptor"
	sdkworker "go.temporal.io/sdk/worker"

	"derma2go/activities"
	"derma2go/workflows"
)

// New returns a worker (not started) for the consultation task queue.
func New(c client.Client, acts *activities.Activities) sdkworker.Worker {
	logger := acts.Logger
	if logger == nil {
		logger = slog.Default()
	}
	health := &healthReporter{c: c, log: logger, failing: map[string]bool{}}
	w := sdkworker.New(c, workflows.TaskQueue, sdkworker.Options{
		// A stopping worker lets running activities (an email, a refund
		// call) finish instead of abandoning them to their timeouts.
		WorkerStopTimeout: 15 * time.Second,
		// Failed Mollie and SMTP attempts reach the integration health
		// workflows, which alert the operator once per incident.
		Interceptors: []interceptor.WorkerInterceptor{&healthInterceptor{r: health}},
	})
	workflows.Register(w)
	w.RegisterActivity(acts)
	return w
}
