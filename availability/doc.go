// Package availability computes a doctor's free appointment slots from weekly
// rules, dated exceptions and existing bookings. It is pure code: no I/O, no
// clock reads (the caller passes Now), no global state.
//
// # Time model
//
// Rules and exceptions are written in the doctor's own wall clock, in the
// doctor's IANA zone (Query.Zone; the platform default is DefaultZoneName).
// Days are iterated as civil dates (Date) and every wall-clock time is turned
// into an instant with time.Date in that zone, never by adding 24 hours, so a
// 09:00 rule stays 09:00 local on both sides of a daylight-saving change while
// its UTC instant shifts. All instants returned are in UTC.
//
// Daylight-saving edge cases are decided as follows:
//
//   - A wall-clock time that does not exist (02:30 on the spring-forward day in
//     Europe/Amsterdam) never starts a slot: that grid position is skipped.
//   - A wall-clock time that occurs twice (02:30 on the fall-back day) means its
//     first occurrence, for slot starts and window ends alike. The repeated
//     hour's second pass is therefore not offered.
//   - A slot must end, as an instant, no later than its window's end. A window
//     end that does not exist means the instant the clock jumps past it.
//   - Across a spring-forward gap, a wall-clock grid position whose slot would
//     overlap the previous slot (possible when the slot length does not divide
//     the skipped hour) is skipped, so returned slots never overlap.
//
// # Building the day
//
// For each local date and the requested consultation type, the open windows
// of that day are: the weekly rules of that weekday, minus "off" exceptions of
// that date (for the type or for all types; without hours the whole day,
// with hours only those hours), plus "extra" exceptions of that date for the
// type. Overlapping or touching windows merge into one, and slots are laid out
// back to back from each merged window's start, each fitting entirely inside
// it. A slot is then dropped if it overlaps a booked interval (live
// consultations and unexpired holds alike) or starts before Now+MinLead, and
// kept if its start lies in [From, To).
package availability
