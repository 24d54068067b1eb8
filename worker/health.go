package worker

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/temporal"

	"derma2go/workflows"
)

// healthReporter tells each integration's health workflow about the failed
// attempts of the activities that depend on it (workflows.ActivityIntegration)
// and about the first success after them. It signals only on failures and on
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
	case err != nil && countsAsOutage(ctx, err):
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

// countsAsOutage: a non-retryable error is a refusal of this one call (bad
// input, a contract break), and a cancelled context is this worker
// stopping; neither says the integration is down.
func countsAsOutage(ctx context.Context, err error) bool {
	var app *temporal.ApplicationError
	if errors.As(err, &app) && app.NonRetryable() {
		return false
	}
	return ctx.Err() == nil && !errors.Is(err, context.Canceled)
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
