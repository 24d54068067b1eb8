package prescribing

import "testing"

func TestAllowed(t *testing.T) {
	cases := []struct {
		typ, status string
		want        bool
	}{
		{"email_advice", "completed", false},
		{"email_advice", "awaiting_advice", false},
		{"video", "in_session", true},
		{"video", "completed", true},
		{"video", "scheduled", false},
		{"video", "waiting", false},
		{"in_person", "completed", true},
		{"in_person", "no_show", false},
		{"walk_in", "in_session", true},
		{"video", "cancelled", false},
	}
	for _, c := range cases {
		if got := Allowed(c.typ, c.status); got != c.want {
			t.Errorf("Allowed(%s, %s) = %v, want %v", c.typ, c.status, got, c.want)
		}
	}
}
