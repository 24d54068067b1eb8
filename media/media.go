// Package media checks and cleans patient photos before they are stored:
// the type is sniffed from the bytes (never trusted from the client), the
// size and dimensions are capped, and the image is re-encoded, which drops
// every metadata block (EXIF with GPS position, camera serials, XMP, ICC
// comments) that the original carried.
package media

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"net/http"
)

// Limits of an uploaded photo.
const (
	MaxPhotoBytes = 10 << 20
	MaxPixels     = 40_000_000 // refuse decompression bombs
)

// Errors of Clean; each is a client mistake.
var (
	ErrTooLarge    = errors.New("media: photo larger than 10 MB")
	ErrUnsupported = errors.New("media: only JPEG and PNG photos are accepted")
	ErrCorrupt     = errors.New("media: the photo cannot be decoded")
)

// Photo is a cleaned image.
type Photo struct {
	ContentType   string
	Data          []byte
	Width, Height int
}

// Clean sniffs, bounds and re-encodes an uploaded photo.
func Clean(data []byte) (Photo, error) {
	if len(data) > MaxPhotoBytes {
		return Photo{}, ErrTooLarge
	}
	ct := http.DetectContentType(data)
	if ct != "image/jpeg" && ct != "image/png" {
		return Photo{}, ErrUnsupported
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return Photo{}, ErrCorrupt
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > MaxPixels {
		return Photo{}, fmt.Errorf("%w: %d×%d pixels", ErrCorrupt, cfg.Width, cfg.Height)
	}
	var img image.Image
	if ct == "image/jpeg" {
		img, err = jpeg.Decode(bytes.NewReader(data))
	} else {
		img, err = png.Decode(bytes.NewReader(data))
	}
	if err != nil {
		return Photo{}, ErrCorrupt
	}
	var out bytes.Buffer
	if ct == "image/jpeg" {
		err = jpeg.Encode(&out, img, &jpeg.Options{Quality: 90})
	} else {
		err = (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&out, img)
	}
	if err != nil {
		return Photo{}, fmt.Errorf("media: re-encode: %w", err)
	}
	b := img.Bounds()
	return Photo{ContentType: ct, Data: out.Bytes(), Width: b.Dx(), Height: b.Dy()}, nil
}
