package search_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"derma2go/search"
	"derma2go/search/searchtest"
)

func openMemBleve(t *testing.T) search.Index {
	t.Helper()
	b, err := search.OpenBleve("")
	if err != nil {
		t.Fatalf("OpenBleve: %v", err)
	}
	t.Cleanup(func() {
		if err := b.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return b
}

func TestBleveContract(t *testing.T) {
	searchtest.RunContract(t, openMemBleve)
}

func TestBleveContractOnDisk(t *testing.T) {
	if testing.Short() {
		t.Skip("on-disk contract skipped in -short mode")
	}
	searchtest.RunContract(t, func(t *testing.T) search.Index {
		b, err := search.OpenBleve(t.TempDir())
		if err != nil {
			t.Fatalf("OpenBleve: %v", err)
		}
		t.Cleanup(func() {
			if err := b.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
		})
		return b
	})
}

func TestBleveReopen(t *testing.T) {
	dir := t.TempDir()
	b, err := search.OpenBleve(dir)
	if err != nil {
		t.Fatalf("OpenBleve: %v", err)
	}
	if err := b.UpsertDoctors(t.Context(), searchtest.Doctors()); err != nil {
		t.Fatalf("UpsertDoctors: %v", err)
	}
	if err := b.UpsertConditions(t.Context(), searchtest.Conditions()); err != nil {
		t.Fatalf("UpsertConditions: %v", err)
	}
	if err := b.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if _, err := b.SearchDoctors(t.Context(), search.DoctorQuery{}); err == nil {
		t.Errorf("SearchDoctors after Close: no error")
	}

	b, err = search.OpenBleve(dir)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer b.Close()
	if b.NeedsReindex() {
		t.Errorf("NeedsReindex after a clean reopen")
	}
	res, err := b.SearchDoctors(t.Context(), search.DoctorQuery{Text: "Amstredam"})
	if err != nil {
		t.Fatalf("SearchDoctors: %v", err)
	}
	if res.Total != 2 {
		t.Errorf("after reopen: %d hits for Amstredam, want 2", res.Total)
	}
	conds, err := b.SearchConditions(t.Context(), "en", "eczma", 3)
	if err != nil {
		t.Fatalf("SearchConditions: %v", err)
	}
	if len(conds.Hits) == 0 || conds.Hits[0].Slug != "eczema" {
		t.Errorf("after reopen: conditions %+v", conds.Hits)
	}
}

func TestBleveConcurrentUse(t *testing.T) {
	b := openMemBleve(t)
	docs := search.GenerateDoctors(300, 3, searchtest.Base)
	if err := b.UpsertDoctors(t.Context(), docs); err != nil {
		t.Fatalf("UpsertDoctors: %v", err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 30 {
				q := search.DoctorQuery{Text: "dermatologie", Sort: search.SortRating, Facets: i%2 == 0, Page: 1 + w%2}
				if _, err := b.SearchDoctors(t.Context(), q); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := range 5 {
			if err := b.UpsertDoctors(t.Context(), docs[i*50:(i+1)*50]); err != nil {
				errs <- err
				return
			}
			if i == 2 {
				if err := b.Rebuild(t.Context(), func(ctx context.Context, w search.Writer) error {
					return w.UpsertDoctors(ctx, docs[:10])
				}); err != nil {
					errs <- err
					return
				}
			}
		}
	}()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// A rebuild on disk writes a new generation and swaps it in with the CURRENT
// file: the result survives a reopen, the old generation (here the layout
// before generations, indexes directly in the directory) is gone, and a
// generation left by an interrupted rebuild is removed at the next open.
func TestBleveRebuildOnDiskSwapsGenerations(t *testing.T) {
	dir := t.TempDir()
	b, err := search.OpenBleve(dir)
	if err != nil {
		t.Fatalf("OpenBleve: %v", err)
	}
	if err := b.UpsertDoctors(t.Context(), searchtest.Doctors()); err != nil {
		t.Fatalf("UpsertDoctors: %v", err)
	}
	if err := b.Rebuild(t.Context(), func(ctx context.Context, w search.Writer) error {
		if res, err := b.SearchDoctors(ctx, search.DoctorQuery{}); err != nil || res.Total != 10 {
			t.Errorf("while rebuilding: %d doctors, %v; want the old 10", res.Total, err)
		}
		return w.UpsertDoctors(ctx, []search.DoctorDoc{searchtest.Doctor("doc-04")})
	}); err != nil {
		t.Fatalf("Rebuild: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "doctors.bleve")); !os.IsNotExist(err) {
		t.Errorf("old layout index still there after the swap: %v", err)
	}
	if err := b.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	// An interrupted rebuild leaves a generation behind.
	if err := os.MkdirAll(filepath.Join(dir, "gen-deadbeef0000", "doctors.bleve"), 0o700); err != nil {
		t.Fatal(err)
	}

	b, err = search.OpenBleve(dir)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer b.Close()
	res, err := b.SearchDoctors(t.Context(), search.DoctorQuery{})
	if err != nil || res.Total != 1 || res.Hits[0].ID != "doc-04" {
		t.Fatalf("after reopen: %+v, %v; want only doc-04", res, err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	cur, err := os.ReadFile(filepath.Join(dir, "CURRENT"))
	if err != nil {
		t.Fatalf("CURRENT: %v", err)
	}
	want := []string{"CURRENT", string(cur[:len(cur)-1])}
	slices.Sort(want)
	if !slices.Equal(names, want) {
		t.Errorf("index dir holds %v, want %v", names, want)
	}
}
