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
	"derma2go/config"
	"derma2go/workflows"
)

// New returns a worker (not started) for the consultation task queue,
// sized by size (config.Worker).
func New(c client.Client, acts *activities.Activities, size config.Worker) sdkworker.Worker {
	logger := acts.Logger
	if logger == nil {
		logger = slog.Default()
	}
	// The cache is the process's, shared by its workers (WORKER_WORKFLOW_CACHE).
	if size.WorkflowCache > 0 {
		sdkworker.SetStickyWorkflowCacheSize(size.WorkflowCache)
	}
	w := sdkworker.New(c, workflows.TaskQueue, sdkworker.Options{
		// Polls and activity slots from WORKER_* (config.Worker).
		MaxConcurrentWorkflowTaskPollers:   size.WorkflowPollers,
		MaxConcurrentActivityTaskPollers:   size.ActivityPollers,
		MaxConcurrentActivityExecutionSize: size.MaxActivities,
		StickyScheduleToStartTimeout:       size.StickyTimeout,
		// A stopping worker lets running activities (an email, a refund
		// call) finish instead of abandoning them to their timeouts.
		WorkerStopTimeout: 15 * time.Second,
		// Failed Mollie and SMTP attempts reach the integration health
		// workflows, which alert the operator once per incident.
		Interceptors: []interceptor.WorkerInterceptor{HealthInterceptor(c, logger)},
	})
	workflows.Register(w)
	w.RegisterActivity(acts)
	return w
}
