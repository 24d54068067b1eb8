package privacy

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"derma2go/secure"
)

// Export is everything the platform holds about one patient, ready to be
// written as one zip file: data.json (every table's rows, decrypted),
// record.fhir.json (the medical record as a FHIR R4 Bundle) and the files
// (photos, documents) under files/.
type Export struct {
	Format      string    `json:"format"`
	GeneratedAt time.Time `json:"generated_at"`
	PatientID   string    `json:"patient_id"`
	// Consent is the privacy statement the patient accepted.
	Consent Consent `json:"consent"`
	// Tables are the patient's rows of every table that refers to them,
	// by table name. Encrypted columns appear decrypted under their name
	// without "_enc"; a file's column names its place in the zip.
	Tables map[string][]map[string]any `json:"tables"`
	// Excluded are the tables left out, with the reason.
	Excluded map[string]string `json:"excluded"`
	// Withheld names the columns left out of every row, with the reason.
	Withheld map[string]string `json:"withheld"`
	// Record is the place of the FHIR Bundle in the zip.
	Record string `json:"record"`

	files  map[string][]byte
	bundle []byte
}

// Consent is the recorded consent to the privacy statement.
type Consent struct {
	Version    *string    `json:"version"`
	AcceptedAt *time.Time `json:"accepted_at"`
	// Current is the statement's version now.
	Current string `json:"current"`
}

// ExportFormat names the layout of data.json.
const ExportFormat = "derma2go-export/1"

// withheldReason says why a column is never exported.
func withheldReason(column string) (string, bool) {
	switch {
	case strings.HasSuffix(column, "_hash"):
		return "a keyed hash or password hash: a lookup or login secret, not information about you", true
	case strings.HasPrefix(column, "totp_") && strings.HasSuffix(column, "_enc"):
		return "the secret of your second factor", true
	}
	return "", false
}

// BuildExport reads every row that refers to the patient (Reach), decrypts
// the encrypted columns, takes out files and secrets, and adds the FHIR
// bundle of the record.
func BuildExport(ctx context.Context, c Conn, f *secure.Fields, patientID string, bundle []byte, now time.Time) (*Export, error) {
	refs, err := References(ctx, c)
	if err != nil {
		return nil, err
	}
	rows, err := Reach(ctx, c, refs, patientID)
	if err != nil {
		return nil, err
	}
	e := &Export{Format: ExportFormat, GeneratedAt: now.UTC(), PatientID: patientID, Tables: map[string][]map[string]any{},
		Excluded: map[string]string{}, Withheld: map[string]string{}, Record: "record.fhir.json",
		files: map[string][]byte{}, bundle: bundle}
	e.Consent.Current = StatementVersion
	for table, list := range rows {
		if reason, ok := ExcludedTables[table]; ok {
			e.Excluded[table] = reason
			continue
		}
		for i, r := range list {
			out, err := e.exportRow(f, table, i, r)
			if err != nil {
				return nil, err
			}
			e.Tables[table] = append(e.Tables[table], out)
		}
		sort.SliceStable(e.Tables[table], func(i, j int) bool {
			return fmt.Sprint(e.Tables[table][i]["id"]) < fmt.Sprint(e.Tables[table][j]["id"])
		})
	}
	if users := e.Tables["users"]; len(users) == 1 {
		if v, ok := users[0]["privacy_version"].(string); ok {
			e.Consent.Version = &v
		}
		if v, ok := users[0]["privacy_accepted_at"].(string); ok {
			if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
				e.Consent.AcceptedAt = &t
			}
		}
	}
	return e, nil
}

func (e *Export) exportRow(f *secure.Fields, table string, i int, r Row) (map[string]any, error) {
	out := map[string]any{}
	for col, v := range r {
		if reason, ok := withheldReason(col); ok {
			e.Withheld[col] = reason
			continue
		}
		name, enc := strings.CutSuffix(col, "_enc")
		if !enc || v == nil {
			out[col] = v
			continue
		}
		sealed, err := bytea(v)
		if err != nil {
			return nil, fmt.Errorf("privacy: %s.%s: %w", table, col, err)
		}
		plain, err := f.Decrypt(table+"."+name, sealed)
		if err != nil {
			return nil, fmt.Errorf("privacy: %s.%s of row %v: %w", table, col, rowKey(r, i), err)
		}
		switch {
		case json.Valid(plain) && len(plain) > 0 && (plain[0] == '{' || plain[0] == '['):
			out[name] = json.RawMessage(plain)
		case utf8.Valid(plain) && !bytes.ContainsRune(plain, 0) && !looksBinary(plain):
			out[name] = string(plain)
		default:
			ct := http.DetectContentType(plain)
			ext := ".bin"
			if exts, _ := mime.ExtensionsByType(ct); len(exts) > 0 {
				ext = exts[len(exts)-1]
			}
			path := fmt.Sprintf("files/%s/%v-%s%s", table, rowKey(r, i), name, ext)
			e.files[path] = plain
			out[name] = map[string]any{"file": path, "content_type": ct, "size_bytes": len(plain)}
		}
	}
	return out, nil
}

// looksBinary: a PDF or an image is a file even when its bytes happen to be UTF-8.
func looksBinary(b []byte) bool {
	ct := http.DetectContentType(b)
	return !strings.HasPrefix(ct, "text/") && ct != "application/json"
}

func rowKey(r Row, i int) any {
	for _, k := range []string{"id", "message_id", "consultation_id", "token_hash"} {
		if v, ok := r[k]; ok && v != nil {
			return v
		}
	}
	return i
}

// bytea decodes PostgreSQL's JSON form of bytea ("\\x…").
func bytea(v any) ([]byte, error) {
	s, ok := v.(string)
	if !ok || !strings.HasPrefix(s, `\x`) {
		return nil, fmt.Errorf("not a bytea value")
	}
	return hex.DecodeString(s[2:])
}

// Zip writes the export: README.txt, data.json, record.fhir.json and the files.
func (e *Export) Zip() ([]byte, error) {
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	data, err := json.MarshalIndent(e, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("privacy: data.json: %w", err)
	}
	names := []string{"README.txt", "data.json", e.Record}
	contents := map[string][]byte{"README.txt": []byte(readme), "data.json": data, e.Record: e.bundle}
	var files []string
	for p := range e.files {
		files = append(files, p)
	}
	sort.Strings(files)
	for _, p := range files {
		names = append(names, p)
		contents[p] = e.files[p]
	}
	for _, n := range names {
		w, err := z.CreateHeader(&zip.FileHeader{Name: n, Method: zip.Deflate, Modified: e.GeneratedAt})
		if err != nil {
			return nil, fmt.Errorf("privacy: zip %s: %w", n, err)
		}
		if _, err := w.Write(contents[n]); err != nil {
			return nil, fmt.Errorf("privacy: zip %s: %w", n, err)
		}
	}
	if err := z.Close(); err != nil {
		return nil, fmt.Errorf("privacy: zip: %w", err)
	}
	return buf.Bytes(), nil
}

const readme = `Derma2Go: all data about you (GDPR art. 15 and 20)

data.json         every record we hold about you, one list per table, decrypted
                  ("tables"); what is left out and why ("excluded", "withheld");
                  the version of the privacy statement you accepted ("consent").
record.fhir.json  your medical record as a FHIR R4 Bundle, for another care provider.
files/            photos and documents named in data.json.

Alle gegevens die Derma2Go over u bewaart (AVG art. 15 en 20): data.json (alle
gegevens per tabel), record.fhir.json (uw medisch dossier als FHIR R4 Bundle),
files/ (foto's en documenten).
`
