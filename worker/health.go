package worker

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/interceptor"

	"derma2go/activities"
	"derma2go/workflows"
)

// healthReporter tells each integration's health workflow about the failed
// attempts of the activities that depend on it (workflows.ActivityIntegration)
// that are the integration's own failures (activities.IntegrationFault: not
// PostgreSQL, Temporal or this worker being down, not a refusal of one
// request) and about the first success after them. It signals only on failures and on
// that first success, so a healthy integration costs nothing.
type healthReporter struct {
	c   client.Client
	log *slog.Logger
	mu  sync.Mutex
	// failing marks the integrations this process saw fail since their
	// last success.
	failing map[string]bool
}

// signalTimeout bounds the report of one attempt; a lost report only
// delays an alert.
const signalTimeout = 5 * time.Second

func (r *healthReporter) observe(ctx context.Context, integration, activityName string, err error) {
	var signal string
	var arg any
	r.mu.Lock()
	switch {
	case err == nil && r.failing[integration]:
		delete(r.failing, integration)
		signal, arg = workflows.SignalIntegrationRecovered, activityName
	case activities.IntegrationFault(ctx, integration, err):
		r.failing[integration] = true
		signal, arg = workflows.SignalIntegrationFailed, workflows.IntegrationFailure{Activity: activityName, Error: err.Error()}
	}
	r.mu.Unlock()
	if signal == "" {
		return
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), signalTimeout)
	defer cancel()
	_, serr := r.c.SignalWithStartWorkflow(sctx, workflows.IntegrationHealthWorkflowID(integration), signal, arg,
		client.StartWorkflowOptions{TaskQueue: workflows.TaskQueue}, workflows.IntegrationHealthWorkflowType,
		workflows.IntegrationHealthState{Integration: integration})
	if serr != nil {
		r.log.Warn("integration health report lost", "integration", integration, "signal", signal, "err", serr)
	}
}

// HealthInterceptor is the interceptor New puts on the worker: it reports
// the attempts of the activities that depend on an integration to that
// integration's health workflow. Tests put it on a worker of their own.
func HealthInterceptor(c client.Client, logger *slog.Logger) interceptor.WorkerInterceptor {
	return &healthInterceptor{r: &healthReporter{c: c, log: logger, failing: map[string]bool{}}}
}

type healthInterceptor struct {
	interceptor.WorkerInterceptorBase
	r *healthReporter
}

func (h *healthInterceptor) InterceptActivity(ctx context.Context, next interceptor.ActivityInboundInterceptor) interceptor.ActivityInboundInterceptor {
	return &healthActivity{ActivityInboundInterceptorBase: interceptor.ActivityInboundInterceptorBase{Next: next}, r: h.r}
}

type healthActivity struct {
	interceptor.ActivityInboundInterceptorBase
	r *healthReporter
}

func (a *healthActivity) ExecuteActivity(ctx context.Context, in *interceptor.ExecuteActivityInput) (any, error) {
	res, err := a.Next.ExecuteActivity(ctx, in)
	name := activity.GetInfo(ctx).ActivityType.Name
	if integration, ok := workflows.ActivityIntegration[name]; ok {
		a.r.observe(ctx, integration, name, err)
	}
	return res, err
}
