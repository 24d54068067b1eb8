package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"

	"derma2go/db"
	"derma2go/secure"
	"derma2go/secure/payloadcodec"
)

// The payload codec endpoint of the Temporal Web UI (Temporal's remote codec
// protocol): the UI posts the payloads of a history it shows to
// /v1/admin/temporal-codec/decode and displays what comes back. Only an
// admin (with the second factor) gets plaintext; every decode is audited.
//
// The UI runs on another origin (TEMPORAL_UI_ORIGIN) and sends the admin's
// session cookie ("include cross-origin credentials") with a JSON body and
// an X-Namespace header, so the browser asks first (a CORS preflight). Only
// that origin is answered with CORS headers; from it, the Origin header,
// which a page cannot forge, stands in for the CSRF header the UI cannot
// send. Bearer tokens (the Temporal CLI's --codec-auth) work from anywhere
// without CORS.

// TemporalCodecPath is the codec endpoint to configure in the Temporal UI
// (codec.endpoint: PUBLIC_URL followed by it; the UI appends /decode and
// /encode).
const TemporalCodecPath = "/v1/admin/temporal-codec"

// ctxTrustedOrigin marks a request that came from TEMPORAL_UI_ORIGIN.
const ctxTrustedOrigin = "derma.trusted-origin"

// maxCodecBody is the body cap of the codec routes: a history's payloads,
// base64 in JSON.
const maxCodecBody = 8 << 20

var (
	textCodecOrigin = problemText{"Origin not allowed",
		"This origin may not use the Temporal codec; only the configured Temporal UI (TEMPORAL_UI_ORIGIN) may."}

	textCodecOff = problemText{"Codec not available",
		"This API does not decode Temporal data."}

	textCodecUndecodable = problemText{"Payload cannot be decoded",
		"Payload %d was not sealed with one of our keys or has been altered."}
)

// codecRequest is the body of the codec routes and their answer: Temporal's
// Payloads message in its JSON form (bytes as base64), at most 1000
// payloads.
type codecRequest struct {
	Payloads []codecPayload `json:"payloads" validate:"max=1000,dive"`
}

// codecPayload is one Temporal payload.
type codecPayload struct {
	Metadata         map[string][]byte `json:"metadata,omitempty" validate:"max=64"`
	Data             []byte            `json:"data,omitempty"`
	ExternalPayloads []codecExternal   `json:"externalPayloads,omitempty" validate:"max=64"`
}

// codecExternal is a payload's detail of externally stored data.
type codecExternal struct {
	// SizeBytes is an int64, which protobuf's JSON writes as a string.
	SizeBytes jsonInt64 `json:"sizeBytes,omitempty"`
}

// jsonInt64 reads an int64 written as a number or as a string (protobuf's
// JSON) and writes it as a string.
type jsonInt64 int64

// UnmarshalJSON accepts 12 and "12".
func (n *jsonInt64) UnmarshalJSON(b []byte) error {
	if len(b) > 1 && b[0] == '"' && b[len(b)-1] == '"' {
		b = b[1 : len(b)-1]
	}
	v, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		return fmt.Errorf("sizeBytes: %w", err)
	}
	*n = jsonInt64(v)
	return nil
}

// MarshalJSON writes the number as a string, as protobuf's JSON does.
func (n jsonInt64) MarshalJSON() ([]byte, error) {
	return []byte(`"` + strconv.FormatInt(int64(n), 10) + `"`), nil
}

func (r codecRequest) proto() []*commonpb.Payload {
	out := make([]*commonpb.Payload, len(r.Payloads))
	for i, p := range r.Payloads {
		out[i] = &commonpb.Payload{Metadata: p.Metadata, Data: p.Data}
		for _, e := range p.ExternalPayloads {
			out[i].ExternalPayloads = append(out[i].ExternalPayloads, &commonpb.Payload_ExternalPayloadDetails{SizeBytes: int64(e.SizeBytes)})
		}
	}
	return out
}

func codecResponse(ps []*commonpb.Payload) codecRequest {
	out := codecRequest{Payloads: make([]codecPayload, len(ps))}
	for i, p := range ps {
		out.Payloads[i] = codecPayload{Metadata: p.GetMetadata(), Data: p.GetData()}
		for _, e := range p.GetExternalPayloads() {
			out.Payloads[i].ExternalPayloads = append(out.Payloads[i].ExternalPayloads, codecExternal{SizeBytes: jsonInt64(e.GetSizeBytes())})
		}
	}
	return out
}

// temporalUICORS answers the Temporal UI's origin with the CORS headers of
// a credentialed request and marks the request as coming from it; any
// other origin gets none, so a browser does not let its page read the
// answer (nor, after a refused preflight, send the request).
func (s *Server) temporalUICORS(c *gin.Context) {
	c.Writer.Header().Add("Vary", "Origin")
	if origin := c.GetHeader("Origin"); origin != "" && s.TemporalUIOrigin != "" && origin == s.TemporalUIOrigin {
		c.Header("Access-Control-Allow-Origin", origin)
		c.Header("Access-Control-Allow-Credentials", "true")
		c.Set(ctxTrustedOrigin, true)
	}
	c.Next()
}

// fromTrustedOrigin reports whether temporalUICORS recognised the request's
// origin as the Temporal UI's.
func fromTrustedOrigin(c *gin.Context) bool { return c.GetBool(ctxTrustedOrigin) }

// codecPreflight answers the browser's CORS preflight of the codec routes.
func (s *Server) codecPreflight(c *gin.Context) {
	if !fromTrustedOrigin(c) {
		fail(c, localProblem(c, requestLanguage(c, ""), http.StatusForbidden, "origin-not-allowed", textCodecOrigin))
		return
	}
	c.Header("Access-Control-Allow-Methods", "POST")
	c.Header("Access-Control-Allow-Headers", "Content-Type, X-Namespace, Authorization, Authorization-Extras")
	c.Header("Access-Control-Max-Age", "600")
	c.Status(http.StatusNoContent)
}

// codecDecode opens the payloads (Temporal's /decode); payloads written
// before the codec come back unchanged.
func (s *Server) codecDecode(c *gin.Context) { s.runCodec(c, true) }

// codecEncode seals the payloads (Temporal's /encode), which the UI and CLI
// use for what they send (queries' arguments).
func (s *Server) codecEncode(c *gin.Context) { s.runCodec(c, false) }

func (s *Server) runCodec(c *gin.Context, decode bool) {
	lang := requestLanguage(c, "")
	if s.PayloadCodec == nil {
		fail(c, localProblem(c, lang, http.StatusServiceUnavailable, "unavailable", textCodecOff))
		return
	}
	var req codecRequest
	if err := decodeJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	in := req.proto()
	if e := auditEntryOf(c); e != nil {
		e.objectID = truncate(fmt.Sprintf("namespace=%s payloads=%d", c.GetHeader("X-Namespace"), len(in)), 128)
	}
	var out []*commonpb.Payload
	var err error
	if decode {
		out = make([]*commonpb.Payload, len(in))
		for i, p := range in {
			d, derr := s.PayloadCodec.Decode([]*commonpb.Payload{p})
			if derr != nil {
				err = codecFailure(c, lang, i, derr)
				break
			}
			out[i] = d[0]
		}
	} else {
		out, err = s.PayloadCodec.Encode(in)
	}
	if err != nil {
		fail(c, err)
		return
	}
	if decode {
		if err := s.auditDecoded(c, out); err != nil {
			fail(c, err)
			return
		}
	}
	c.JSON(http.StatusOK, codecResponse(out))
}

// maxAuditedConsultations bounds the consultations one decode looks up.
const maxAuditedConsultations = 50

// auditDecoded names in the decode's audit rows the patients whose
// consultations the plaintext belongs to: every decoded JSON payload that
// carries a ConsultationID (workflow inputs, activity inputs, signals),
// one row per patient, so the patient's access log shows the admin's look.
func (s *Server) auditDecoded(c *gin.Context, out []*commonpb.Payload) error {
	e := auditEntryOf(c)
	if e == nil {
		return nil
	}
	var ids []uuid.UUID
	seen := map[uuid.UUID]bool{}
	for _, p := range out {
		if string(p.GetMetadata()[converter.MetadataEncoding]) != converter.MetadataEncodingJSON || len(ids) == maxAuditedConsultations {
			continue
		}
		var v struct{ ConsultationID string }
		if json.Unmarshal(p.GetData(), &v) != nil {
			continue
		}
		if id, err := uuid.Parse(v.ConsultationID); err == nil && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	byPatient := map[uuid.NullUUID]int{}
	for _, id := range ids {
		cons, err := s.Store.GetConsultation(c, id)
		if errors.Is(db.Translate(err), db.ErrNotFound) {
			continue
		}
		if err != nil {
			return fmt.Errorf("codec audit: consultation %s: %w", id, err)
		}
		i, ok := byPatient[cons.PatientID]
		if !ok {
			i = len(e.listed)
			byPatient[cons.PatientID] = i
			e.listed = append(e.listed, auditListing{patient: cons.PatientID})
		}
		e.listed[i].objects = append(e.listed[i].objects, "consultation/"+id.String())
	}
	return nil
}

// codecFailure is the answer to a payload that does not open: a 422
// naming it, for what a client sent that is not ours to decode.
func codecFailure(c *gin.Context, lang string, i int, err error) error {
	if errors.Is(err, secure.ErrDecrypt) || errors.Is(err, payloadcodec.ErrKeyMismatch) || errors.Is(err, payloadcodec.ErrMalformed) {
		return localProblem(c, lang, http.StatusUnprocessableEntity, "undecodable-payload", textCodecUndecodable, i)
	}
	return err
}
