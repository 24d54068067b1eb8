// Package worker builds the Temporal worker of Derma2Go and registers every
// workflow and activity on the consultation task queue.
package worker

import (
	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"

	"derma2go/activities"
	"derma2go/workflows"
)

// New returns a worker (not started) for the consultation task queue.
func New(c client.Client, acts *activities.Activities) sdkworker.Worker {
	w := sdkworker.New(c, workflows.TaskQueue, sdkworker.Options{})
	workflows.Register(w)
	w.RegisterActivity(acts)
	return w
}
