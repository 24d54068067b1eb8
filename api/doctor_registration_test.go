package api

import "testing"

func TestRegistrationNumbersAreChecked(t *testing.T) {
	for _, tt := range []struct {
		big, agb string
		bad      []string
	}{
		{"", "", nil},
		{"12345678901", "03012345", nil},
		{"1234567890", "03012345", []string{"big_number"}},
		{"123456789012", "", []string{"big_number"}},
		{"1234567890a", "0301234", []string{"big_number", "agb_code"}},
		{"", "0301234x", []string{"agb_code"}},
	} {
		r := registrationRequest{BIGNumber: tt.big, AGBCode: tt.agb}
		got := r.check()
		if len(got) != len(tt.bad) {
			t.Errorf("check(%q, %q) = %+v, want problems with %v", tt.big, tt.agb, got, tt.bad)
			continue
		}
		for i, f := range got {
			if f.Field != tt.bad[i] {
				t.Errorf("check(%q, %q) = %+v, want problems with %v", tt.big, tt.agb, got, tt.bad)
			}
		}
	}
}
