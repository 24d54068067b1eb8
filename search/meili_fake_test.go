package search

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// fakeMeili is an httptest server speaking the part of the Meilisearch API
// the adapter uses, in its documented request and response shapes. It logs
// every request so tests can check exactly what the adapter sent.
type fakeMeili struct {
	t      *testing.T
	srv    *httptest.Server
	apiKey string

	mu      sync.Mutex
	indexes map[string]*fakeIndex
	tasks   map[int64]fakeTask
	nextUID int64
	log     []fakeReq
	// failTasks makes tasks of this type fail with failCode.
	failTasks, failCode string
	// searchReply answers POST /indexes/{uid}/search; nil gives no hits.
	searchReply func(uid string, body map[string]any) any
}

type fakeIndex struct {
	primaryKey string
	settings   map[string]json.RawMessage
	// docs holds the ids of the documents in the index.
	docs map[string]bool
}

type fakeTask struct {
	uid      int64
	indexUID string
	typ      string
	failCode string
}

type fakeReq struct {
	Method, Path, Query string
	Body                []byte
}

func (r fakeReq) String() string { return r.Method + " " + r.Path }

// meiliDefaultSettings is what GET /indexes/{uid}/settings returns for a new
// index (Meilisearch's defaults).
const meiliDefaultSettings = `{
	"displayedAttributes": ["*"],
	"searchableAttributes": ["*"],
	"filterableAttributes": [],
	"sortableAttributes": [],
	"rankingRules": ["words", "typo", "proximity", "attribute", "sort", "exactness"],
	"stopWords": [],
	"nonSeparatorTokens": [],
	"separatorTokens": [],
	"dictionary": [],
	"synonyms": {},
	"distinctAttribute": null,
	"proximityPrecision": "byWord",
	"typoTolerance": {"enabled": true, "minWordSizeForTypos": {"oneTypo": 5, "twoTypos": 9},
		"disableOnWords": [], "disableOnAttributes": [], "disableOnNumbers": false},
	"faceting": {"maxValuesPerFacet": 100, "sortFacetValuesBy": {"*": "alpha"}},
	"pagination": {"maxTotalHits": 1000},
	"embedders": {},
	"searchCutoffMs": null,
	"localizedAttributes": null,
	"facetSearch": true,
	"prefixSearch": "indexingTime"
}`

func newFakeMeili(t *testing.T) *fakeMeili {
	f := &fakeMeili{t: t, apiKey: "test-key", indexes: map[string]*fakeIndex{}, tasks: map[int64]fakeTask{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeMeili) URL() string { return f.srv.URL }

// requests returns the logged requests and clears the log.
func (f *fakeMeili) requests() []fakeReq {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := f.log
	f.log = nil
	return out
}

func (f *fakeMeili) reply(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if err := json.NewEncoder(w).Encode(v); err != nil {
		f.t.Errorf("fake meilisearch: encode reply: %v", err)
	}
}

func (f *fakeMeili) apiError(w http.ResponseWriter, status int, code, msg string) {
	f.reply(w, status, map[string]string{
		"message": msg, "code": code, "type": "invalid_request",
		"link": "https://docs.meilisearch.com/errors#" + code,
	})
}

// enqueue records a task and answers 202 with its summarized task object.
func (f *fakeMeili) enqueue(w http.ResponseWriter, indexUID, typ string) {
	uid := f.nextUID
	f.nextUID++
	task := fakeTask{uid: uid, indexUID: indexUID, typ: typ}
	if typ == f.failTasks {
		task.failCode = f.failCode
	}
	f.tasks[uid] = task
	f.reply(w, http.StatusAccepted, map[string]any{
		"taskUid": uid, "indexUid": indexUID, "status": "enqueued", "type": typ,
		"enqueuedAt": "2030-03-04T08:00:00.000000Z",
	})
}

func (f *fakeMeili) newIndex(uid, pk string) *fakeIndex {
	var s map[string]json.RawMessage
	if err := json.Unmarshal([]byte(meiliDefaultSettings), &s); err != nil {
		f.t.Fatalf("fake meilisearch: default settings: %v", err)
	}
	idx := &fakeIndex{primaryKey: pk, settings: s, docs: map[string]bool{}}
	f.indexes[uid] = idx
	return idx
}

func (f *fakeMeili) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		f.t.Errorf("fake meilisearch: read body: %v", err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.log = append(f.log, fakeReq{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Body: body})

	if got := r.Header.Get("Authorization"); got != "Bearer "+f.apiKey {
		f.apiError(w, http.StatusUnauthorized, "missing_authorization_header", "bad key "+got)
		return
	}
	if len(body) > 0 && !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		f.t.Errorf("%s %s: Content-Type %q", r.Method, r.URL.Path, r.Header.Get("Content-Type"))
	}
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	switch {
	case r.Method == http.MethodGet && len(parts) == 2 && parts[0] == "tasks":
		f.getTask(w, parts[1])
	case r.Method == http.MethodPost && len(parts) == 1 && parts[0] == "indexes":
		var req struct {
			UID        string `json:"uid"`
			PrimaryKey string `json:"primaryKey"`
		}
		if err := json.Unmarshal(body, &req); err != nil {
			f.apiError(w, http.StatusBadRequest, "bad_request", err.Error())
			return
		}
		typ := "indexCreation"
		if _, ok := f.indexes[req.UID]; ok {
			// The task fails asynchronously, as in Meilisearch.
			f.failTasks, f.failCode = typ, "index_already_exists"
			f.enqueue(w, req.UID, typ)
			f.failTasks, f.failCode = "", ""
			return
		}
		f.newIndex(req.UID, req.PrimaryKey)
		f.enqueue(w, req.UID, typ)
	case r.Method == http.MethodPost && len(parts) == 1 && parts[0] == "swap-indexes":
		f.swapIndexes(w, body)
	case len(parts) >= 2 && parts[0] == "indexes":
		f.serveIndex(w, r, parts[1], parts[2:], body)
	default:
		f.apiError(w, http.StatusNotFound, "not_found", "no route "+r.URL.Path)
	}
}

// swapIndexes exchanges the documents and settings of index pairs, as
// POST /swap-indexes does; a missing index fails the task.
func (f *fakeMeili) swapIndexes(w http.ResponseWriter, body []byte) {
	var pairs []struct {
		Indexes []string `json:"indexes"`
		Rename  bool     `json:"rename"`
	}
	if err := json.Unmarshal(body, &pairs); err != nil {
		f.apiError(w, http.StatusBadRequest, "invalid_swap_indexes", err.Error())
		return
	}
	for _, p := range pairs {
		if len(p.Indexes) != 2 || p.Rename {
			f.apiError(w, http.StatusBadRequest, "invalid_swap_indexes", fmt.Sprintf("bad pair %v", p))
			return
		}
		if f.indexes[p.Indexes[0]] == nil || f.indexes[p.Indexes[1]] == nil {
			f.failTasks, f.failCode = "indexSwap", "index_not_found"
			f.enqueue(w, "", "indexSwap")
			f.failTasks, f.failCode = "", ""
			return
		}
	}
	for _, p := range pairs {
		a, b := p.Indexes[0], p.Indexes[1]
		f.indexes[a], f.indexes[b] = f.indexes[b], f.indexes[a]
	}
	f.enqueue(w, "", "indexSwap")
}

// docIDs returns the sorted document ids of an index, nil when it does not exist.
func (f *fakeMeili) docIDs(uid string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	idx := f.indexes[uid]
	if idx == nil {
		return nil
	}
	ids := []string{}
	for id := range idx.docs {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// indexNames returns the sorted names of the indexes.
func (f *fakeMeili) indexNames() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for uid := range f.indexes {
		out = append(out, uid)
	}
	slices.Sort(out)
	return out
}

func (f *fakeMeili) getTask(w http.ResponseWriter, id string) {
	uid, err := strconv.ParseInt(id, 10, 64)
	task, ok := f.tasks[uid]
	if err != nil || !ok {
		f.apiError(w, http.StatusNotFound, "task_not_found", "task "+id+" not found")
		return
	}
	out := map[string]any{
		"uid": task.uid, "batchUid": task.uid, "indexUid": task.indexUID, "type": task.typ,
		"status": "succeeded", "canceledBy": nil, "details": map[string]any{}, "error": nil,
		"duration": "PT0.001S", "enqueuedAt": "2030-03-04T08:00:00.000000Z",
		"startedAt": "2030-03-04T08:00:00.001000Z", "finishedAt": "2030-03-04T08:00:00.002000Z",
	}
	if task.failCode != "" {
		out["status"] = "failed"
		out["error"] = map[string]string{
			"message": "task failed: " + task.failCode, "code": task.failCode,
			"type": "invalid_request", "link": "https://docs.meilisearch.com/errors#" + task.failCode,
		}
	}
	f.reply(w, http.StatusOK, out)
}

func (f *fakeMeili) serveIndex(w http.ResponseWriter, r *http.Request, uid string, rest []string, body []byte) {
	idx, ok := f.indexes[uid]
	notFound := func() {
		f.apiError(w, http.StatusNotFound, "index_not_found", fmt.Sprintf("Index `%s` not found.", uid))
	}
	switch {
	case r.Method == http.MethodGet && len(rest) == 0:
		if !ok {
			notFound()
			return
		}
		out := map[string]any{"uid": uid, "createdAt": "2030-03-04T08:00:00Z", "updatedAt": "2030-03-04T08:00:00Z", "primaryKey": nil}
		if idx.primaryKey != "" {
			out["primaryKey"] = idx.primaryKey
		}
		f.reply(w, http.StatusOK, out)
	case r.Method == http.MethodGet && len(rest) == 1 && rest[0] == "settings":
		if !ok {
			notFound()
			return
		}
		f.reply(w, http.StatusOK, idx.settings)
	case r.Method == http.MethodPatch && len(rest) == 1 && rest[0] == "settings":
		if !ok {
			idx = f.newIndex(uid, "")
		}
		var patch map[string]json.RawMessage
		if err := json.Unmarshal(body, &patch); err != nil {
			f.apiError(w, http.StatusBadRequest, "bad_request", err.Error())
			return
		}
		for k, v := range patch {
			if k == "filterableAttributes" || k == "sortableAttributes" {
				// Meilisearch keeps these as sets and returns them sorted.
				var attrs []string
				if err := json.Unmarshal(v, &attrs); err != nil {
					f.apiError(w, http.StatusBadRequest, "invalid_settings_"+k, err.Error())
					return
				}
				slices.Sort(attrs)
				v, _ = json.Marshal(attrs)
			}
			idx.settings[k] = v
		}
		f.enqueue(w, uid, "settingsUpdate")
	case r.Method == http.MethodDelete && len(rest) == 0:
		if !ok {
			notFound()
			return
		}
		delete(f.indexes, uid)
		f.enqueue(w, uid, "indexDeletion")
	case r.Method == http.MethodPost && len(rest) == 1 && rest[0] == "documents":
		if !ok {
			idx = f.newIndex(uid, r.URL.Query().Get("primaryKey"))
		}
		var docs []map[string]any
		if err := json.Unmarshal(body, &docs); err != nil {
			f.apiError(w, http.StatusBadRequest, "malformed_payload", err.Error())
			return
		}
		for _, d := range docs {
			idx.docs[fmt.Sprint(d["id"])] = true
		}
		f.enqueue(w, uid, "documentAdditionOrUpdate")
	case r.Method == http.MethodDelete && len(rest) == 1 && rest[0] == "documents":
		if ok {
			clear(idx.docs)
		}
		f.enqueue(w, uid, "documentDeletion")
	case r.Method == http.MethodDelete && len(rest) == 2 && rest[0] == "documents":
		if ok {
			delete(idx.docs, rest[1])
		}
		f.enqueue(w, uid, "documentDeletion")
	case r.Method == http.MethodPost && len(rest) == 1 && rest[0] == "search":
		if !ok {
			notFound()
			return
		}
		var req map[string]any
		if err := json.Unmarshal(body, &req); err != nil {
			f.apiError(w, http.StatusBadRequest, "bad_request", err.Error())
			return
		}
		if f.searchReply != nil {
			f.reply(w, http.StatusOK, f.searchReply(uid, req))
			return
		}
		f.reply(w, http.StatusOK, map[string]any{
			"hits": []any{}, "query": req["q"], "processingTimeMs": 0,
			"hitsPerPage": req["hitsPerPage"], "page": req["page"], "totalPages": 0, "totalHits": 0,
		})
	default:
		f.apiError(w, http.StatusNotFound, "not_found", "no route "+r.URL.Path)
	}
}
