package emr

import (
	"errors"
	"testing"
)

// TestCheckCode: ICD-10 codes (L40, L40.0, normalised to upper case) and
// SNOMED CT concept ids pass; codes of the wrong shape, a code without its
// system and unknown systems do not.
func TestCheckCode(t *testing.T) {
	ok := []struct{ system, code, want string }{
		{"", "", ""}, {CodeICD10, "L40", "L40"}, {CodeICD10, " l40.0 ", "L40.0"}, {CodeICD10, "B35.31", "B35.31"},
		{CodeSNOMED, "9014002", "9014002"}, {CodeSNOMED, "24079001", "24079001"},
	}
	for _, c := range ok {
		got, err := CheckCode(c.system, c.code)
		if err != nil || got != c.want {
			t.Errorf("CheckCode(%q, %q) = %q, %v; want %q", c.system, c.code, got, err, c.want)
		}
	}
	bad := []struct {
		system, code string
		want         error
	}{
		{"", "L40", ErrCodeWithout}, {"icd9", "696.1", ErrCodeSystem}, {CodeICD10, "", ErrCodeFormat},
		{CodeICD10, "40L", ErrCodeFormat}, {CodeICD10, "L4", ErrCodeFormat}, {CodeICD10, "L40.", ErrCodeFormat},
		{CodeICD10, "L40-0", ErrCodeFormat}, {CodeSNOMED, "L40.0", ErrCodeFormat}, {CodeSNOMED, "12345", ErrCodeFormat},
		{CodeSNOMED, "0123456", ErrCodeFormat},
	}
	for _, c := range bad {
		if _, err := CheckCode(c.system, c.code); !errors.Is(err, c.want) {
			t.Errorf("CheckCode(%q, %q) = %v, want %v", c.system, c.code, err, c.want)
		}
	}
}

// TestCheckText trims and bounds the text of an entry.
func TestCheckText(t *testing.T) {
	if s, err := CheckText("  Psoriasis \n", 20); err != nil || s != "Psoriasis" {
		t.Errorf("CheckText = %q, %v", s, err)
	}
	if _, err := CheckText(" \t", 20); !errors.Is(err, ErrEmptyText) {
		t.Errorf("blank: %v", err)
	}
	if _, err := CheckText("ééééé", 4); !errors.Is(err, ErrTextTooLong) {
		t.Errorf("too long: %v", err)
	}
	if _, err := CheckText("éééé", 4); err != nil {
		t.Errorf("four runes: %v", err)
	}
}
