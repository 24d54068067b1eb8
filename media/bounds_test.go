package media

import (
	"bytes"
	"compress/zlib"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"
)

// pngChunk appends one PNG chunk with its CRC.
func pngChunk(out []byte, typ string, data []byte) []byte {
	out = binary.BigEndian.AppendUint32(out, uint32(len(data)))
	start := len(out)
	out = append(out, typ...)
	out = append(out, data...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(out[start:]))
}

// sixteenBitBomb is a small PNG that declares 6300×6300 pixels of 16-bit
// RGBA (317 MB once decoded), written row by row so that making it does not
// allocate the image.
var sixteenBitBomb = sync.OnceValue(func() []byte {
	const w, h = 6300, 6300
	ihdr := binary.BigEndian.AppendUint32(nil, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 16, 6, 0, 0, 0) // depth 16, RGBA, deflate, filter 0, not interlaced
	var idat bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&idat, zlib.BestCompression)
	row := make([]byte, 1+w*8)
	for range h {
		_, _ = zw.Write(row)
	}
	_ = zw.Close()
	out := []byte("\x89PNG\r\n\x1a\n")
	out = pngChunk(out, "IHDR", ihdr)
	out = pngChunk(out, "IDAT", idat.Bytes())
	return pngChunk(out, "IEND", nil)
})

// phonePhoto is a 12-megapixel (4032×3024) camera-like JPEG: smooth
// gradients with sensor noise, encoded at quality 90.
var phonePhoto = sync.OnceValue(func() []byte {
	const w, h = 4032, 3024
	img := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	r := rand.New(rand.NewPCG(1, 2))
	for y := range h {
		for x := range w {
			img.Y[y*img.YStride+x] = uint8(60 + (x*120)/w + (y*40)/h + r.IntN(24))
		}
	}
	for i := range img.Cb {
		img.Cb[i], img.Cr[i] = uint8(110+r.IntN(8)), uint8(150+r.IntN(8))
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90}); err != nil {
		panic(err)
	}
	return buf.Bytes()
})

// allocated reports the bytes fn allocates.
func allocated(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

func TestCleanRefusesSixteenBitBombFast(t *testing.T) {
	bomb := sixteenBitBomb()
	if len(bomb) > 400<<10 {
		t.Fatalf("fixture is %d bytes, want a small file", len(bomb))
	}
	var err error
	start := time.Now()
	n := allocated(func() { _, err = Clean(bomb) })
	took := time.Since(start)
	if !errors.Is(err, ErrTooBig) {
		t.Fatalf("err = %v, want ErrTooBig", err)
	}
	if took > 250*time.Millisecond || n > 4<<20 {
		t.Fatalf("refusal took %s and allocated %d KiB; want it decided from the header", took, n>>10)
	}
	h, err := Inspect(bomb)
	if !errors.Is(err, ErrTooBig) || h != (Header{}) {
		t.Fatalf("Inspect = %+v, %v", h, err)
	}
}

func TestInspectDecodedSize(t *testing.T) {
	encode := func(img image.Image) []byte {
		var buf bytes.Buffer
		if err := png.Encode(&buf, img); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	rect := image.Rect(0, 0, 100, 50)
	cases := map[string]struct {
		data []byte
		min  int64 // the decoded image's pixel buffer
	}{
		"gray8":    {encode(image.NewGray(rect)), 100 * 50},
		"gray16":   {encode(image.NewGray16(rect)), 100 * 50 * 2},
		"rgba8":    {encode(image.NewNRGBA(rect)), 100 * 50 * 4},
		"rgba16":   {encode(image.NewNRGBA64(rect)), 100 * 50 * 8},
		"jpeg":     {phonePhotoSmall(t), 64 * 48 * 3 / 2},
		"paletted": {encode(image.NewPaletted(rect, color.Palette{color.Black, color.White})), 100 * 50},
	}
	for name, c := range cases {
		h, err := Inspect(c.data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if h.DecodedBytes < c.min || h.DecodedBytes > 2*c.min+64<<10 {
			t.Errorf("%s: DecodedBytes = %d, want about %d", name, h.DecodedBytes, c.min)
		}
		var img image.Image
		if h.ContentType == "image/png" {
			img, err = png.Decode(bytes.NewReader(c.data))
		} else {
			img, err = jpeg.Decode(bytes.NewReader(c.data))
		}
		if err != nil {
			t.Fatal(err)
		}
		if got := pixelBytes(img); got > h.DecodedBytes {
			t.Errorf("%s: decoder allocated %d bytes of pixels, header said %d", name, got, h.DecodedBytes)
		}
	}
}

func phonePhotoSmall(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, image.NewYCbCr(image.Rect(0, 0, 64, 48), image.YCbCrSubsampleRatio420), nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func pixelBytes(img image.Image) int64 {
	switch m := img.(type) {
	case *image.Gray:
		return int64(len(m.Pix))
	case *image.Gray16:
		return int64(len(m.Pix))
	case *image.NRGBA:
		return int64(len(m.Pix))
	case *image.NRGBA64:
		return int64(len(m.Pix))
	case *image.RGBA:
		return int64(len(m.Pix))
	case *image.Paletted:
		return int64(len(m.Pix))
	case *image.YCbCr:
		return int64(len(m.Y) + len(m.Cb) + len(m.Cr))
	}
	return 1 << 62
}

func TestCleanerWaitsForASlotThenGivesUp(t *testing.T) {
	c := NewCleaner(1)
	photo := phonePhotoSmall(t)
	c.slots <- struct{}{} // another decode holds the only slot
	start := time.Now()   // before the deadline is set: a pause between them must not shorten the wait measured
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := c.Clean(ctx, photo); !errors.Is(err, ErrBusy) {
		t.Fatalf("err = %v, want ErrBusy", err)
	}
	if waited := time.Since(start); waited < 40*time.Millisecond || waited > time.Second {
		t.Fatalf("waited %s for a slot", waited)
	}
	// A photo refused by its header needs no slot.
	if _, err := c.Clean(context.Background(), sixteenBitBomb()); !errors.Is(err, ErrTooBig) {
		t.Fatalf("bomb: %v", err)
	}
	go func() {
		time.Sleep(20 * time.Millisecond)
		<-c.slots
	}()
	if _, err := c.Clean(context.Background(), photo); err != nil {
		t.Fatalf("after the slot was freed: %v", err)
	}
	if len(c.slots) != 0 {
		t.Fatal("the slot was not given back")
	}
}

// peakHeap runs fn and reports how far the live heap grew above its level
// before fn, sampled every 100 µs.
func peakHeap(fn func()) uint64 {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 { metrics.Read(sample); return sample[0].Value.Uint64() }
	runtime.GC()
	base := read()
	var peak uint64
	done := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		for {
			peak = max(peak, read())
			select {
			case <-done:
				return
			case <-time.After(100 * time.Microsecond):
			}
		}
	}()
	fn()
	close(done)
	<-sampled
	peak = max(peak, read())
	return peak - min(peak, base)
}

// BenchmarkClean compares a refused 16-bit PNG bomb with a normal 12 MP
// phone photo: B/op is what one Clean allocates, peak-MiB how far the live
// heap grew during one Clean (sampled, outside the timed loop).
func BenchmarkClean(b *testing.B) {
	for _, c := range []struct {
		name string
		data []byte
		ok   bool
	}{
		{"phone-jpeg-12MP", phonePhoto(), true},
		{"png16-6300x6300-bomb", sixteenBitBomb(), false},
	} {
		b.Run(c.name, func(b *testing.B) {
			var err error
			peak := peakHeap(func() { _, err = Clean(c.data) })
			if (err == nil) != c.ok {
				b.Fatalf("Clean: %v", err)
			}
			b.ReportAllocs()
			b.SetBytes(int64(len(c.data)))
			for b.Loop() {
				_, _ = Clean(c.data)
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-MiB")
		})
	}
}
