// Package payloadcodec encrypts Temporal payloads with the platform's field
// keys (secure.Fields: AES-256-GCM, DERMA_DATA_KEY, one key ring), so that
// workflow inputs, results, signals, queries, memos and failure details are
// ciphertext in Temporal's persistence and in its frontend API. The API's
// client and the worker use it through DataConverter; the Temporal Web UI
// decodes through the API's codec endpoint.
//
// An encrypted payload has the metadata
//
//	encoding:          binary/encrypted
//	encryption-cipher: AES-256-GCM
//	encryption-key-id: <id of the data key>
//
// and as data the whole original payload (metadata and data, protobuf)
// sealed by secure.Fields with the context "temporal.payload"; the sealed
// bytes name their key id too, and the two must agree. Payloads without that
// encoding (histories written before the codec) decode unchanged.
package payloadcodec

import (
	"errors"
	"fmt"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"google.golang.org/protobuf/proto"

	"derma2go/secure"
)

// Metadata of an encrypted payload.
const (
	// Encoding is the value of the "encoding" metadata of an encrypted payload.
	Encoding = "binary/encrypted"
	// MetadataKeyID names the data key that sealed the payload.
	MetadataKeyID = "encryption-key-id"
	// MetadataCipher names the cipher.
	MetadataCipher = "encryption-cipher"
	// Cipher is the value of MetadataCipher.
	Cipher = "AES-256-GCM"
	// context is the additional data bound to every sealed payload, so a
	// sealed field copied into a payload (or the reverse) does not open.
	sealContext = "temporal.payload"
)

// ErrKeyMismatch is returned for an encrypted payload whose metadata names
// another key than its ciphertext.
var ErrKeyMismatch = errors.New("payloadcodec: key id in metadata does not match the ciphertext")

// ErrMalformed is returned for an encrypted payload that opens but does not
// hold a payload.
var ErrMalformed = errors.New("payloadcodec: sealed bytes are not a payload")

// Codec is a converter.PayloadCodec that seals payloads with the active
// data key and opens them with any configured key.
type Codec struct {
	fields *secure.Fields
}

// New is the codec of the field cipher f.
func New(f *secure.Fields) *Codec { return &Codec{fields: f} }

// Encode seals every payload. Payloads that are already sealed stay as they
// are (the codec is not applied twice).
func (c *Codec) Encode(payloads []*commonpb.Payload) ([]*commonpb.Payload, error) {
	out := make([]*commonpb.Payload, len(payloads))
	for i, p := range payloads {
		if Encrypted(p) {
			out[i] = p
			continue
		}
		plain, err := proto.Marshal(p)
		if err != nil {
			return nil, fmt.Errorf("payloadcodec: marshal: %w", err)
		}
		sealed, err := c.fields.Encrypt(sealContext, plain)
		if err != nil {
			return nil, fmt.Errorf("payloadcodec: %w", err)
		}
		out[i] = &commonpb.Payload{
			Metadata: map[string][]byte{
				converter.MetadataEncoding: []byte(Encoding),
				MetadataCipher:             []byte(Cipher),
				MetadataKeyID:              []byte(secure.KeyID(sealed)),
			},
			Data: sealed,
		}
	}
	return out, nil
}

// Decode opens every encrypted payload; others (written before the codec)
// are returned unchanged.
func (c *Codec) Decode(payloads []*commonpb.Payload) ([]*commonpb.Payload, error) {
	out := make([]*commonpb.Payload, len(payloads))
	for i, p := range payloads {
		if !Encrypted(p) {
			out[i] = p
			continue
		}
		if string(p.GetMetadata()[MetadataKeyID]) != secure.KeyID(p.GetData()) {
			return nil, ErrKeyMismatch
		}
		plain, err := c.fields.Decrypt(sealContext, p.GetData())
		if err != nil {
			return nil, fmt.Errorf("payloadcodec: key %q: %w", p.GetMetadata()[MetadataKeyID], err)
		}
		var orig commonpb.Payload
		if err := proto.Unmarshal(plain, &orig); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
		}
		out[i] = &orig
	}
	return out, nil
}

// Encrypted reports whether p was sealed by a Codec.
func Encrypted(p *commonpb.Payload) bool {
	return string(p.GetMetadata()[converter.MetadataEncoding]) == Encoding
}

// DataConverter is the SDK's default data converter with c applied to every
// payload.
func DataConverter(c *Codec) converter.DataConverter {
	return converter.NewCodecDataConverter(converter.GetDefaultDataConverter(), c)
}

// FailureConverter moves the message and stack trace of every failure
// (activity errors, workflow failures) into an encoded payload, so error
// texts are ciphertext in Temporal too.
func FailureConverter(dc converter.DataConverter) converter.FailureConverter {
	return temporal.NewDefaultFailureConverter(temporal.DefaultFailureConverterOptions{
		DataConverter:          dc,
		EncodeCommonAttributes: true,
	})
}
