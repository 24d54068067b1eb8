package accounts

import (
	"testing"
	"time"
)

func TestParseBirthDate(t *testing.T) {
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	for in, ok := range map[string]bool{
		"1984-02-29": true, " 2000-01-01 ": true, "2026-12-01": true,
		"2026-12-02": false, "1896-11-30": false, "1985-02-29": false, "01-02-1984": false, "": false, "1984-2-3": false,
	} {
		d, err := ParseBirthDate(in, now)
		if (err == nil) != ok {
			t.Errorf("ParseBirthDate(%q) = %v, %v; want ok=%v", in, d, err, ok)
		}
	}
}
