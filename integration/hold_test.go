package integration

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"testing"
	"time"

	"derma2go/demodata"
	"derma2go/devstack"
)

// TestExpiredHoldFreesTheSlot runs its own stack with a 3-second payment
// hold: a video slot held by an unpaid booking blocks others, and once the
// hold expires the slot is free and bookable again.
func TestExpiredHoldFreesTheSlot(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	dir, err := newStackDir()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	st, err := devstack.Start(ctx, devstack.Options{Dir: dir, TemporalUIAddr: "-", Logger: testLogger(), PaymentHold: 3 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := st.Stop(); err != nil {
			t.Error(err)
		}
	}()
	if _, err := demodata.Seed(ctx, st.Platform.Store, st.Platform.Fields); err != nil {
		t.Fatal(err)
	}
	// Paid types need a connected Mollie account (Connect is on in the stack).
	if _, err := st.ConnectDoctors(ctx); err != nil {
		t.Fatal(err)
	}
	call := func(method, path, token string, body any, out any) int {
		t.Helper()
		var b []byte
		if body != nil {
			b, _ = json.Marshal(body)
		}
		req, _ := http.NewRequestWithContext(ctx, method, st.APIURL+path, bytes.NewReader(b))
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		if out != nil {
			_ = json.NewDecoder(res.Body).Decode(out)
		}
		return res.StatusCode
	}
	token := func(email string) string {
		tok, err := registerOn(st, email, "hold-password-1")
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	first, second := token("first@example.nl"), token("second@example.nl")
	var doctor string
	if err := st.Platform.Store.Pool.QueryRow(ctx, "SELECT user_id FROM doctors ORDER BY user_id LIMIT 1").Scan(&doctor); err != nil {
		t.Fatal(err)
	}
	var slots slotsPage
	call("GET", fmt.Sprintf("/v1/doctors/%s/slots?type=video&from=%s", doctor, url.QueryEscape(time.Now().Add(48*time.Hour).UTC().Format(time.RFC3339))), "", nil, &slots)
	if len(slots.Items) == 0 {
		t.Fatal("no video slot")
	}
	slot := map[string]any{"type": "video", "doctor_id": doctor, "slot_start": slots.Items[0].Start.Format(time.RFC3339)}
	var b booking
	if code := call("POST", "/v1/consultations", first, slot, &b); code != http.StatusCreated {
		t.Fatalf("first booking → %d", code)
	}
	if code := call("POST", "/v1/consultations", second, slot, nil); code != http.StatusConflict {
		t.Fatalf("booking a held slot → %d, want 409", code)
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		var status string
		if err := st.Platform.Store.Pool.QueryRow(ctx, "SELECT status FROM consultations WHERE id = $1", b.ID).Scan(&status); err != nil {
			t.Fatal(err)
		}
		if status == "expired" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("unpaid hold still %s after a minute", status)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if code := call("POST", "/v1/consultations", second, slot, nil); code != http.StatusCreated {
		t.Fatalf("booking the freed slot → %d, want 201", code)
	}
}
