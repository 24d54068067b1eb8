// Package media checks and cleans patient photos before they are stored:
// the type is sniffed from the bytes (never trusted from the client), the
// size, the dimensions and the memory a decode needs are capped, and the
// image is re-encoded, which drops every metadata block (EXIF with GPS
// position, camera serials, XMP, ICC comments) that the original carried.
package media

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"net/http"
)

// Limits of an uploaded photo.
const (
	// MaxPhotoBytes caps the upload itself.
	MaxPhotoBytes = 10 << 20
	// MaxPixels caps width × height.
	MaxPixels = 40_000_000
	// MaxDecodedBytes caps the memory the decoder allocates for one photo
	// (pixel buffers, and a progressive JPEG's coefficients), computed from
	// the header before anything is decoded: a small file may declare a
	// huge image (a 300 KB PNG of 6300×6300 16-bit pixels decodes to 317 MB).
	MaxDecodedBytes = 128 << 20
)

// Errors of Clean; ErrBusy is the server's, the others the client's.
var (
	ErrTooLarge    = errors.New("media: photo larger than 10 MB")
	ErrUnsupported = errors.New("media: only JPEG and PNG photos are accepted")
	ErrCorrupt     = errors.New("media: the photo cannot be decoded")
	// ErrTooBig: the header declares an image whose decoding would need
	// more than MaxDecodedBytes (or more than MaxPixels pixels).
	ErrTooBig = errors.New("media: the photo's dimensions are too large")
	// ErrBusy: every decode slot stayed taken until the context ended.
	ErrBusy = errors.New("media: too many photos are being processed")
)

// Photo is a cleaned image.
type Photo struct {
	ContentType   string
	Data          []byte
	Width, Height int
}

// Header is what an image declares about itself before it is decoded.
type Header struct {
	ContentType   string
	Width, Height int
	// DecodedBytes is the memory the decoder will allocate for it.
	DecodedBytes int64
}

// Inspect sniffs data and reads its header, without decoding any pixels,
// and refuses what Clean would refuse before decoding.
func Inspect(data []byte) (Header, error) {
	if len(data) > MaxPhotoBytes {
		return Header{}, ErrTooLarge
	}
	var h Header
	var err error
	switch ct := http.DetectContentType(data); ct {
	case "image/jpeg":
		h, err = jpegHeader(data)
	case "image/png":
		h, err = pngHeader(data)
	default:
		return Header{}, ErrUnsupported
	}
	if err != nil {
		return Header{}, fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || cfg.Width != h.Width || cfg.Height != h.Height {
		return Header{}, ErrCorrupt
	}
	if h.Width <= 0 || h.Height <= 0 {
		return Header{}, fmt.Errorf("%w: %d×%d pixels", ErrCorrupt, h.Width, h.Height)
	}
	if int64(h.Width)*int64(h.Height) > MaxPixels || h.DecodedBytes > MaxDecodedBytes {
		return Header{}, fmt.Errorf("%w: %d×%d pixels need %d MiB decoded, at most %d MiB",
			ErrTooBig, h.Width, h.Height, h.DecodedBytes>>20, MaxDecodedBytes>>20)
	}
	return h, nil
}

// Clean sniffs, bounds and re-encodes an uploaded photo.
func Clean(data []byte) (Photo, error) {
	h, err := Inspect(data)
	if err != nil {
		return Photo{}, err
	}
	return decode(h, data)
}

func decode(h Header, data []byte) (Photo, error) {
	var img image.Image
	var err error
	if h.ContentType == "image/jpeg" {
		img, err = jpeg.Decode(bytes.NewReader(data))
	} else {
		img, err = png.Decode(bytes.NewReader(data))
	}
	if err != nil {
		return Photo{}, ErrCorrupt
	}
	var out bytes.Buffer
	if h.ContentType == "image/jpeg" {
		err = jpeg.Encode(&out, img, &jpeg.Options{Quality: 90})
	} else {
		err = (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&out, img)
	}
	if err != nil {
		return Photo{}, fmt.Errorf("media: re-encode: %w", err)
	}
	b := img.Bounds()
	return Photo{ContentType: h.ContentType, Data: out.Bytes(), Width: b.Dx(), Height: b.Dy()}, nil
}

// Cleaner cleans photos with at most a fixed number of decodes at a time,
// so that concurrent uploads cannot together exhaust the memory.
type Cleaner struct {
	slots chan struct{}
}

// NewCleaner returns a Cleaner running at most n decodes at once (n < 1
// means 1).
func NewCleaner(n int) *Cleaner {
	return &Cleaner{slots: make(chan struct{}, max(n, 1))}
}

// Clean is the package's Clean, run in a decode slot. A photo refused by
// its header is refused at once, without a slot; waiting for a slot ends
// with ErrBusy when ctx does.
func (c *Cleaner) Clean(ctx context.Context, data []byte) (Photo, error) {
	h, err := Inspect(data)
	if err != nil {
		return Photo{}, err
	}
	select {
	case c.slots <- struct{}{}:
	case <-ctx.Done():
		return Photo{}, fmt.Errorf("%w: %w", ErrBusy, ctx.Err())
	}
	defer func() { <-c.slots }()
	return decode(h, data)
}
