package search_test

import (
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
				if err := b.Reset(t.Context()); err != nil {
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
