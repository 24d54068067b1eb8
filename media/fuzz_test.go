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

// fuzzDecodeLimit keeps the fuzzer's decodes small: what Inspect accepts
// beyond it is decoded by the tests with real photos, not thousands of
// times a second.
const fuzzDecodeLimit = 4 << 20

// FuzzClean feeds the sanitizer arbitrary bytes: it refuses them with one
// of its client errors, or returns a photo of the declared size and type,
// with no metadata, that it cleans again to the same size.
func FuzzClean(f *testing.F) {
	img := image.NewNRGBA(image.Rect(0, 0, 5, 3))
	img.Set(1, 1, color.NRGBA{200, 80, 60, 128})
	var jpg, pn bytes.Buffer
	if jpeg.Encode(&jpg, img, nil) != nil || png.Encode(&pn, img) != nil {
		f.Fatal("seed images")
	}
	f.Add(withEXIF(jpg.Bytes()))
	f.Add(pn.Bytes())
	f.Add([]byte("GIF89a"))
	f.Fuzz(func(t *testing.T, data []byte) {
		h, err := Inspect(data)
		if err != nil {
			checkClientError(t, err)
			return
		}
		if h.DecodedBytes > fuzzDecodeLimit {
			return
		}
		p, err := decode(h, data)
		if err != nil {
			checkClientError(t, err)
			return
		}
		if p.ContentType != h.ContentType || p.Width != h.Width || p.Height != h.Height {
			t.Fatalf("header %+v, cleaned %s %d×%d", h, p.ContentType, p.Width, p.Height)
		}
		if bytes.Contains(p.Data, []byte("Exif\x00")) {
			t.Fatal("cleaned photo still carries EXIF")
		}
		again, err := Clean(p.Data)
		if err != nil || again.Width != p.Width || again.Height != p.Height || again.ContentType != p.ContentType {
			t.Fatalf("cleaned photo does not clean again: %+v, %v", again, err)
		}
	})
}

// checkClientError fails unless err is one the API answers as the
// client's fault.
func checkClientError(t *testing.T, err error) {
	t.Helper()
	for _, want := range []error{ErrTooLarge, ErrUnsupported, ErrCorrupt, ErrTooBig} {
		if errors.Is(err, want) {
			return
		}
	}
	t.Fatalf("refused with %v, which is not a client error", err)
}
