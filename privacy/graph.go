package privacy

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Conn is what the package reads and writes through: a pool or a transaction.
type Conn interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

// Reference is one column of a table that names a row of another table
// (a single-column foreign key, or one of SoftReferences).
type Reference struct {
	Table, Column             string
	ParentTable, ParentColumn string
}

// SoftReferences name a patient without a foreign key: the audit log keeps
// its rows when an account goes, so its patient column cannot be one.
var SoftReferences = []Reference{
	{Table: "audit_events", Column: "patient_id", ParentTable: "users", ParentColumn: "id"},
}

// ExcludedTables are reached from a patient's account but left out of the
// export, each with its reason.
var ExcludedTables = map[string]string{
	"idempotency_keys": "a replay guard of the booking request (its key and a hash of the request, kept for a day); it holds no data of the patient beyond the consultation's id",
}

// References reads every single-column foreign key of the public schema,
// plus SoftReferences, in a stable order.
func References(ctx context.Context, c Conn) ([]Reference, error) {
	rows, err := c.Query(ctx, `
SELECT con.conrelid::regclass::text, a.attname::text, con.confrelid::regclass::text, af.attname::text
FROM pg_constraint con
JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = con.conkey[1]
JOIN pg_attribute af ON af.attrelid = con.confrelid AND af.attnum = con.confkey[1]
WHERE con.contype = 'f' AND cardinality(con.conkey) = 1 AND con.connamespace = 'public'::regnamespace`)
	if err != nil {
		return nil, fmt.Errorf("privacy: foreign keys: %w", err)
	}
	refs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Reference, error) {
		var x Reference
		return x, r.Scan(&x.Table, &x.Column, &x.ParentTable, &x.ParentColumn)
	})
	if err != nil {
		return nil, fmt.Errorf("privacy: foreign keys: %w", err)
	}
	refs = append(refs, SoftReferences...)
	sort.Slice(refs, func(i, j int) bool {
		if refs[i].Table != refs[j].Table {
			return refs[i].Table < refs[j].Table
		}
		return refs[i].Column < refs[j].Column
	})
	return refs, nil
}

// Row is a row as PostgreSQL's to_jsonb gives it (bytea as "\\x…" hex).
type Row map[string]any

// Rows are the rows reached in each table.
type Rows map[string][]Row

// Reach collects every row that refers to the patient's users row, directly
// or through rows that do (a consultation, then its photos, …), following
// refs from parent to child until nothing new turns up. A row reached
// along two paths is counted once.
func Reach(ctx context.Context, c Conn, refs []Reference, patientID string) (Rows, error) {
	out := Rows{}
	seen := map[string]map[string]bool{}
	add := func(table string, raw []byte) (bool, error) {
		if seen[table] == nil {
			seen[table] = map[string]bool{}
		}
		if seen[table][string(raw)] {
			return false, nil
		}
		seen[table][string(raw)] = true
		r, err := decodeRow(raw)
		if err != nil {
			return false, fmt.Errorf("privacy: row of %s: %w", table, err)
		}
		out[table] = append(out[table], r)
		return true, nil
	}
	if err := selectRows(ctx, c, "users", "id", []string{patientID}, add); err != nil {
		return nil, err
	}
	// asked remembers how many parent rows each reference was followed
	// with, so a pass asks again only where the parent gained rows.
	asked := map[int]int{}
	for changed := true; changed; {
		changed = false
		for i, ref := range refs {
			parents := out[ref.ParentTable]
			if len(parents) == asked[i] {
				continue
			}
			asked[i] = len(parents)
			vals := columnValues(parents, ref.ParentColumn)
			if len(vals) == 0 {
				continue
			}
			before := len(out[ref.Table])
			if err := selectRows(ctx, c, ref.Table, ref.Column, vals, add); err != nil {
				return nil, err
			}
			changed = changed || len(out[ref.Table]) > before
		}
	}
	return out, nil
}

func selectRows(ctx context.Context, c Conn, table, column string, vals []string, add func(string, []byte) (bool, error)) error {
	q := fmt.Sprintf(`SELECT to_jsonb(t)::text FROM %s t WHERE t.%s::text = ANY($1::text[])`,
		pgx.Identifier{table}.Sanitize(), pgx.Identifier{column}.Sanitize())
	rows, err := c.Query(ctx, q, vals)
	if err != nil {
		return fmt.Errorf("privacy: read %s: %w", table, err)
	}
	raws, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return fmt.Errorf("privacy: read %s: %w", table, err)
	}
	for _, raw := range raws {
		if _, err := add(table, []byte(raw)); err != nil {
			return err
		}
	}
	return nil
}

// columnValues are the distinct non-null values of a column, as text.
func columnValues(rows []Row, column string) []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range rows {
		v, ok := r[column]
		if !ok || v == nil {
			continue
		}
		s := fmt.Sprint(v)
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}

func decodeRow(raw []byte) (Row, error) {
	var r Row
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	return r, dec.Decode(&r)
}
