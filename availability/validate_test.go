package availability

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestValidateRules(t *testing.T) {
	ok := []Rule{
		rule(t, TypeVideo, time.Monday, "09:00", "12:00"),
		rule(t, TypeVideo, time.Monday, "12:00", "13:00"),    // touches: fine
		rule(t, TypeInPerson, time.Monday, "09:00", "12:00"), // other type: fine
		rule(t, TypeVideo, time.Tuesday, "09:00", "12:00"),   // other day: fine
		rule(t, TypeWalkIn, time.Sunday, "22:00", "24:00"),
	}
	if err := ValidateRules(ok); err != nil {
		t.Fatalf("valid rules rejected: %v", err)
	}
	if err := ValidateRules(nil); err != nil {
		t.Fatalf("no rules rejected: %v", err)
	}
	tests := []struct {
		name  string
		rules []Rule
		index int
		field string
	}{
		{"unknown type", []Rule{{Type: "email_advice", Weekday: 1, Start: Clock{9, 0}, End: Clock{10, 0}}}, 0, "Type"},
		{"empty type", []Rule{{Weekday: 1, Start: Clock{9, 0}, End: Clock{10, 0}}}, 0, "Type"},
		{"weekday 7", []Rule{{Type: TypeVideo, Weekday: 7, Start: Clock{9, 0}, End: Clock{10, 0}}}, 0, "Weekday"},
		{"weekday -1", []Rule{{Type: TypeVideo, Weekday: -1, Start: Clock{9, 0}, End: Clock{10, 0}}}, 0, "Weekday"},
		{"start invalid", []Rule{{Type: TypeVideo, Weekday: 1, Start: Clock{9, 60}, End: Clock{10, 0}}}, 0, "Start"},
		{"end invalid", []Rule{{Type: TypeVideo, Weekday: 1, Start: Clock{9, 0}, End: Clock{24, 30}}}, 0, "End"},
		{"start equals end", []Rule{ok[0], {Type: TypeVideo, Weekday: 2, Start: Clock{9, 0}, End: Clock{9, 0}}}, 1, "End"},
		{"start after end", []Rule{{Type: TypeVideo, Weekday: 1, Start: Clock{12, 0}, End: Clock{9, 0}}}, 0, "End"},
		{"overlap", []Rule{ok[0], ok[2], rule(t, TypeVideo, time.Monday, "11:30", "14:00")}, 2, "Start"},
		{"contained", []Rule{ok[0], rule(t, TypeVideo, time.Monday, "10:00", "11:00")}, 1, "Start"},
		{"duplicate", []Rule{ok[3], ok[3]}, 1, "Start"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := ValidateRules(tc.rules)
			var re *RuleError
			if !errors.As(err, &re) {
				t.Fatalf("error %v, want *RuleError", err)
			}
			if re.Subject != "rule" || re.Index != tc.index || re.Field != tc.field {
				t.Fatalf("got %+v, want rule %d field %s", *re, tc.index, tc.field)
			}
			if !strings.Contains(err.Error(), tc.field) || re.Reason == "" {
				t.Errorf("message %q lacks field or reason", err)
			}
		})
	}
}

func TestValidateExceptions(t *testing.T) {
	d := Date{2026, time.March, 29}
	ok := []Exception{
		{Day: d, Kind: KindOff},
		{Day: d, Kind: KindOff, Type: TypeVideo},
		{Day: d, Kind: KindOff, Start: Clock{12, 0}, End: Clock{13, 0}},
		{Day: d, Kind: KindExtra, Type: TypeInPerson, Start: Clock{18, 0}, End: Clock{24, 0}},
		{Day: d, Kind: KindExtra, Type: TypeInPerson, Start: Clock{19, 0}, End: Clock{20, 0}}, // overlapping extras merge
	}
	if err := ValidateExceptions(ok); err != nil {
		t.Fatalf("valid exceptions rejected: %v", err)
	}
	tests := []struct {
		name  string
		exc   Exception
		field string
	}{
		{"zero day", Exception{Kind: KindOff}, "Day"},
		{"30 February", Exception{Day: Date{2026, time.February, 30}, Kind: KindOff}, "Day"},
		{"kind", Exception{Day: d, Kind: "holiday"}, "Kind"},
		{"off bad type", Exception{Day: d, Kind: KindOff, Type: "email_advice"}, "Type"},
		{"extra without type", Exception{Day: d, Kind: KindExtra, Start: Clock{9, 0}, End: Clock{10, 0}}, "Type"},
		{"extra without hours", Exception{Day: d, Kind: KindExtra, Type: TypeVideo}, "End"},
		{"extra reversed", Exception{Day: d, Kind: KindExtra, Type: TypeVideo, Start: Clock{10, 0}, End: Clock{9, 0}}, "End"},
		{"off reversed", Exception{Day: d, Kind: KindOff, Start: Clock{10, 0}, End: Clock{9, 0}}, "End"},
		{"off start only", Exception{Day: d, Kind: KindOff, Start: Clock{10, 0}}, "End"},
		{"bad start", Exception{Day: d, Kind: KindExtra, Type: TypeVideo, Start: Clock{25, 0}, End: Clock{9, 0}}, "Start"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := ValidateExceptions(append(append([]Exception(nil), ok...), tc.exc))
			var re *RuleError
			if !errors.As(err, &re) {
				t.Fatalf("error %v, want *RuleError", err)
			}
			if re.Subject != "exception" || re.Index != len(ok) || re.Field != tc.field {
				t.Fatalf("got %+v, want exception %d field %s", *re, len(ok), tc.field)
			}
		})
	}
}

func TestValidateSlotLength(t *testing.T) {
	for _, m := range []int{5, 15, 25, 240} {
		if err := ValidateSlotLength(time.Duration(m) * time.Minute); err != nil {
			t.Errorf("%d min rejected: %v", m, err)
		}
	}
	for _, d := range []time.Duration{0, 4 * time.Minute, 241 * time.Minute, 90 * time.Second, -15 * time.Minute} {
		err := ValidateSlotLength(d)
		var re *RuleError
		if !errors.As(err, &re) || re.Field != "SlotLength" || re.Index != -1 {
			t.Errorf("%v: error %v, want SlotLength *RuleError", d, err)
		}
	}
}

func TestParseClock(t *testing.T) {
	good := map[string]Clock{
		"00:00": {0, 0}, "09:30": {9, 30}, "23:59": {23, 59}, "24:00": {24, 0}, "09:30:00": {9, 30},
	}
	for s, want := range good {
		got, err := ParseClock(s)
		if err != nil || got != want {
			t.Errorf("ParseClock(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	if got := (Clock{9, 5}).String(); got != "09:05" {
		t.Errorf("String = %q", got)
	}
	for _, s := range []string{"", "9:30", "09:3", "24:01", "25:00", "09:60", "09-30", "ab:cd", "09:30:15", "09:30:0x", " 9:30", "+9:30"} {
		if _, err := ParseClock(s); !errors.Is(err, ErrInvalidClock) {
			t.Errorf("ParseClock(%q) error %v, want ErrInvalidClock", s, err)
		}
	}
}

func TestParseDate(t *testing.T) {
	d, err := ParseDate("2026-03-29")
	if err != nil || d != (Date{2026, time.March, 29}) {
		t.Fatalf("ParseDate = %v, %v", d, err)
	}
	if d.String() != "2026-03-29" || d.Weekday() != time.Sunday || !d.Valid() {
		t.Errorf("String %q Weekday %v Valid %v", d, d.Weekday(), d.Valid())
	}
	if got := d.AddDays(3); got != (Date{2026, time.April, 1}) {
		t.Errorf("AddDays(3) = %v", got)
	}
	if got := (Date{2024, time.March, 1}).AddDays(-1); got != (Date{2024, time.February, 29}) {
		t.Errorf("leap AddDays(-1) = %v", got)
	}
	if !d.Before(d.AddDays(1)) || !d.After(d.AddDays(-40)) || d.Compare(d) != 0 {
		t.Error("comparisons wrong")
	}
	for _, s := range []string{"", "2026-02-30", "2026-13-01", "26-03-29", "2026-3-29", "2026-03-29T00:00:00Z"} {
		if _, err := ParseDate(s); !errors.Is(err, ErrInvalidDate) {
			t.Errorf("ParseDate(%q) error %v, want ErrInvalidDate", s, err)
		}
	}
}

func TestTextRoundTrip(t *testing.T) {
	in := Exception{Day: Date{2026, time.October, 25}, Kind: KindExtra, Type: TypeVideo, Start: Clock{1, 0}, End: Clock{24, 0}}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"Day":"2026-10-25","Kind":"extra","Type":"video","Start":"01:00","End":"24:00"}`; string(b) != want {
		t.Errorf("JSON %s, want %s", b, want)
	}
	var out Exception
	if err := json.Unmarshal(b, &out); err != nil || out != in {
		t.Fatalf("round trip = %+v, %v", out, err)
	}
	if err := json.Unmarshal([]byte(`{"Start":"9:00"}`), &out); !errors.Is(err, ErrInvalidClock) {
		t.Errorf("bad clock JSON error %v", err)
	}
	if _, err := json.Marshal(Clock{25, 0}); !errors.Is(err, ErrInvalidClock) {
		t.Errorf("marshal invalid clock error %v", err)
	}
}
