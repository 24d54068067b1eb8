package molliesandbox_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"derma2go/payments"
	"derma2go/payments/molliesandbox"
)

// openAt runs a sandbox loaded from path behind a new httptest server whose
// URL is the sandbox's PublicURL, as in `derma dev`. stop shuts both down
// (it also runs at the end of the test).
func openAt(t *testing.T, path string, opts molliesandbox.Options) (s *molliesandbox.Server, base string, stop func()) {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	base = "http://" + srv.Listener.Addr().String()
	opts.StateFile = path
	opts.PublicURL = base
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(t.Output(), nil))
	}
	s, err := molliesandbox.Open(opts)
	if err != nil {
		srv.Close()
		t.Fatalf("Open: %v", err)
	}
	srv.Config.Handler = s.Handler()
	srv.Start()
	// No request may change the state after Close; then background work ends.
	stop = sync.OnceFunc(func() { srv.Close(); s.Close() })
	t.Cleanup(stop)
	return s, base, stop
}

// client is the application's Mollie wrapper pointed at base.
func client(t *testing.T, base string) *payments.Client {
	t.Helper()
	c, err := payments.New(key, base)
	if err != nil {
		t.Fatalf("payments.New: %v", err)
	}
	return c
}

// hookServer receives webhook calls and passes on their ids.
func hookServer(t *testing.T) (string, chan string) {
	t.Helper()
	ids := make(chan string, 64)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		select {
		case ids <- r.PostForm.Get("id"):
		default:
			t.Errorf("webhook buffer full")
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/webhooks/mollie", ids
}

// waitID waits for id on ch.
func waitID(t *testing.T, ch chan string, id string) {
	t.Helper()
	select {
	case got := <-ch:
		if got != id {
			t.Fatalf("webhook for %s, want %s", got, id)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("no webhook for %s", id)
	}
}

// createPayment creates a payment through the wrapper.
func createPayment(t *testing.T, c *payments.Client, cents int64, consultation, hook, idemKey string) payments.Payment {
	t.Helper()
	p, err := c.CreatePayment(t.Context(), payments.CreatePayment{
		AmountCents:    cents,
		Description:    "Consultation " + consultation,
		RedirectURL:    "https://app.example/consultations/" + consultation + "/paid",
		WebhookURL:     hook,
		ConsultationID: consultation,
		IdempotencyKey: idemKey,
	})
	if err != nil {
		t.Fatalf("CreatePayment: %v", err)
	}
	return p
}

// noFollow does not follow redirects, to see the checkout's 303.
var noFollow = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// submitCheckout posts the checkout form of id and checks the answer.
func submitCheckout(t *testing.T, base, id, status string, want int) {
	t.Helper()
	res, err := noFollow.PostForm(base+"/checkout/"+id, url.Values{"status": {status}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != want {
		t.Fatalf("POST checkout %s status=%s: %s, want %d", id, status, res.Status, want)
	}
}

// rebased returns the JSON of ps with checkout links moved from one base
// URL to another, for comparing snapshots across a change of address.
func rebased(t *testing.T, ps []molliesandbox.Payment, from, to string) string {
	t.Helper()
	ps = slices.Clone(ps)
	for i := range ps {
		ps[i].CheckoutURL = strings.Replace(ps[i].CheckoutURL, from, to, 1)
	}
	b, err := json.MarshalIndent(ps, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// onlyStateFile checks that dir holds the state file and no temporary file.
func onlyStateFile(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if !slices.Equal(names, []string{"mollie.json"}) {
		t.Fatalf("state directory holds %v, want only mollie.json", names)
	}
}

func TestStateSurvivesRestart(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	path := filepath.Join(dir, "mollie.json")
	hook, hooks := hookServer(t)

	s1, base1, stop1 := openAt(t, path, molliesandbox.Options{RefundSettleAfter: time.Hour})
	c1 := client(t, base1)
	open := createPayment(t, c1, 4500, "c-open", hook, "consultation/c-open/payment")
	paid := createPayment(t, c1, 2000, "c-paid", hook, "")
	if err := s1.Complete(ctx, paid.ID, molliesandbox.StatusPaid); err != nil {
		t.Fatal(err)
	}
	waitID(t, hooks, paid.ID)
	r1, err := c1.CreateRefund(ctx, paid.ID, 300, "admin fee kept", "consultation/c-paid/refund")
	if err != nil {
		t.Fatal(err)
	}
	r2, err := c1.CreateRefund(ctx, paid.ID, 200, "", "")
	if err != nil {
		t.Fatal(err)
	}
	canceled := createPayment(t, c1, 1000, "c-canceled", hook, "")
	if err := c1.CancelPayment(ctx, canceled.ID); err != nil {
		t.Fatal(err)
	}
	failed := createPayment(t, c1, 1500, "c-failed", hook, "")
	submitCheckout(t, base1, failed.ID, molliesandbox.StatusFailed, http.StatusSeeOther)
	waitID(t, hooks, failed.ID)
	st, _, rawFirst := call(t, http.MethodPost, base1+"/v2/payments", "Bearer "+key, "raw-key", paymentBody)
	if st != http.StatusCreated {
		t.Fatalf("raw create: %d %s", st, rawFirst)
	}
	paidBefore, err := c1.GetPayment(ctx, paid.ID)
	if err != nil {
		t.Fatal(err)
	}
	before := s1.Payments()
	stop1()

	// Reopen from the same file, at another address.
	s2, base2, stop2 := openAt(t, path, molliesandbox.Options{RefundSettleAfter: -1})
	if base2 == base1 {
		t.Fatal("test wants a new address")
	}
	if got, want := rebased(t, s2.Payments(), "", ""), rebased(t, before, base1, base2); got != want {
		t.Fatalf("state after reopening:\n%s\nwant:\n%s", got, want)
	}

	c2 := client(t, base2)
	openAfter, err := c2.GetPayment(ctx, open.ID)
	if err != nil {
		t.Fatal(err)
	}
	if openAfter.Status != payments.StatusOpen || openAfter.AmountCents != 4500 || openAfter.ConsultationID != "c-open" ||
		openAfter.CheckoutURL != base2+"/checkout/"+open.ID {
		t.Fatalf("open payment after reopening = %+v", openAfter)
	}
	got, err := c2.GetPayment(ctx, paid.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != payments.StatusPaid || got.AmountRefundedCents != 500 || got.PaidAt == nil ||
		!got.PaidAt.Equal(*paidBefore.PaidAt) || got.ConsultationID != "c-paid" {
		t.Fatalf("paid payment after reopening = %+v, before %+v", got, paidBefore)
	}
	for id, want := range map[string]string{canceled.ID: payments.StatusCanceled, failed.ID: payments.StatusFailed} {
		got, err := c2.GetPayment(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != want || got.CheckoutURL != "" {
			t.Fatalf("payment %s after reopening = %+v, want %s", id, got, want)
		}
	}
	refunds, err := c2.ListRefunds(ctx, paid.ID)
	if err != nil {
		t.Fatal(err)
	}
	if want := []payments.Refund{r2, r1}; !slices.Equal(refunds, want) {
		t.Fatalf("refunds after reopening = %+v, want %+v", refunds, want)
	}
	if rf, err := c2.GetRefund(ctx, paid.ID, r1.ID); err != nil || rf != r1 {
		t.Fatalf("GetRefund after reopening = %+v, %v; want %+v", rf, err, r1)
	}

	// Idempotency keys still replay: nothing new is created.
	again := createPayment(t, c2, 4500, "c-open", hook, "consultation/c-open/payment")
	if again.ID != open.ID || again.Status != payments.StatusOpen {
		t.Fatalf("replayed create = %+v, want payment %s", again, open.ID)
	}
	rf, err := c2.CreateRefund(ctx, paid.ID, 300, "admin fee kept", "consultation/c-paid/refund")
	if err != nil || rf.ID != r1.ID {
		t.Fatalf("replayed refund = %+v, %v; want %s", rf, err, r1.ID)
	}
	if st, _, rawAgain := call(t, http.MethodPost, base2+"/v2/payments", "Bearer "+key, "raw-key", paymentBody); st != http.StatusCreated || !bytes.Equal(rawAgain, rawFirst) {
		t.Fatalf("raw replay after reopening:\n%d %s\nwant\n%s", st, rawAgain, rawFirst)
	}
	if n := len(s2.Payments()); n != len(before) {
		t.Fatalf("%d payments after replays, want %d", n, len(before))
	}
	if n := len(s2.Payments()[1].Refunds); n != 2 {
		t.Fatalf("%d refunds after a replay, want 2", n)
	}

	// The checkout page of the open payment still works.
	res, err := http.Get(openAfter.CheckoutURL)
	if err != nil {
		t.Fatal(err)
	}
	page, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK || !strings.Contains(string(page), `value="paid"`) || !strings.Contains(string(page), "45.00") {
		t.Fatalf("checkout page after reopening: %s\n%s", res.Status, page)
	}
	submitCheckout(t, base2, open.ID, molliesandbox.StatusPaid, http.StatusSeeOther)
	waitID(t, hooks, open.ID)
	stop2()

	// What the second run changed is kept too.
	s3, base3, _ := openAt(t, path, molliesandbox.Options{RefundSettleAfter: -1})
	got, err = client(t, base3).GetPayment(ctx, open.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != payments.StatusPaid || got.PaidAt == nil {
		t.Fatalf("payment paid in the second run = %+v", got)
	}
	if n := len(s3.Payments()); n != len(before) {
		t.Fatalf("%d payments in the third run, want %d", n, len(before))
	}
	onlyStateFile(t, dir)
}

func TestPendingRefundSettlesAfterReopen(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "mollie.json")
	hook, hooks := hookServer(t)

	s1, base1, stop1 := openAt(t, path, molliesandbox.Options{RefundSettleAfter: -1})
	c1 := client(t, base1)
	p := createPayment(t, c1, 1000, "c-1", hook, "")
	if err := s1.Complete(ctx, p.ID, molliesandbox.StatusPaid); err != nil {
		t.Fatal(err)
	}
	waitID(t, hooks, p.ID)
	r, err := c1.CreateRefund(ctx, p.ID, 400, "", "")
	if err != nil {
		t.Fatal(err)
	}
	stop1()

	_, base2, stop2 := openAt(t, path, molliesandbox.Options{RefundSettleAfter: 50 * time.Millisecond})
	waitID(t, hooks, p.ID) // the settlement's webhook
	got, err := client(t, base2).GetRefund(ctx, p.ID, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != payments.RefundRefunded {
		t.Fatalf("refund after reopening and settling = %+v", got)
	}
	stop2()

	s3, _, _ := openAt(t, path, molliesandbox.Options{RefundSettleAfter: -1})
	rfs := s3.Payments()[0].Refunds
	if len(rfs) != 1 || rfs[0].Status != molliesandbox.RefundRefunded || rfs[0].RefundedAt == nil {
		t.Fatalf("refunds in the third run = %+v", rfs)
	}
}

func TestOpenWithoutFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "mollie.json")
	s, _, _ := openAt(t, path, molliesandbox.Options{})
	if n := len(s.Payments()); n != 0 {
		t.Fatalf("%d payments in a new sandbox", n)
	}
	// The file is created at once.
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var st struct{ Version int }
	if err := json.Unmarshal(b, &st); err != nil || st.Version != 1 {
		t.Fatalf("new state file %s: %v", b, err)
	}
	onlyStateFile(t, dir)

	if _, err := molliesandbox.Open(molliesandbox.Options{StateFile: filepath.Join(dir, "missing", "mollie.json")}); err == nil {
		t.Fatal("Open in a missing directory succeeded")
	}

	// Without a state file, Open is New; New refuses a state file.
	s2, err := molliesandbox.Open(molliesandbox.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s2.Close()
	defer func() {
		if recover() == nil {
			t.Fatal("New with a StateFile did not panic")
		}
	}()
	molliesandbox.New(molliesandbox.Options{StateFile: path})
}

func TestOpenCorruptFile(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	good := filepath.Join(dir, "mollie.json")
	s, base, stop := openAt(t, good, molliesandbox.Options{RefundSettleAfter: -1, Logger: slog.New(slog.DiscardHandler)})
	c := client(t, base)
	p := createPayment(t, c, 1000, "c-1", "", "k-1")
	if err := s.Complete(ctx, p.ID, molliesandbox.StatusPaid); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateRefund(ctx, p.ID, 100, "", ""); err != nil {
		t.Fatal(err)
	}
	stop()
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	valid := string(data)
	for _, want := range []string{`"status": "paid"`, `"value": "10.00"`, `"value": "1.00"`, `"status": "pending"`, `"version": 1`, `"key": "k-1"`} {
		if !strings.Contains(valid, want) {
			t.Fatalf("state file lacks %s:\n%s", want, valid)
		}
	}
	// The valid file opens (a control for the cases below).
	if s, err := molliesandbox.Open(molliesandbox.Options{StateFile: good, RefundSettleAfter: -1}); err != nil {
		t.Fatalf("Open of a valid file: %v", err)
	} else {
		s.Close()
	}

	for i, content := range []string{
		"",
		"{",
		"not json",
		valid + "garbage",
		`[]`,
		strings.Replace(valid, `"version": 1`, `"version": 2`, 1),
		strings.Replace(valid, `"status": "paid"`, `"status": "bogus"`, 1),
		strings.Replace(valid, `"status": "paid"`, `"status": "open"`, 1), // refunds on an open payment
		strings.Replace(valid, `"status": "pending"`, `"status": "failed"`, 1),
		strings.Replace(valid, `"value": "10.00"`, `"value": "10.0"`, 1),
		strings.Replace(valid, `"value": "1.00"`, `"value": "11.00"`, 1), // refunded more than paid
		strings.Replace(valid, `"id": "tr_`, `"id": "xx_`, 1),
		strings.Replace(valid, `"key": "k-1"`, `"key": ""`, 1),
	} {
		path := filepath.Join(dir, fmt.Sprintf("corrupt-%d.json", i))
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		s, err := molliesandbox.Open(molliesandbox.Options{StateFile: path})
		if err == nil {
			s.Close()
			t.Errorf("case %d: Open of a corrupt file succeeded:\n%.300s", i, content)
			continue
		}
		if !strings.Contains(err.Error(), path) {
			t.Errorf("case %d: error %q does not name the file", i, err)
		}
		// The file is left as it was, for the developer to look at.
		if b, err := os.ReadFile(path); err != nil || string(b) != content {
			t.Errorf("case %d: file changed by a failed Open (%v)", i, err)
		}
	}
}

func TestConcurrentChangesKeepFileConsistent(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	path := filepath.Join(dir, "mollie.json")
	s, base, _ := openAt(t, path, molliesandbox.Options{RefundSettleAfter: -1, Logger: slog.New(slog.DiscardHandler)})
	c := client(t, base)

	const n = 24
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			p, err := c.CreatePayment(ctx, payments.CreatePayment{
				AmountCents:    int64(1000 + i),
				Description:    fmt.Sprintf("Consultation %d", i),
				RedirectURL:    "https://app.example/r",
				ConsultationID: fmt.Sprintf("c-%d", i),
				IdempotencyKey: fmt.Sprintf("consultation/c-%d/payment", i),
			})
			if err != nil {
				t.Errorf("create %d: %v", i, err)
				return
			}
			if i%2 == 1 {
				return
			}
			if err := s.Complete(ctx, p.ID, molliesandbox.StatusPaid); err != nil {
				t.Errorf("complete %d: %v", i, err)
				return
			}
			if _, err := c.CreateRefund(ctx, p.ID, 100, "", fmt.Sprintf("consultation/c-%d/refund", i)); err != nil {
				t.Errorf("refund %d: %v", i, err)
			}
		})
	}
	// Readers meanwhile.
	for range 4 {
		wg.Go(func() {
			for range 10 {
				if st, _, b := call(t, http.MethodGet, base+"/sandbox/payments", "", "", ""); st != http.StatusOK {
					t.Errorf("GET /sandbox/payments: %d %s", st, b)
				}
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}

	// Every answered change is already on disk, without Close: a second
	// sandbox reading the file sees exactly the first one's state.
	want := s.Payments()
	if len(want) != n {
		t.Fatalf("%d payments, want %d", len(want), n)
	}
	s2, err := molliesandbox.Open(molliesandbox.Options{StateFile: path, RefundSettleAfter: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if got, want := rebased(t, s2.Payments(), "", ""), rebased(t, want, "", ""); got != want {
		t.Fatalf("state read back:\n%s\nwant:\n%s", got, want)
	}
	paid := 0
	for _, p := range s2.Payments() {
		if p.Status == molliesandbox.StatusPaid {
			paid++
			if len(p.Refunds) != 1 || p.AmountRefunded.Value != "1.00" {
				t.Errorf("payment %s: refunds %+v", p.ID, p.Refunds)
			}
		}
	}
	if paid != n/2 {
		t.Fatalf("%d paid payments read back, want %d", paid, n/2)
	}
	onlyStateFile(t, dir)
}
