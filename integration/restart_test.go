package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"

	"derma2go/demodata"
	"derma2go/devstack"
	"derma2go/devstack/mailsink"
	"derma2go/workflows"
)

// TestRestartKeepsUsersDataAndWorkflows stops a whole development stack and
// starts it again on the same directory, as Ctrl-C and `derma dev` do: the
// account still logs in, the consultation is still there, its workflow is
// still running and its checkout page still answers.
func TestRestartKeepsUsersDataAndWorkflows(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	dir, err := newStackDir()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	opts := devstack.Options{Dir: dir, TemporalUIAddr: "-", Logger: testLogger()}

	first, err := devstack.Start(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demodata.Seed(ctx, first.Platform.Store, first.Platform.Fields); err != nil {
		t.Fatal(err)
	}
	// Paid types need a connected Mollie account (Connect is on in the stack).
	if _, err := first.ConnectDoctors(ctx); err != nil {
		t.Fatal(err)
	}
	post := func(base, path string, body any) *http.Response {
		b, _ := json.Marshal(body)
		res, err := http.Post(base+path, "application/json", bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	res := post(first.APIURL, "/v1/auth/register", map[string]any{"email": "kept@example.nl", "password": "kept-password-1", "name": "Kept"})
	res.Body.Close()
	if res.StatusCode != http.StatusAccepted {
		t.Fatalf("register → %d", res.StatusCode)
	}
	// The account is stored by the time its confirmation mail is out.
	if _, err := first.Mail.WaitFor(ctx, func(m mailsink.Message) bool { return sentTo(m, "kept@example.nl") }); err != nil {
		t.Fatal(err)
	}
	var doctor string
	if err := first.Platform.Store.Pool.QueryRow(ctx, "SELECT user_id FROM doctors ORDER BY user_id LIMIT 1").Scan(&doctor); err != nil {
		t.Fatal(err)
	}
	res = post(first.APIURL, "/v1/consultations", map[string]any{"type": "email_advice", "doctor_id": doctor, "form": "short", "guest_email": "g@example.nl"})
	var created struct {
		ID          string `json:"id"`
		CheckoutURL string `json:"checkout_url"`
	}
	if err := json.NewDecoder(res.Body).Decode(&created); err != nil || res.StatusCode != http.StatusCreated {
		t.Fatalf("consultation → %d (%v)", res.StatusCode, err)
	}
	res.Body.Close()
	if err := first.Stop(); err != nil {
		t.Fatal(err)
	}

	second, err := devstack.Start(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := second.Stop(); err != nil {
			t.Error(err)
		}
	}()
	res = post(second.APIURL, "/v1/auth/login", map[string]any{"email": "kept@example.nl", "password": "kept-password-1"})
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("login after restart → %d", res.StatusCode)
	}
	var status string
	if err := second.Platform.Store.Pool.QueryRow(ctx, "SELECT status FROM consultations WHERE id = $1", created.ID).Scan(&status); err != nil {
		t.Fatalf("consultation after restart: %v", err)
	}
	desc, err := second.Platform.Temporal.DescribeWorkflowExecution(ctx, workflows.ConsultationWorkflowID(created.ID), "")
	if err != nil {
		t.Fatal(err)
	}
	if st := desc.GetWorkflowExecutionInfo().GetStatus(); st != enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING {
		t.Fatalf("workflow after restart: %s", st)
	}
	page, err := http.Get(second.MollieURL + "/checkout/" + lastPathPart(created.CheckoutURL))
	if err != nil {
		t.Fatal(err)
	}
	page.Body.Close()
	if page.StatusCode != http.StatusOK {
		t.Fatalf("checkout page after restart → %d", page.StatusCode)
	}
}

func lastPathPart(u string) string {
	for i := len(u) - 1; i >= 0; i-- {
		if u[i] == '/' {
			return u[i+1:]
		}
	}
	return u
}
