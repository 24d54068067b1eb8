package integration

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/png"
	"math/rand/v2"
	"net/http"
	"testing"
	"time"
)

// noisyPNG is a camera-sized photo that does not compress: w×h pixels of
// noise, about 3·w·h bytes as PNG.
func noisyPNG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	r := rand.New(rand.NewPCG(7, 8))
	for i := 0; i < len(img.Pix); i += 4 {
		v := r.Uint32()
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = uint8(v), uint8(v>>8), uint8(v>>16), 255
	}
	var buf bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// sixteenBitPNGBomb is a ~300 KB PNG declaring 6300×6300 pixels of 16-bit
// RGBA: 317 MB once decoded.
func sixteenBitPNGBomb(t *testing.T) []byte {
	t.Helper()
	chunk := func(out []byte, typ string, data []byte) []byte {
		out = binary.BigEndian.AppendUint32(out, uint32(len(data)))
		start := len(out)
		out = append(append(out, typ...), data...)
		return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(out[start:]))
	}
	const w, h = 6300, 6300
	ihdr := binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32(nil, w), h)
	ihdr = append(ihdr, 16, 6, 0, 0, 0)
	var idat bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&idat, zlib.BestCompression)
	row := make([]byte, 1+w*8)
	for range h {
		_, _ = zw.Write(row)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	out := chunk([]byte("\x89PNG\r\n\x1a\n"), "IHDR", ihdr)
	return chunk(chunk(out, "IDAT", idat.Bytes()), "IEND", nil)
}

// TestPhonePhotoUploads sends photos of the size phones take (several MB,
// above the 1 MiB cap of JSON bodies), as multipart and as a raw body, and
// a small PNG that declares a huge 16-bit image, which is refused from its
// header at once.
func TestPhonePhotoUploads(t *testing.T) {
	ac := newAdviceCase(t, 5)
	ac.pay("paid")
	ac.waitStatus("awaiting_intake")
	guest := newClient(t)

	photo := noisyPNG(t, 1500, 1100)
	if n := len(photo); n < 3<<20 || n > 8<<20 {
		t.Fatalf("fixture is %d bytes, want 3–8 MB", n)
	}
	ct, body := multipartPhoto(t, photo)
	var stored struct {
		ContentType string `json:"content_type"`
		Width       int    `json:"width"`
		Height      int    `json:"height"`
	}
	guest.raw("POST", ac.guestPath("/photos"), ct, body).expect(t, http.StatusCreated).decode(t, &stored)
	if stored.ContentType != "image/png" || stored.Width != 1500 || stored.Height != 1100 {
		t.Fatalf("stored %+v", stored)
	}
	guest.raw("POST", ac.guestPath("/photos"), "image/png", photo).expect(t, http.StatusCreated)

	bomb := sixteenBitPNGBomb(t)
	start := time.Now()
	p := guest.raw("POST", ac.guestPath("/photos"), "image/png", bomb).
		expect(t, http.StatusUnprocessableEntity).problem(t)
	if took := time.Since(start); took > 2*time.Second {
		t.Fatalf("the 16-bit bomb took %s to refuse", took)
	}
	if len(p.Errors) != 1 || p.Errors[0].Field != "photo" {
		t.Fatalf("bomb problem %+v", p)
	}

	// A JSON route keeps its small cap.
	guest.raw("POST", ac.guestPath("/intake"), "application/json", append([]byte(`{"answers":"`), bytes.Repeat([]byte("a"), 2<<20)...)).
		expect(t, http.StatusRequestEntityTooLarge).problem(t)
	v := ac.waitStatus("awaiting_intake")
	if v.Photos != 2 {
		t.Fatalf("photos = %d, want 2", v.Photos)
	}
}

// TestPhotosAfterTheFormUntilTheDoctorAnswers adds a photo after the intake
// form, which the workflow still takes, and one after the doctor answered,
// which it refuses: 409, and the refused photo is not kept.
func TestPhotosAfterTheFormUntilTheDoctorAnswers(t *testing.T) {
	ac := newAdviceCase(t, 7)
	guest := newClient(t)
	ac.pay("paid")
	ac.waitStatus("awaiting_intake")
	ac.submitIntake()
	ac.waitStatus("awaiting_advice")

	ct, body := multipartPhoto(t, photoJPEG(t))
	guest.raw("POST", ac.guestPath("/photos"), ct, body).expect(t, http.StatusCreated)
	var detail struct {
		PhotoIDs []string `json:"photo_ids"`
	}
	ac.doctor.do("GET", "/v1/doctor/consultations/"+ac.id, nil).expect(t, http.StatusOK).decode(t, &detail)
	if len(detail.PhotoIDs) != 1 {
		t.Fatalf("the doctor sees %d photos, want the one added after the form", len(detail.PhotoIDs))
	}

	ac.answer()
	guest.raw("POST", ac.guestPath("/photos"), "image/jpeg", photoJPEG(t)).expect(t, http.StatusConflict).problem(t)
	v := ac.waitStatus("completed")
	if v.Photos != 1 {
		t.Fatalf("photos = %d after a refused upload, want 1", v.Photos)
	}
}
