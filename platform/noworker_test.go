package platform

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"go.temporal.io/api/serviceerror"

	"derma2go/api"
)

// TestQueryWithoutWorkerIsUnavailable: Temporal refuses a query when no
// worker polls the task queue; the API answers that with 503 and
// Retry-After (api.ErrUnavailable), not 500. The full chaos run of 21:49
// met "engine: walk-in queue: no poller seen for task queue recently,
// worker may be down" → 500 on GET /v1/doctor/walk-in 19 times while both
// workers were down. Any other failed precondition stays what it is.
func TestQueryWithoutWorkerIsUnavailable(t *testing.T) {
	down := serviceerror.NewFailedPrecondition("no poller seen for task queue recently, worker may be down")
	if err := unavailable(context.Background(), fmt.Errorf("query: %w", down)); !errors.Is(err, api.ErrUnavailable) {
		t.Fatalf("unavailable(%v) = %v, want api.ErrUnavailable", down, err)
	}
	other := serviceerror.NewFailedPrecondition("workflow is not running")
	if err := unavailable(context.Background(), other); errors.Is(err, api.ErrUnavailable) {
		t.Fatalf("unavailable(%v) = %v: a refusal taken for an outage", other, err)
	}
}

// An update-with-start whose start failed because the server (or its
// PostgreSQL persistence) was away reports it inside a
// MultiOperationExecution, which does not unwrap: the API answers 503, not
// 500. The full chaos run with Temporal on PostgreSQL met 8 answers of 500
// on POST /v1/consultations; a server out of resources is an outage too,
// and a refused operation stays a refusal. A server restarted on
// PostgreSQL answers "Namespace default is not found." until it has loaded
// its namespaces (the 500 of that run's logs): an outage too.
func TestUpdateWithStartOutageIsUnavailable(t *testing.T) {
	noNamespace := serviceerror.NewNamespaceNotFound("default")
	if err := unavailable(context.Background(), fmt.Errorf("engine: start: failed workflow start: %w", noNamespace)); !errors.Is(err, api.ErrUnavailable) {
		t.Errorf("unavailable(%v) = %v, want api.ErrUnavailable", noNamespace, err)
	}
	for _, inner := range []error{
		serviceerror.NewUnavailable("persistence: connection refused"),
		serviceerror.NewResourceExhausted(0, "persistence max qps reached"),
	} {
		multi := serviceerror.NewMultiOperationExecution("update-with-start failed", []error{inner, serviceerror.NewMultiOperationAborted("aborted")})
		if err := unavailable(context.Background(), fmt.Errorf("engine: start: %w", multi)); !errors.Is(err, api.ErrUnavailable) {
			t.Errorf("unavailable(%v inside a multi-operation) = %v, want api.ErrUnavailable", inner, err)
		}
	}
	refused := serviceerror.NewMultiOperationExecution("update-with-start failed", []error{serviceerror.NewInvalidArgument("bad input"), nil})
	if err := unavailable(context.Background(), refused); errors.Is(err, api.ErrUnavailable) {
		t.Fatalf("unavailable(%v) = %v: a refusal taken for an outage", refused, err)
	}
}
