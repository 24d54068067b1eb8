package payloadcodec

import (
	"bytes"
	"errors"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"

	"derma2go/config"
	"derma2go/secure"
	"derma2go/workflows"
)

func key(b byte) []byte { return bytes.Repeat([]byte{b}, 32) }

func fields(t testing.TB, keys ...config.NamedKey) *secure.Fields {
	t.Helper()
	f, err := secure.NewFields(keys, key(9))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// typicalInput is the most frequent activity payload of a consultation.
func typicalInput() workflows.RecordTransitionInput {
	due := time.Date(2026, 12, 2, 17, 0, 0, 0, time.UTC)
	return workflows.RecordTransitionInput{ConsultationID: "0b7c3f0e-5a43-4d4e-9a51-2f4d8f1e6c21", Seq: 4,
		Status: "awaiting_advice", DueAt: &due, PaymentID: "tr_WDqYK6vllg", At: due.Add(-24 * time.Hour)}
}

func TestEncodeSealsEveryPayloadWithTheKeyIDInItsMetadata(t *testing.T) {
	c := New(fields(t, config.NamedKey{ID: "k1", Key: key(1)}))
	dc := DataConverter(c)
	p, err := dc.ToPayload(typicalInput())
	if err != nil {
		t.Fatal(err)
	}
	if got := string(p.Metadata[converter.MetadataEncoding]); got != Encoding {
		t.Fatalf("encoding = %q, want %q", got, Encoding)
	}
	if got := string(p.Metadata[MetadataKeyID]); got != "k1" {
		t.Fatalf("key id = %q, want k1", got)
	}
	if got := string(p.Metadata[MetadataCipher]); got != Cipher {
		t.Fatalf("cipher = %q", got)
	}
	for _, clear := range []string{"0b7c3f0e", "awaiting_advice", "tr_WDqYK6vllg", "json/plain", "ConsultationID"} {
		if bytes.Contains(p.Data, []byte(clear)) {
			t.Errorf("sealed payload contains %q", clear)
		}
	}
	var back workflows.RecordTransitionInput
	if err := dc.FromPayload(p, &back); err != nil {
		t.Fatal(err)
	}
	if back.ConsultationID != typicalInput().ConsultationID || back.Seq != 4 || !back.DueAt.Equal(*typicalInput().DueAt) {
		t.Fatalf("round trip = %+v", back)
	}
}

func TestPlainPayloadsOfOldHistoriesDecodeUnchanged(t *testing.T) {
	c := New(fields(t, config.NamedKey{ID: "k1", Key: key(1)}))
	plain, err := converter.GetDefaultDataConverter().ToPayload(typicalInput())
	if err != nil {
		t.Fatal(err)
	}
	out, err := c.Decode([]*commonpb.Payload{plain})
	if err != nil {
		t.Fatal(err)
	}
	if out[0] != plain {
		t.Fatal("a plain payload was changed by Decode")
	}
	var back workflows.RecordTransitionInput
	if err := DataConverter(c).FromPayload(plain, &back); err != nil || back.PaymentID != "tr_WDqYK6vllg" {
		t.Fatalf("plain payload through the data converter: %+v, %v", back, err)
	}
}

func TestRotationLikeTheFieldKeys(t *testing.T) {
	k1 := config.NamedKey{ID: "k1", Key: key(1)}
	k2 := config.NamedKey{ID: "k2", Key: key(2)}
	before := New(fields(t, k1))
	sealedOld, err := before.Encode([]*commonpb.Payload{{Data: []byte("old")}})
	if err != nil {
		t.Fatal(err)
	}
	after := New(fields(t, k2, k1))
	sealedNew, err := after.Encode([]*commonpb.Payload{{Data: []byte("new")}})
	if err != nil {
		t.Fatal(err)
	}
	if got := string(sealedNew[0].Metadata[MetadataKeyID]); got != "k2" {
		t.Fatalf("new payload sealed with %q, want the first key k2", got)
	}
	out, err := after.Decode([]*commonpb.Payload{sealedOld[0], sealedNew[0]})
	if err != nil {
		t.Fatal(err)
	}
	if string(out[0].Data) != "old" || string(out[1].Data) != "new" {
		t.Fatalf("decoded %q %q", out[0].Data, out[1].Data)
	}
	if _, err := before.Decode(sealedNew); !errors.Is(err, secure.ErrDecrypt) {
		t.Fatalf("a reader without k2 decoded a k2 payload: %v", err)
	}
}

func TestTamperedPayloadsAreRefused(t *testing.T) {
	c := New(fields(t, config.NamedKey{ID: "k2", Key: key(2)}, config.NamedKey{ID: "k1", Key: key(1)}))
	sealed, err := c.Encode([]*commonpb.Payload{{Data: []byte("x")}})
	if err != nil {
		t.Fatal(err)
	}
	flipped := &commonpb.Payload{Metadata: sealed[0].Metadata, Data: bytes.Clone(sealed[0].Data)}
	flipped.Data[len(flipped.Data)-1] ^= 1
	if _, err := c.Decode([]*commonpb.Payload{flipped}); !errors.Is(err, secure.ErrDecrypt) {
		t.Fatalf("flipped bit: %v", err)
	}
	relabelled := &commonpb.Payload{Metadata: map[string][]byte{}, Data: sealed[0].Data}
	for k, v := range sealed[0].Metadata {
		relabelled.Metadata[k] = v
	}
	relabelled.Metadata[MetadataKeyID] = []byte("k1")
	if _, err := c.Decode([]*commonpb.Payload{relabelled}); !errors.Is(err, ErrKeyMismatch) {
		t.Fatalf("metadata naming another key: %v", err)
	}
	field, err := fields(t, config.NamedKey{ID: "k2", Key: key(2)}).Encrypt("users.email", []byte("a@b.nl"))
	if err != nil {
		t.Fatal(err)
	}
	copied := &commonpb.Payload{Metadata: sealed[0].Metadata, Data: field}
	if _, err := c.Decode([]*commonpb.Payload{copied}); !errors.Is(err, secure.ErrDecrypt) {
		t.Fatalf("a field ciphertext opened as a payload: %v", err)
	}
}

func TestEncodeIsNotAppliedTwice(t *testing.T) {
	c := New(fields(t, config.NamedKey{ID: "k1", Key: key(1)}))
	once, err := c.Encode([]*commonpb.Payload{{Data: []byte("x")}})
	if err != nil {
		t.Fatal(err)
	}
	twice, err := c.Encode(once)
	if err != nil {
		t.Fatal(err)
	}
	if twice[0] != once[0] {
		t.Fatal("an encrypted payload was sealed again")
	}
}

func TestFailureTextsAreEncoded(t *testing.T) {
	dc := DataConverter(New(fields(t, config.NamedKey{ID: "k1", Key: key(1)})))
	fc := FailureConverter(dc)
	f := fc.ErrorToFailure(errors.New("smtp: 550 mailbox jan@example.nl unknown"))
	if bytes.Contains([]byte(f.GetMessage()+f.GetStackTrace()), []byte("jan@example.nl")) {
		t.Fatalf("failure message in clear: %q", f.GetMessage())
	}
	if !Encrypted(f.GetEncodedAttributes()) {
		t.Fatal("the failure's attributes are not sealed")
	}
	if got := fc.FailureToError(f).Error(); got != "smtp: 550 mailbox jan@example.nl unknown" {
		t.Fatalf("decoded failure = %q", got)
	}
}

// BenchmarkPayload measures the codec's cost on a typical activity input
// (RecordTransitionInput) against the SDK's plain JSON converter.
func BenchmarkPayload(b *testing.B) {
	in := typicalInput()
	converters := []struct {
		name string
		dc   converter.DataConverter
	}{
		{"plain", converter.GetDefaultDataConverter()},
		{"encrypted", DataConverter(New(fields(b, config.NamedKey{ID: "k2026", Key: key(1)})))},
	}
	for _, c := range converters {
		b.Run("encode/"+c.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := c.dc.ToPayload(in); err != nil {
					b.Fatal(err)
				}
			}
		})
		p, err := c.dc.ToPayload(in)
		if err != nil {
			b.Fatal(err)
		}
		b.Run("decode/"+c.name, func(b *testing.B) {
			var out workflows.RecordTransitionInput
			for b.Loop() {
				if err := c.dc.FromPayload(p, &out); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Logf("%s payload: %d bytes", c.name, len(p.Data)+len(p.Metadata[converter.MetadataEncoding]))
	}
}
