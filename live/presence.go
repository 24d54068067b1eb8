package live

import (
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
)

// OfflineAfter is how long a side counts as online after its last
// heartbeat. Clients send one every HeartbeatEvery.
const (
	OfflineAfter   = 30 * time.Second
	HeartbeatEvery = 10 * time.Second
)

// Online reports whether a heartbeat seen at seenAt still counts at now.
func Online(seenAt *time.Time, now time.Time) bool {
	return seenAt != nil && now.Sub(*seenAt) < OfflineAfter
}

// PresenceChange is what a viewer should be shown about one side of one
// consultation.
type PresenceChange struct {
	ConsultationID uuid.UUID
	Presence       Presence
}

type presenceKey struct {
	consultation uuid.UUID
	role         string
}

type presenceEntry struct {
	shown    Presence
	lastSeen time.Time
}

// PresenceTracker turns the heartbeats one stream hears into what its
// viewer sees: a side is online with its connection grade from a heartbeat
// until OfflineAfter passes without another. Heartbeats that change nothing
// visible are not passed on. It is not safe for concurrent use (one per
// stream).
type PresenceTracker struct {
	entries map[presenceKey]*presenceEntry
}

// NewPresenceTracker returns an empty tracker.
func NewPresenceTracker() *PresenceTracker {
	return &PresenceTracker{entries: map[presenceKey]*presenceEntry{}}
}

// Heartbeat takes a presence event heard at now and reports the presence
// to show if it differs from what was shown.
func (t *PresenceTracker) Heartbeat(consultation uuid.UUID, p Presence, now time.Time) (Presence, bool) {
	k := presenceKey{consultation, p.Role}
	if !p.Online {
		p.Connection = ConnectionUnknown
	}
	e, ok := t.entries[k]
	if !ok {
		e = &presenceEntry{}
		t.entries[k] = e
	}
	if p.Online {
		e.lastSeen = now
	}
	changed := !ok || e.shown.Online != p.Online || e.shown.Connection != p.Connection
	if changed {
		e.shown = p
	}
	return e.shown, changed
}

// Expire reports the sides whose last heartbeat is OfflineAfter old at now
// as offline (once), in a stable order.
func (t *PresenceTracker) Expire(now time.Time) []PresenceChange {
	var out []PresenceChange
	for k, e := range t.entries {
		if !e.shown.Online || now.Sub(e.lastSeen) < OfflineAfter {
			continue
		}
		e.shown = Presence{Role: k.role, Online: false, Connection: ConnectionUnknown, At: now.UTC()}
		out = append(out, PresenceChange{ConsultationID: k.consultation, Presence: e.shown})
	}
	slices.SortFunc(out, func(a, b PresenceChange) int {
		if c := strings.Compare(a.ConsultationID.String(), b.ConsultationID.String()); c != 0 {
			return c
		}
		return strings.Compare(a.Presence.Role, b.Presence.Role)
	})
	return out
}

// Seed records presence read from the record (a snapshot) as shown, with
// its heartbeat time, so the next heartbeat that changes nothing is quiet.
func (t *PresenceTracker) Seed(consultation uuid.UUID, p Presence, seenAt time.Time) {
	if !p.Online {
		p.Connection = ConnectionUnknown
	}
	t.entries[presenceKey{consultation, p.Role}] = &presenceEntry{shown: p, lastSeen: seenAt}
}
