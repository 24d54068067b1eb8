package payments_test

import (
	"math"
	"testing"

	"derma2go/payments"
)

func TestFormatCents(t *testing.T) {
	tests := []struct {
		cents int64
		want  string
	}{
		{0, "0.00"},
		{1, "0.01"},
		{5, "0.05"},
		{10, "0.10"},
		{99, "0.99"},
		{100, "1.00"},
		{1000, "10.00"},
		{1050, "10.50"},
		{123456789, "1234567.89"},
		{-1, "-0.01"},
		{-250, "-2.50"},
		{math.MaxInt64, "92233720368547758.07"},
		{math.MinInt64, "-92233720368547758.08"},
	}
	for _, tt := range tests {
		if got := payments.FormatCents(tt.cents); got != tt.want {
			t.Errorf("FormatCents(%d) = %q, want %q", tt.cents, got, tt.want)
		}
	}
}

func TestParseCents(t *testing.T) {
	tests := []struct {
		in      string
		want    int64
		wantErr bool
	}{
		{in: "0.00", want: 0},
		{in: "0.01", want: 1},
		{in: "10.00", want: 1000},
		{in: "10.5", want: 1050},
		{in: "10", want: 1000},
		{in: "0.10", want: 10},
		{in: "1234567.89", want: 123456789},
		{in: "0019.99", want: 1999},
		{in: "-2.50", want: -250},
		{in: "-0.01", want: -1},
		// Values that floats get wrong are exact here.
		{in: "0.29", want: 29},
		{in: "1.15", want: 115},
		{in: "4.35", want: 435},
		{in: "92233720368547758.07", want: math.MaxInt64},
		{in: "-92233720368547758.08", want: math.MinInt64},
		{in: "92233720368547758.08", wantErr: true},
		{in: "-92233720368547758.09", wantErr: true},
		{in: "99999999999999999999.00", wantErr: true},
		{in: "", wantErr: true},
		{in: "-", wantErr: true},
		{in: ".50", wantErr: true},
		{in: "10.", wantErr: true},
		{in: "10.000", wantErr: true},
		{in: "10.001", wantErr: true},
		{in: "1,00", wantErr: true},
		{in: "1e3", wantErr: true},
		{in: "+1.00", wantErr: true},
		{in: " 1.00", wantErr: true},
		{in: "1.00 ", wantErr: true},
		{in: "--1.00", wantErr: true},
		{in: "1.-5", wantErr: true},
		{in: "1.0a", wantErr: true},
		{in: "NaN", wantErr: true},
	}
	for _, tt := range tests {
		got, err := payments.ParseCents(tt.in)
		switch {
		case tt.wantErr && err == nil:
			t.Errorf("ParseCents(%q) = %d, want an error", tt.in, got)
		case !tt.wantErr && err != nil:
			t.Errorf("ParseCents(%q): %v", tt.in, err)
		case !tt.wantErr && got != tt.want:
			t.Errorf("ParseCents(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func TestCentsRoundTrip(t *testing.T) {
	for _, c := range []int64{0, 1, 9, 10, 99, 100, 101, 2500, 999999, -7, -100, math.MaxInt64, math.MinInt64} {
		got, err := payments.ParseCents(payments.FormatCents(c))
		if err != nil || got != c {
			t.Errorf("ParseCents(FormatCents(%d)) = %d, %v", c, got, err)
		}
	}
}
