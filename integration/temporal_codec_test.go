package integration

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
	"google.golang.org/protobuf/encoding/protojson"

	"derma2go/api"
	"derma2go/secure/payloadcodec"
	"derma2go/workflows"
)

// uiGet fetches a path of the Temporal UI server's HTTP API (the API the
// UI's pages read) and returns the body.
func uiGet(t *testing.T, path string) []byte {
	t.Helper()
	ui := stack.Temporal.UIURL()
	if ui == "" {
		t.Fatal("the test stack runs no Temporal UI")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, ui+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK {
		t.Fatalf("Temporal UI GET %s → %d: %s", path, res.StatusCode, body)
	}
	return body
}

// wirePayload is a payload as Temporal's JSON writes it.
type wirePayload struct {
	Metadata map[string]string `json:"metadata"`
	Data     string            `json:"data"`
}

func (p wirePayload) meta(t *testing.T, key string) string {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(p.Metadata[key])
	if err != nil {
		t.Fatalf("metadata %s: %v", key, err)
	}
	return string(b)
}

// historyPayloads collects every payload of a history in Temporal's JSON
// (objects with metadata.encoding), apart from the search attributes, which
// Temporal indexes and no codec may touch.
func historyPayloads(t *testing.T, raw []byte) []json.RawMessage {
	t.Helper()
	var doc any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	var out []json.RawMessage
	var walk func(v any, key string)
	walk = func(v any, key string) {
		switch v := v.(type) {
		case map[string]any:
			if key == "searchAttributes" {
				return
			}
			if md, ok := v["metadata"].(map[string]any); ok && md["encoding"] != nil {
				b, err := json.Marshal(v)
				if err != nil {
					t.Fatal(err)
				}
				out = append(out, b)
				return
			}
			for k, c := range v {
				walk(c, k)
			}
		case []any:
			for _, c := range v {
				walk(c, key)
			}
		}
	}
	walk(doc, "")
	return out
}

// TestTemporalPayloadsAreCiphertextAndOnlyAdminsDecodeThem: a consultation's
// history, fetched through the Temporal UI server (the frontend API the UI
// reads), holds only payloads sealed with the data key — no guest name,
// address, consultation id or status in its bytes; the UI is wired to the
// API's codec endpoint; through that endpoint an admin's session (bearer, or
// the cookie from the UI's origin) decodes it to the plaintext the worker
// used, audited, and a doctor, a patient or nobody is refused; another
// origin gets no CORS permission.
func TestTemporalPayloadsAreCiphertextAndOnlyAdminsDecodeThem(t *testing.T) {
	ac := newAdviceCase(t, 167)
	ac.pay("paid")
	ac.waitStatus("awaiting_intake")
	ac.submitIntake()
	ac.waitStatus("awaiting_advice")

	// The UI decodes through our endpoint, with the browser's credentials.
	var settings struct {
		Codec struct {
			Endpoint           string
			IncludeCredentials bool
		}
	}
	if err := json.Unmarshal(uiGet(t, "/api/v1/settings"), &settings); err != nil {
		t.Fatal(err)
	}
	if settings.Codec.Endpoint != stack.APIURL+api.TemporalCodecPath || !settings.Codec.IncludeCredentials {
		t.Fatalf("UI codec settings %+v, want endpoint %s with credentials", settings.Codec, stack.APIURL+api.TemporalCodecPath)
	}

	wfID := workflows.ConsultationWorkflowID(ac.id)
	raw := uiGet(t, "/api/v1/namespaces/"+stack.Temporal.Namespace()+"/workflows/"+url.PathEscape(wfID)+"/history")
	payloads := historyPayloads(t, raw)
	if len(payloads) < 5 {
		t.Fatalf("history holds %d payloads: %s", len(payloads), raw)
	}
	lower := strings.ToLower(string(raw))
	for _, secret := range []string{ac.guestEmail, guestName, "awaiting_advice", "consultationid"} {
		if strings.Contains(lower, strings.ToLower(secret)) {
			t.Errorf("the history names %q in clear", secret)
		}
	}
	for _, p := range payloads {
		var wp wirePayload
		if err := json.Unmarshal(p, &wp); err != nil {
			t.Fatal(err)
		}
		if enc := wp.meta(t, "encoding"); enc != "binary/encrypted" || wp.meta(t, "encryption-key-id") == "" {
			t.Errorf("payload with encoding %q, key %q: %s", enc, wp.meta(t, "encryption-key-id"), p)
		}
		data, err := base64.StdEncoding.DecodeString(wp.Data)
		if err != nil {
			t.Fatal(err)
		}
		for _, secret := range []string{ac.id, ac.guestEmail, guestName, "ConsultationID"} {
			if bytes.Contains(data, []byte(secret)) {
				t.Errorf("a payload holds %q in clear", secret)
			}
		}
	}

	origin := stack.Temporal.UIURL()
	body := map[string]any{"payloads": payloads}
	decodePath := api.TemporalCodecPath + "/decode?preserveStorageRefs=true"
	admin, as := loginAs(t, "admin@derma2go.test", "admin-demo-2026")
	fromUI := &apiClient{t: t, token: admin.token, header: http.Header{"Origin": {origin}, "X-Namespace": {stack.Temporal.Namespace()}}}
	res := fromUI.do("POST", decodePath, body).expect(t, http.StatusOK)
	if res.Header.Get("Access-Control-Allow-Origin") != origin || res.Header.Get("Access-Control-Allow-Credentials") != "true" {
		t.Errorf("decode from the UI's origin: CORS headers %v", res.Header)
	}
	var decoded struct {
		Payloads []wirePayload `json:"payloads"`
	}
	res.decode(t, &decoded)
	if len(decoded.Payloads) != len(payloads) {
		t.Fatalf("%d payloads decoded, %d sent", len(decoded.Payloads), len(payloads))
	}
	var plaintext strings.Builder
	for _, p := range decoded.Payloads {
		if enc := p.meta(t, "encoding"); enc != "json/plain" {
			t.Errorf("decoded payload has encoding %q", enc)
		}
		data, _ := base64.StdEncoding.DecodeString(p.Data)
		plaintext.Write(data)
	}
	for _, want := range []string{`"ConsultationID":"` + ac.id + `"`, `"Status":"awaiting_advice"`, `"DoctorID":"` + ac.doctorID + `"`} {
		if !strings.Contains(plaintext.String(), want) {
			t.Errorf("decoded history lacks %s", want)
		}
	}
	rows := auditRowsOf(t, res.Header.Get("X-Request-ID"))
	if len(rows) != 1 || rows[0].ActorID != as.User.ID || rows[0].ActorRole != "admin" || rows[0].ObjectType != "temporal_payload" ||
		rows[0].Action != "read" || rows[0].Outcome != http.StatusOK || rows[0].ObjectID != "consultation/"+ac.id ||
		rows[0].PatientID != consultationPatient(t, ac.id) {
		t.Errorf("decode audit rows %+v, want one read by admin %s naming consultation/%s", rows, as.User.ID, ac.id)
	}

	// The UI sends the admin's session cookie, without the CSRF header it
	// cannot read: from the UI's origin that is enough, from another not.
	cookie := &apiClient{t: t, header: http.Header{"Origin": {origin}, "Cookie": {"derma_session=" + admin.token}}}
	cookie.do("POST", decodePath, body).expect(t, http.StatusOK)
	cookie.header.Set("Origin", "http://evil.example")
	if r := cookie.do("POST", decodePath, body).expect(t, http.StatusForbidden); r.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("another origin got CORS permission: %v", r.Header)
	}

	// Nobody else decodes.
	doctor := &apiClient{t: t, token: ac.doctor.token, header: fromUI.header}
	doctor.do("POST", decodePath, body).expect(t, http.StatusForbidden)
	patient, _ := loginAs(t, "patient@derma2go.test", "patient-demo-2026")
	patient.header = fromUI.header
	patient.do("POST", decodePath, body).expect(t, http.StatusForbidden)
	(&apiClient{t: t, header: fromUI.header}).do("POST", decodePath, body).expect(t, http.StatusUnauthorized)
	(&apiClient{t: t, token: "not-a-real-token", header: fromUI.header}).do("POST", decodePath, body).expect(t, http.StatusUnauthorized)

	// The preflight: the UI's origin may send credentials, JSON and
	// X-Namespace; another origin may not.
	preflight := func(from string) response {
		return (&apiClient{t: t, header: http.Header{"Origin": {from}, "Access-Control-Request-Method": {"POST"},
			"Access-Control-Request-Headers": {"content-type,x-namespace"}}}).do("OPTIONS", api.TemporalCodecPath+"/decode", nil)
	}
	res = preflight(origin).expect(t, http.StatusNoContent)
	if res.Header.Get("Access-Control-Allow-Origin") != origin || res.Header.Get("Access-Control-Allow-Credentials") != "true" ||
		!strings.Contains(res.Header.Get("Access-Control-Allow-Headers"), "X-Namespace") || res.Header.Get("Access-Control-Allow-Methods") != "POST" {
		t.Errorf("preflight from the UI: %v", res.Header)
	}
	res = preflight("http://evil.example").expect(t, http.StatusForbidden)
	if res.Header.Get("Access-Control-Allow-Origin") != "" || res.Header.Get("Access-Control-Allow-Credentials") != "" {
		t.Errorf("preflight from another origin allowed: %v", res.Header)
	}
	// A bearer token (the CLI's --codec-auth) needs no origin, and gets no
	// CORS headers for another one.
	other := &apiClient{t: t, token: admin.token, header: http.Header{"Origin": {"http://evil.example"}}}
	if r := other.do("POST", decodePath, body).expect(t, http.StatusOK); r.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("bearer from another origin got CORS permission: %v", r.Header)
	}

	// Encode seals what the UI sends; decode opens it again; a payload that
	// is not ours is a 422, not a 500.
	plain := map[string]any{"payloads": []map[string]any{{"metadata": map[string]string{"encoding": base64.StdEncoding.EncodeToString([]byte("json/plain"))},
		"data": base64.StdEncoding.EncodeToString([]byte(`"state"`))}}}
	var sealed struct {
		Payloads []wirePayload `json:"payloads"`
	}
	fromUI.do("POST", api.TemporalCodecPath+"/encode", plain).expect(t, http.StatusOK).decode(t, &sealed)
	if len(sealed.Payloads) != 1 || sealed.Payloads[0].meta(t, "encoding") != "binary/encrypted" {
		t.Fatalf("encoded %+v", sealed)
	}
	var opened struct {
		Payloads []wirePayload `json:"payloads"`
	}
	fromUI.do("POST", decodePath, sealed).expect(t, http.StatusOK).decode(t, &opened)
	if len(opened.Payloads) != 1 || opened.Payloads[0].Data != base64.StdEncoding.EncodeToString([]byte(`"state"`)) {
		t.Fatalf("round trip %+v", opened)
	}
	forged := sealed.Payloads[0]
	forged.Data = base64.StdEncoding.EncodeToString([]byte("\x05k2026not-a-real-ciphertext-at-all-0123456789"))
	forged.Metadata["encryption-key-id"] = base64.StdEncoding.EncodeToString([]byte("k2026"))
	fromUI.do("POST", decodePath, map[string]any{"payloads": []wirePayload{forged}}).expect(t, http.StatusUnprocessableEntity)
}

// consultationPatient is the patient id of a consultation ("" for none).
func consultationPatient(t *testing.T, id string) string {
	t.Helper()
	var patient string
	if err := stack.Platform.Store.Pool.QueryRow(context.Background(),
		`SELECT coalesce(patient_id::text, '') FROM consultations WHERE id = $1`, id).Scan(&patient); err != nil {
		t.Fatal(err)
	}
	return patient
}

// failureConverter reads failures as the workers wrote them (their texts
// sealed by the payload codec).
func failureConverter() converter.FailureConverter {
	return payloadcodec.FailureConverter(payloadcodec.DataConverter(stack.Platform.Codec))
}

// codecConsultation is the consultation whose payload the audit walk
// decodes.
var codecConsultation string

// sealedPayloadsOf is a codec request body with one JSON payload sealed as
// the workers seal it.
func sealedPayloadsOf(t *testing.T, jsonValue string) []byte {
	t.Helper()
	sealed, err := stack.Platform.Codec.Encode([]*commonpb.Payload{{
		Metadata: map[string][]byte{converter.MetadataEncoding: []byte(converter.MetadataEncodingJSON)}, Data: []byte(jsonValue)}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := protojson.Marshal(&commonpb.Payloads{Payloads: sealed})
	if err != nil {
		t.Fatal(err)
	}
	return b
}
