package search_test

import (
	"context"
	"fmt"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/meilisearch/meilisearch-go"

	"derma2go/search"
	"derma2go/search/searchtest"
)

var meiliTestIndexes atomic.Int64

// TestMeiliContract runs the contract against a real Meilisearch server at
// MEILI_URL (key in MEILI_API_KEY or MEILI_MASTER_KEY), each test in its own
// pair of indexes, deleted afterwards.
func TestMeiliContract(t *testing.T) {
	url := os.Getenv("MEILI_URL")
	if url == "" {
		t.Skip("MEILI_URL not set: no Meilisearch server on this machine")
	}
	key := os.Getenv("MEILI_API_KEY")
	if key == "" {
		key = os.Getenv("MEILI_MASTER_KEY")
	}
	searchtest.RunContract(t, func(t *testing.T) search.Index {
		prefix := fmt.Sprintf("derma_test_%d_%d_", time.Now().UnixNano(), meiliTestIndexes.Add(1))
		m, err := search.OpenMeili(t.Context(), url, key, prefix)
		if err != nil {
			t.Fatalf("OpenMeili: %v", err)
		}
		t.Cleanup(func() {
			if err := m.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
			client := meilisearch.New(url, meilisearch.WithAPIKey(key))
			defer client.Close()
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			for _, name := range []string{search.MeiliDoctorsIndex, search.MeiliConditionsIndex} {
				task, err := client.DeleteIndex(ctx, prefix+name)
				if err != nil {
					t.Errorf("delete index %s: %v", prefix+name, err)
					continue
				}
				if _, err := client.WaitForTask(ctx, task.TaskUID, 50*time.Millisecond); err != nil {
					t.Errorf("wait for deletion of %s: %v", prefix+name, err)
				}
			}
		})
		return m
	})
}
