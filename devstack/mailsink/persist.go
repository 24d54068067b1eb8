package mailsink

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// envelope is what a message's .json file keeps next to its .eml.
type envelope struct {
	From       string    `json:"from"`
	To         []string  `json:"to"`
	ReceivedAt time.Time `json:"received_at"`
}

// nextIDFile keeps the next ID after Clear, so IDs are not reused.
const nextIDFile = "next-id"

func (s *Sink) path(id int, ext string) string {
	return filepath.Join(s.dir, fmt.Sprintf("%06d%s", id, ext))
}

// save writes the message's raw bytes and envelope; the .json is written
// last and marks the message complete.
func (s *Sink) save(envelopeFrom string, m Message) error {
	if err := writeFileAtomic(s.path(m.ID, ".eml"), m.Raw); err != nil {
		return err
	}
	b, err := json.Marshal(envelope{From: envelopeFrom, To: m.To, ReceivedAt: m.ReceivedAt})
	if err != nil {
		return fmt.Errorf("mailsink: %w", err)
	}
	return writeFileAtomic(s.path(m.ID, ".json"), b)
}

func (s *Sink) remove(id int) {
	for _, ext := range []string{".json", ".eml"} {
		if err := os.Remove(s.path(id, ext)); err != nil && !errors.Is(err, os.ErrNotExist) {
			s.logger.Warn("mail not removed from disk", "id", id, "err", err)
		}
	}
}

func (s *Sink) saveNextID(next int) {
	if err := writeFileAtomic(filepath.Join(s.dir, nextIDFile), []byte(strconv.Itoa(next))); err != nil {
		s.logger.Warn("mail sink: next id not kept", "err", err)
	}
}

// load reads the messages kept in s.dir, oldest first, keeping the newest
// MaxMessages; a message without its .json (a crash while writing) is skipped.
func (s *Sink) load() error {
	if err := os.MkdirAll(s.dir, 0o700); err != nil {
		return fmt.Errorf("mailsink: %w", err)
	}
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return fmt.Errorf("mailsink: %w", err)
	}
	var ids []int
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".json")
		if !ok {
			continue
		}
		if id, err := strconv.Atoi(name); err == nil && id > 0 {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	if b, err := os.ReadFile(filepath.Join(s.dir, nextIDFile)); err == nil {
		if n, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && n > s.nextID {
			s.nextID = n
		}
	}
	for _, id := range ids {
		if id >= s.nextID {
			s.nextID = id + 1
		}
	}
	if over := len(ids) - MaxMessages; over > 0 {
		for _, id := range ids[:over] {
			s.remove(id)
		}
		ids = ids[over:]
	}
	for _, id := range ids {
		var env envelope
		b, err := os.ReadFile(s.path(id, ".json"))
		if err == nil {
			err = json.Unmarshal(b, &env)
		}
		var raw []byte
		if err == nil {
			raw, err = os.ReadFile(s.path(id, ".eml"))
		}
		if err != nil {
			s.logger.Warn("mail sink: kept message unreadable, skipped", "id", id, "err", err)
			continue
		}
		m := parse(raw)
		if m.From == "" {
			m.From = env.From
		}
		m.ID, m.To, m.Raw, m.ReceivedAt = id, env.To, raw, env.ReceivedAt
		s.msgs = append(s.msgs, m)
	}
	return nil
}

func writeFileAtomic(path string, b []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return fmt.Errorf("mailsink: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("mailsink: %w", err)
	}
	return nil
}
