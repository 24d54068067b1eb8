package media

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"
)

func testJPEG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for x := range 64 {
		img.Set(x, x%48, color.RGBA{200, 80, 60, 255})
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// withEXIF inserts an APP1 Exif segment carrying a GPS marker after SOI.
func withEXIF(jpg []byte) []byte {
	payload := append([]byte("Exif\x00\x00"), []byte("GPSLatitude=52.3676;GPSLongitude=4.9041")...)
	seg := []byte{0xFF, 0xE1, byte((len(payload) + 2) >> 8), byte(len(payload) + 2)}
	seg = append(seg, payload...)
	out := append([]byte{}, jpg[:2]...)
	out = append(out, seg...)
	return append(out, jpg[2:]...)
}

func TestCleanStripsMetadata(t *testing.T) {
	in := withEXIF(testJPEG(t))
	if !bytes.Contains(in, []byte("GPSLatitude")) {
		t.Fatal("fixture lacks EXIF")
	}
	p, err := Clean(in)
	if err != nil {
		t.Fatal(err)
	}
	if p.ContentType != "image/jpeg" || p.Width != 64 || p.Height != 48 {
		t.Fatalf("photo %s %dx%d", p.ContentType, p.Width, p.Height)
	}
	if bytes.Contains(p.Data, []byte("Exif")) || bytes.Contains(p.Data, []byte("GPS")) {
		t.Fatal("metadata survived cleaning")
	}
}

func TestCleanPNG(t *testing.T) {
	var buf bytes.Buffer
	_ = png.Encode(&buf, image.NewGray(image.Rect(0, 0, 10, 10)))
	p, err := Clean(buf.Bytes())
	if err != nil || p.ContentType != "image/png" {
		t.Fatalf("png: %v %+v", err, p.ContentType)
	}
}

func TestCleanRefuses(t *testing.T) {
	jpg := testJPEG(t)
	cases := map[string]struct {
		data []byte
		want error
	}{
		"pdf":       {[]byte("%PDF-1.7\n1 0 obj"), ErrUnsupported},
		"gif":       {[]byte("GIF89a\x01\x00\x01\x00"), ErrUnsupported},
		"truncated": {jpg[:len(jpg)/3], ErrCorrupt},
		"oversize":  {append(bytes.Clone(jpg), make([]byte, MaxPhotoBytes)...), ErrTooLarge},
	}
	for name, c := range cases {
		if _, err := Clean(c.data); !errors.Is(err, c.want) {
			t.Errorf("%s: err = %v, want %v", name, err, c.want)
		}
	}
}
