package search_test

import (
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
