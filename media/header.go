package media

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// The header readers below compute what the standard library's decoders
// (image/png, image/jpeg) will allocate for an image, from the bytes
// before the first pixel, so that Inspect can refuse an image before its
// decode allocates anything.

var errHeader = errors.New("malformed header")

// pngHeader reads IHDR and the chunks up to the first IDAT.
func pngHeader(data []byte) (Header, error) {
	const sig = "\x89PNG\r\n\x1a\n"
	if len(data) < len(sig)+8+13+4 || string(data[:len(sig)]) != sig {
		return Header{}, errHeader
	}
	p := data[len(sig):]
	if binary.BigEndian.Uint32(p) != 13 || string(p[4:8]) != "IHDR" {
		return Header{}, fmt.Errorf("%w: IHDR is not the first chunk", errHeader)
	}
	ihdr := p[8:21]
	w, h := binary.BigEndian.Uint32(ihdr[0:4]), binary.BigEndian.Uint32(ihdr[4:8])
	depth, colorType, interlace := ihdr[8], ihdr[9], ihdr[12]
	if w == 0 || h == 0 || w > 1<<24 || h > 1<<24 {
		return Header{}, fmt.Errorf("%w: %d×%d pixels", errHeader, w, h)
	}
	transparent := false
	for p = p[8+13+4:]; len(p) >= 8; {
		n, typ := binary.BigEndian.Uint32(p), string(p[4:8])
		if typ == "IDAT" {
			break
		}
		if typ == "tRNS" {
			transparent = true
		}
		if uint64(n)+12 > uint64(len(p)) {
			return Header{}, fmt.Errorf("%w: chunk %q overruns the file", errHeader, typ)
		}
		p = p[12+n:]
	}

	// Bytes per pixel of the image.Image that image/png returns.
	var bpp, channels int64
	switch colorType {
	case 0: // grey: Gray/Gray16, or NRGBA/NRGBA64 with a transparent colour
		bpp, channels = 1, 1
		if transparent {
			bpp = 4
		}
	case 2: // truecolour: RGBA/RGBA64 (NRGBA… with tRNS)
		bpp, channels = 4, 3
	case 3: // palette
		bpp, channels = 1, 1
	case 4: // grey + alpha: NRGBA/NRGBA64
		bpp, channels = 4, 2
	case 6: // truecolour + alpha: NRGBA/NRGBA64
		bpp, channels = 4, 4
	default:
		return Header{}, fmt.Errorf("%w: colour type %d", errHeader, colorType)
	}
	if depth == 16 {
		bpp *= 2
		if colorType == 0 && !transparent {
			bpp = 2
		}
	}
	pixels := int64(w) * int64(h)
	decoded := pixels * bpp
	if interlace == 1 {
		decoded *= 2 // each of the seven passes is decoded into its own image first
	}
	rowBytes := 1 + (int64(w)*channels*int64(depth)+7)/8
	decoded += 2 * rowBytes // the current and the previous row
	return Header{ContentType: "image/png", Width: int(w), Height: int(h), DecodedBytes: decoded}, nil
}

// jpegComponent is one colour component of a JPEG frame.
type jpegComponent struct {
	id   byte
	h, v int64
}

// jpegHeader reads the markers up to the frame header (SOF).
func jpegHeader(data []byte) (Header, error) {
	if len(data) < 4 || data[0] != 0xFF || data[1] != 0xD8 {
		return Header{}, errHeader
	}
	jfif, adobeRGB := false, false
	for p := data[2:]; ; {
		for len(p) > 0 && p[0] == 0xFF && len(p) > 1 && p[1] == 0xFF {
			p = p[1:] // fill bytes
		}
		if len(p) < 4 || p[0] != 0xFF {
			return Header{}, fmt.Errorf("%w: no frame header", errHeader)
		}
		marker := p[1]
		if marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7) {
			p = p[2:]
			continue
		}
		n := int(binary.BigEndian.Uint16(p[2:4]))
		if n < 2 || 2+n > len(p) {
			return Header{}, fmt.Errorf("%w: marker %#x overruns the file", errHeader, marker)
		}
		seg := p[4 : 2+n]
		switch {
		case marker == 0xE0 && len(seg) >= 5 && string(seg[:5]) == "JFIF\x00":
			jfif = true
		case marker == 0xEE && len(seg) >= 12 && string(seg[:5]) == "Adobe":
			adobeRGB = seg[11] == 0
		case marker == 0xC0 || marker == 0xC1 || marker == 0xC2:
			return jpegFrame(seg, marker == 0xC2, jfif, adobeRGB)
		case marker >= 0xC3 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC,
			marker == 0xDA, marker == 0xD9:
			return Header{}, fmt.Errorf("%w: unsupported frame (marker %#x)", errHeader, marker)
		}
		p = p[2+n:]
	}
}

// jpegFrame computes the decoder's allocation from a SOF segment: a plane of
// 8×8 blocks per component (image.Gray, image.YCbCr and the black plane of
// CMYK), the coefficients of every block for a progressive image (64 int32),
// and a full RGBA image where the decoder converts (CMYK, RGB).
func jpegFrame(seg []byte, progressive, jfif, adobeRGB bool) (Header, error) {
	if len(seg) < 6 {
		return Header{}, errHeader
	}
	h := int64(binary.BigEndian.Uint16(seg[1:3]))
	w := int64(binary.BigEndian.Uint16(seg[3:5]))
	n := int(seg[5])
	if w == 0 || h == 0 || (n != 1 && n != 3 && n != 4) || len(seg) < 6+3*n {
		return Header{}, fmt.Errorf("%w: frame of %d×%d with %d components", errHeader, w, h, n)
	}
	comps := make([]jpegComponent, n)
	var hMax, vMax int64 = 1, 1
	for i := range comps {
		c := seg[6+3*i:]
		comps[i] = jpegComponent{id: c[0], h: int64(c[1] >> 4), v: int64(c[1] & 0x0F)}
		if n == 1 {
			comps[i].h, comps[i].v = 1, 1 // a single component is non-interleaved (T.81 A.2)
		}
		if comps[i].h < 1 || comps[i].h > 4 || comps[i].v < 1 || comps[i].v > 4 {
			return Header{}, fmt.Errorf("%w: sampling factors %d×%d", errHeader, comps[i].h, comps[i].v)
		}
		hMax, vMax = max(hMax, comps[i].h), max(vMax, comps[i].v)
	}
	mcuX, mcuY := (w+8*hMax-1)/(8*hMax), (h+8*vMax-1)/(8*vMax)
	var decoded int64
	for _, c := range comps {
		blocks := mcuX * mcuY * c.h * c.v
		decoded += blocks * 64
		if progressive {
			decoded += blocks * 64 * 4
		}
	}
	rgb := n == 3 && !jfif && (adobeRGB || (comps[0].id == 'R' && comps[1].id == 'G' && comps[2].id == 'B'))
	if n == 4 || rgb {
		decoded += w * h * 4
	}
	return Header{ContentType: "image/jpeg", Width: int(w), Height: int(h), DecodedBytes: decoded}, nil
}
