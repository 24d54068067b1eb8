package search

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/meilisearch/meilisearch-go"
)

// Meilisearch index names, after the prefix given to OpenMeili.
const (
	MeiliDoctorsIndex    = "doctors"
	MeiliConditionsIndex = "conditions"
)

// meiliBatchSize is the number of documents sent per request.
const meiliBatchSize = 1000

// meiliMaxTotalHits bounds Total and pagination in Meilisearch (its default
// of 1000 is too low for a doctor directory).
const meiliMaxTotalHits = 20000

// MeiliOption configures OpenMeili.
type MeiliOption func(*meiliConfig)

type meiliConfig struct {
	httpClient   *http.Client
	asyncWrites  bool
	pollInterval time.Duration
	taskTimeout  time.Duration
}

// WithMeiliHTTPClient sets the HTTP client (default: 30 s timeout).
func WithMeiliHTTPClient(c *http.Client) MeiliOption {
	return func(cfg *meiliConfig) { cfg.httpClient = c }
}

// WithMeiliAsyncWrites makes document writes return once Meilisearch has
// enqueued them, without waiting until they are searchable. By default every
// write waits for its task, which is what reindex and the tests need.
func WithMeiliAsyncWrites() MeiliOption {
	return func(cfg *meiliConfig) { cfg.asyncWrites = true }
}

// WithMeiliTaskWait sets how often a task is polled and how long at most it is
// waited for (defaults 50 ms and 2 min).
func WithMeiliTaskWait(poll, timeout time.Duration) MeiliOption {
	return func(cfg *meiliConfig) {
		cfg.pollInterval = poll
		cfg.taskTimeout = timeout
	}
}

// Meili is the Index backed by a Meilisearch server: indexes
// <prefix>doctors and <prefix>conditions, both with primary key id.
type Meili struct {
	client        meilisearch.ServiceManager
	doctors       meilisearch.IndexManager
	conditions    meilisearch.IndexManager
	doctorsUID    string
	conditionsUID string
	cfg           meiliConfig
}

var _ Index = (*Meili)(nil)

// OpenMeili connects to Meilisearch at url, creates the two indexes when
// missing and applies their settings when they differ from the wanted ones,
// waiting for each change to be done.
func OpenMeili(ctx context.Context, url, apiKey, prefix string, opts ...MeiliOption) (*Meili, error) {
	cfg := meiliConfig{pollInterval: 50 * time.Millisecond, taskTimeout: 2 * time.Minute}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.httpClient == nil {
		cfg.httpClient = &http.Client{Timeout: 30 * time.Second}
	}
	if url == "" {
		return nil, errors.New("search: meilisearch url is empty")
	}
	client := meilisearch.New(url, meilisearch.WithAPIKey(apiKey), meilisearch.WithCustomClient(cfg.httpClient))
	m := &Meili{client: client, cfg: cfg, doctorsUID: prefix + MeiliDoctorsIndex, conditionsUID: prefix + MeiliConditionsIndex}
	specs := []struct {
		uid      string
		settings *meilisearch.Settings
		dst      *meilisearch.IndexManager
	}{
		{m.doctorsUID, meiliDoctorSettings(), &m.doctors},
		{m.conditionsUID, meiliConditionSettings(), &m.conditions},
	}
	for _, s := range specs {
		idx, err := m.prepareIndex(ctx, s.uid, s.settings)
		if err != nil {
			client.Close()
			return nil, err
		}
		*s.dst = idx
	}
	return m, nil
}

// prepareIndex creates the index uid when missing and applies settings.
func (m *Meili) prepareIndex(ctx context.Context, uid string, settings *meilisearch.Settings) (meilisearch.IndexManager, error) {
	if err := m.ensureIndex(ctx, uid); err != nil {
		return nil, err
	}
	idx := m.client.Index(uid)
	if err := m.applySettings(ctx, idx, uid, settings); err != nil {
		return nil, err
	}
	return idx, nil
}

func meiliTypoTolerance() *meilisearch.TypoTolerance {
	return &meilisearch.TypoTolerance{
		Enabled:             true,
		MinWordSizeForTypos: meilisearch.MinWordSizeForTypos{OneTypo: typoOneMin, TwoTypos: typoTwoMin},
		DisableOnWords:      []string{},
		DisableOnAttributes: []string{},
	}
}

func meiliDoctorSettings() *meilisearch.Settings {
	filterable := []string{fCity, fLanguages, fTypes, fPriceMin, fRating, fNextAvailable, "_geo"}
	sortable := []string{fID, fPriceMin, fRating, fRatingCount, fNextAvailable, "_geo"}
	for _, t := range ConsultationTypes {
		filterable = append(filterable, fPricePrefix+t, fNextPrefix+t)
		sortable = append(sortable, fPricePrefix+t, fNextPrefix+t)
	}
	return &meilisearch.Settings{
		// sort first: an explicit sort (price, rating, ...) orders the
		// results even when there is text; without one it is a no-op.
		RankingRules:         []string{"sort", "words", "typo", "proximity", "attribute", "exactness"},
		SearchableAttributes: []string{fName, fSpecialty, fFocusAreas, fCity},
		FilterableAttributes: filterable,
		SortableAttributes:   sortable,
		TypoTolerance:        meiliTypoTolerance(),
		Pagination:           &meilisearch.Pagination{MaxTotalHits: meiliMaxTotalHits},
		Faceting: &meilisearch.Faceting{
			MaxValuesPerFacet: 100,
			SortFacetValuesBy: map[string]meilisearch.SortFacetType{"*": meilisearch.SortFacetTypeAlpha},
		},
	}
}

func meiliConditionSettings() *meilisearch.Settings {
	return &meilisearch.Settings{
		RankingRules:         []string{"words", "typo", "proximity", "attribute", "sort", "exactness"},
		SearchableAttributes: []string{cName, cSynonyms, cSummary, cBody},
		FilterableAttributes: []string{cLang, cLetter},
		SortableAttributes:   []string{cNameKey, fID},
		TypoTolerance:        meiliTypoTolerance(),
		Pagination:           &meilisearch.Pagination{MaxTotalHits: meiliMaxTotalHits},
		Faceting: &meilisearch.Faceting{
			MaxValuesPerFacet: 100,
			SortFacetValuesBy: map[string]meilisearch.SortFacetType{"*": meilisearch.SortFacetTypeAlpha},
		},
	}
}

func isMeiliCode(err error, code meilisearch.APIErrCode) bool {
	var me *meilisearch.Error
	return errors.As(err, &me) && me.APIError.Code == code
}

// ensureIndex creates the index with primary key id unless it exists, and
// checks the primary key of an existing one.
func (m *Meili) ensureIndex(ctx context.Context, uid string) error {
	info, err := m.client.GetIndex(ctx, uid)
	switch {
	case err == nil:
		if info.PrimaryKey != "" && info.PrimaryKey != fID {
			return fmt.Errorf("search: meilisearch index %s has primary key %q, want %q", uid, info.PrimaryKey, fID)
		}
		return nil
	case isMeiliCode(err, meilisearch.APIErrCodeIndexNotFound):
	default:
		return fmt.Errorf("search: meilisearch get index %s: %w", uid, err)
	}
	task, err := m.client.CreateIndex(ctx, &meilisearch.IndexConfig{Uid: uid, PrimaryKey: fID})
	if err != nil {
		return fmt.Errorf("search: meilisearch create index %s: %w", uid, err)
	}
	err = m.wait(ctx, task, "create index "+uid)
	if err != nil && !isTaskCode(err, meilisearch.APIErrCodeIndexAlreadyExists) {
		return err
	}
	return nil
}

// applySettings patches the settings that differ from want, if any, and
// waits until they are applied.
func (m *Meili) applySettings(ctx context.Context, idx meilisearch.IndexManager, uid string, want *meilisearch.Settings) error {
	have, err := idx.GetSettings(ctx)
	if err != nil {
		return fmt.Errorf("search: meilisearch get settings of %s: %w", uid, err)
	}
	patch, changed := settingsPatch(want, have)
	if !changed {
		return nil
	}
	task, err := idx.UpdateSettings(ctx, patch)
	if err != nil {
		return fmt.Errorf("search: meilisearch update settings of %s: %w", uid, err)
	}
	return m.wait(ctx, task, "update settings of "+uid)
}

// settingsPatch returns the settings of want that differ from have.
// Filterable and sortable attributes compare as sets (Meilisearch returns
// them sorted); ranking rules and searchable attributes in order.
func settingsPatch(want, have *meilisearch.Settings) (*meilisearch.Settings, bool) {
	p := &meilisearch.Settings{}
	changed := false
	if !slices.Equal(want.RankingRules, have.RankingRules) {
		p.RankingRules, changed = want.RankingRules, true
	}
	if !slices.Equal(want.SearchableAttributes, have.SearchableAttributes) {
		p.SearchableAttributes, changed = want.SearchableAttributes, true
	}
	if !sameSet(want.FilterableAttributes, have.FilterableAttributes) {
		p.FilterableAttributes, changed = want.FilterableAttributes, true
	}
	if !sameSet(want.SortableAttributes, have.SortableAttributes) {
		p.SortableAttributes, changed = want.SortableAttributes, true
	}
	if !sameTypoTolerance(want.TypoTolerance, have.TypoTolerance) {
		p.TypoTolerance, changed = want.TypoTolerance, true
	}
	if have.Pagination == nil || want.Pagination.MaxTotalHits != have.Pagination.MaxTotalHits {
		p.Pagination, changed = want.Pagination, true
	}
	if have.Faceting == nil || want.Faceting.MaxValuesPerFacet != have.Faceting.MaxValuesPerFacet ||
		!maps.Equal(want.Faceting.SortFacetValuesBy, have.Faceting.SortFacetValuesBy) {
		p.Faceting, changed = want.Faceting, true
	}
	return p, changed
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(slices.Compact(a), slices.Compact(b))
}

func sameTypoTolerance(want, have *meilisearch.TypoTolerance) bool {
	return have != nil &&
		want.Enabled == have.Enabled &&
		want.MinWordSizeForTypos == have.MinWordSizeForTypos &&
		sameSet(want.DisableOnWords, have.DisableOnWords) &&
		sameSet(want.DisableOnAttributes, have.DisableOnAttributes) &&
		want.DisableOnNumbers == have.DisableOnNumbers
}

// taskError is a Meilisearch task that did not succeed.
type taskError struct {
	what   string
	uid    int64
	status meilisearch.TaskStatus
	code   meilisearch.APIErrCode
	msg    string
}

// Error implements error.
func (e *taskError) Error() string {
	return fmt.Sprintf("search: meilisearch %s: task %d %s: %s (%s)", e.what, e.uid, e.status, e.msg, e.code)
}

func isTaskCode(err error, code meilisearch.APIErrCode) bool {
	var te *taskError
	return errors.As(err, &te) && te.code == code
}

// wait waits for a task to finish and fails unless it succeeded.
func (m *Meili) wait(ctx context.Context, info *meilisearch.TaskInfo, what string) error {
	ctx, cancel := context.WithTimeout(ctx, m.cfg.taskTimeout)
	defer cancel()
	task, err := m.client.WaitForTask(ctx, info.TaskUID, m.cfg.pollInterval)
	if err != nil {
		return fmt.Errorf("search: meilisearch %s: wait for task %d: %w", what, info.TaskUID, err)
	}
	if task.Status != meilisearch.TaskStatusSucceeded {
		return &taskError{what: what, uid: info.TaskUID, status: task.Status, code: task.Error.Code, msg: task.Error.Message}
	}
	return nil
}

// waitWrites waits for document tasks unless writes are asynchronous.
func (m *Meili) waitWrites(ctx context.Context, tasks []*meilisearch.TaskInfo, what string) error {
	if m.cfg.asyncWrites {
		return nil
	}
	for _, t := range tasks {
		if err := m.wait(ctx, t, what); err != nil {
			return err
		}
	}
	return nil
}

func (r doctorRecord) meiliDoc() map[string]any {
	m := map[string]any{
		fID:          r.id,
		fName:        r.name,
		fSpecialty:   r.specialty,
		fFocusAreas:  emptyIfNil(r.focusAreas),
		fCity:        r.city,
		fLanguages:   emptyIfNil(r.languages),
		fTypes:       emptyIfNil(r.types),
		fRating:      r.rating,
		fRatingCount: r.ratingCount,
		"_geo":       meiliGeo{Lat: r.lat, Lng: r.lng},
	}
	for t, p := range r.prices {
		m[fPricePrefix+t] = p
	}
	if r.priceMin != nil {
		m[fPriceMin] = *r.priceMin
	}
	for t, s := range r.next {
		m[fNextPrefix+t] = s
	}
	if r.nextAvailable != nil {
		m[fNextAvailable] = *r.nextAvailable
	}
	return m
}

func (r conditionRecord) meiliDoc() map[string]any {
	return map[string]any{
		fID:       r.id,
		cSlug:     r.slug,
		cLang:     r.lang,
		cName:     r.name,
		cNameKey:  r.nameKey,
		cSummary:  r.summary,
		cBody:     r.body,
		cSynonyms: emptyIfNil(r.synonyms),
		cLetter:   r.letter,
	}
}

func emptyIfNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// addDocuments sends docs in batches (add or replace, primary key id) and
// waits for them unless writes are asynchronous and mayReturnEarly.
func (m *Meili) addDocuments(ctx context.Context, idx meilisearch.IndexManager, docs []map[string]any, what string, mayReturnEarly bool) error {
	pk := fID
	var tasks []*meilisearch.TaskInfo
	for start := 0; start < len(docs); start += meiliBatchSize {
		batch := docs[start:min(start+meiliBatchSize, len(docs))]
		t, err := idx.AddDocuments(ctx, batch, &meilisearch.DocumentOptions{PrimaryKey: &pk})
		if err != nil {
			return fmt.Errorf("search: meilisearch %s: %w", what, err)
		}
		tasks = append(tasks, t)
	}
	if !mayReturnEarly {
		for _, t := range tasks {
			if err := m.wait(ctx, t, what); err != nil {
				return err
			}
		}
		return nil
	}
	return m.waitWrites(ctx, tasks, what)
}

// UpsertDoctors adds or replaces doctors.
func (m *Meili) UpsertDoctors(ctx context.Context, docs []DoctorDoc) error {
	return m.upsertDoctors(ctx, m.doctors, docs, true)
}

// UpsertConditions adds or replaces condition pages.
func (m *Meili) UpsertConditions(ctx context.Context, docs []ConditionDoc) error {
	return m.upsertConditions(ctx, m.conditions, docs, true)
}

func (m *Meili) upsertDoctors(ctx context.Context, idx meilisearch.IndexManager, docs []DoctorDoc, mayReturnEarly bool) error {
	out := make([]map[string]any, 0, len(docs))
	for _, d := range docs {
		r, err := newDoctorRecord(d)
		if err != nil {
			return err
		}
		out = append(out, r.meiliDoc())
	}
	return m.addDocuments(ctx, idx, out, "upsert doctors", mayReturnEarly)
}

func (m *Meili) upsertConditions(ctx context.Context, idx meilisearch.IndexManager, docs []ConditionDoc, mayReturnEarly bool) error {
	out := make([]map[string]any, 0, len(docs))
	for _, d := range docs {
		r, err := newConditionRecord(d)
		if err != nil {
			return err
		}
		out = append(out, r.meiliDoc())
	}
	return m.addDocuments(ctx, idx, out, "upsert conditions", mayReturnEarly)
}

// DeleteDoctor removes one doctor.
func (m *Meili) DeleteDoctor(ctx context.Context, id string) error {
	if !validID(id) {
		return fmt.Errorf("search: delete doctor: invalid id %q", id)
	}
	t, err := m.doctors.DeleteDocument(ctx, id, nil)
	if err != nil {
		return fmt.Errorf("search: meilisearch delete doctor %s: %w", id, err)
	}
	return m.waitWrites(ctx, []*meilisearch.TaskInfo{t}, "delete doctor "+id)
}

// Rebuild creates two new indexes (the live names with a random suffix),
// applies the settings, fills them through fill, waiting for every write,
// and then swaps them with the live indexes in one swap-indexes task, which
// Meilisearch applies atomically. The new indexes, which hold the old
// documents after the swap, are deleted; on failure before the swap they are
// deleted and the live indexes are untouched.
func (m *Meili) Rebuild(ctx context.Context, fill func(ctx context.Context, w Writer) error) error {
	var r [6]byte
	if _, err := rand.Read(r[:]); err != nil {
		return fmt.Errorf("search: meilisearch rebuild: %w", err)
	}
	suffix := "_rebuild_" + hex.EncodeToString(r[:])
	tmpDoctors, tmpConditions := m.doctorsUID+suffix, m.conditionsUID+suffix
	drop := func() error {
		var errs []error
		for _, uid := range []string{tmpDoctors, tmpConditions} {
			if err := m.deleteIndex(context.WithoutCancel(ctx), uid); err != nil {
				errs = append(errs, err)
			}
		}
		return errors.Join(errs...)
	}
	w := &meiliWriter{m: m}
	var err error
	if w.doctors, err = m.prepareIndex(ctx, tmpDoctors, meiliDoctorSettings()); err != nil {
		return errors.Join(err, drop())
	}
	if w.conditions, err = m.prepareIndex(ctx, tmpConditions, meiliConditionSettings()); err != nil {
		return errors.Join(err, drop())
	}
	if err := fill(ctx, w); err != nil {
		return errors.Join(fmt.Errorf("search: meilisearch rebuild: %w", err), drop())
	}
	task, err := m.client.SwapIndexes(ctx, []*meilisearch.SwapIndexesParams{
		{Indexes: []string{m.doctorsUID, tmpDoctors}},
		{Indexes: []string{m.conditionsUID, tmpConditions}},
	})
	if err != nil {
		return errors.Join(fmt.Errorf("search: meilisearch swap indexes: %w", err), drop())
	}
	if err := m.wait(ctx, task, "swap indexes"); err != nil {
		return errors.Join(err, drop())
	}
	return drop()
}

// deleteIndex deletes an index and waits; a missing index is no error.
func (m *Meili) deleteIndex(ctx context.Context, uid string) error {
	task, err := m.client.DeleteIndex(ctx, uid)
	if err != nil {
		if isMeiliCode(err, meilisearch.APIErrCodeIndexNotFound) {
			return nil
		}
		return fmt.Errorf("search: meilisearch delete index %s: %w", uid, err)
	}
	if err := m.wait(ctx, task, "delete index "+uid); err != nil && !isTaskCode(err, meilisearch.APIErrCodeIndexNotFound) {
		return err
	}
	return nil
}

// meiliWriter fills the new indexes of a rebuild; every write waits for its
// task, so the swap only happens once all documents are in.
type meiliWriter struct {
	m                   *Meili
	doctors, conditions meilisearch.IndexManager
}

func (w *meiliWriter) UpsertDoctors(ctx context.Context, docs []DoctorDoc) error {
	return w.m.upsertDoctors(ctx, w.doctors, docs, false)
}

func (w *meiliWriter) UpsertConditions(ctx context.Context, docs []ConditionDoc) error {
	return w.m.upsertConditions(ctx, w.conditions, docs, false)
}

// Close releases the client's idle connections.
func (m *Meili) Close() error {
	m.client.Close()
	return nil
}

// meiliGeo is Meilisearch's _geo field.
type meiliGeo struct {
	Lat float64 `json:"lat"`
	Lng float64 `json:"lng"`
}

// meiliDoctorHit is the part of a doctor hit the adapter reads.
type meiliDoctorHit struct {
	ID          string    `json:"id"`
	Geo         *meiliGeo `json:"_geo"`
	GeoDistance *float64  `json:"_geoDistance"` // metres
}

// SearchDoctors runs a doctor query.
func (m *Meili) SearchDoctors(ctx context.Context, q DoctorQuery) (DoctorResult, error) {
	if err := q.Validate(); err != nil {
		return DoctorResult{}, err
	}
	page, perPage := q.paging()
	hpp := int64(perPage)
	req := &meilisearch.SearchRequest{
		Page:                 int64(page),
		HitsPerPage:          &hpp,
		Sort:                 meiliDoctorSort(q),
		AttributesToRetrieve: []string{fID, "_geo"},
		MatchingStrategy:     meilisearch.All,
	}
	if hasWords(q.Text) {
		req.Query = q.Text
	}
	if f := meiliDoctorFilter(q); f != "" {
		req.Filter = f
	}
	if q.Facets {
		req.Facets = []string{FacetCity, FacetLanguages, FacetTypes}
	}
	resp, err := m.doctors.Search(ctx, req.Query, req)
	if err != nil {
		return DoctorResult{}, fmt.Errorf("search: meilisearch search doctors: %w", err)
	}
	out := DoctorResult{Hits: make([]DoctorHit, 0, len(resp.Hits)), Total: int(resp.TotalHits)}
	for i, raw := range resp.Hits {
		var h meiliDoctorHit
		if err := raw.DecodeInto(&h); err != nil {
			return DoctorResult{}, fmt.Errorf("search: meilisearch doctor hit %d: %w", i, err)
		}
		hit := DoctorHit{ID: h.ID}
		if q.Near != nil {
			switch {
			case h.GeoDistance != nil:
				d := *h.GeoDistance / 1000
				hit.DistanceKm = &d
			case h.Geo != nil:
				d := HaversineKm(*q.Near, GeoPoint{Lat: h.Geo.Lat, Lng: h.Geo.Lng})
				hit.DistanceKm = &d
			default:
				return DoctorResult{}, fmt.Errorf("search: meilisearch doctor hit %s has no _geo", h.ID)
			}
		}
		out.Hits = append(out.Hits, hit)
	}
	if q.Facets {
		dist := map[string]map[string]int{}
		if len(resp.FacetDistribution) > 0 {
			if err := json.Unmarshal(resp.FacetDistribution, &dist); err != nil {
				return DoctorResult{}, fmt.Errorf("search: meilisearch facetDistribution: %w", err)
			}
		}
		out.Facets = map[string]map[string]int{}
		for _, name := range req.Facets {
			counts := dist[name]
			if counts == nil {
				counts = map[string]int{}
			}
			out.Facets[name] = counts
		}
	}
	return out, nil
}

// SearchConditions finds condition pages in one language.
func (m *Meili) SearchConditions(ctx context.Context, lang, text string, limit int) (ConditionResult, error) {
	if len(text) > MaxTextLen {
		return ConditionResult{}, qerr("text", "longer than %d bytes", MaxTextLen)
	}
	hpp := int64(conditionLimit(limit))
	req := &meilisearch.SearchRequest{
		Page:                 1,
		HitsPerPage:          &hpp,
		Filter:               cLang + " = " + meiliString(strings.ToLower(strings.TrimSpace(lang))),
		AttributesToRetrieve: []string{cSlug, cName, cLang},
		MatchingStrategy:     meilisearch.All,
	}
	if hasWords(text) {
		req.Query = text
	} else {
		req.Sort = []string{cNameKey + ":asc", fID + ":asc"}
	}
	resp, err := m.conditions.Search(ctx, req.Query, req)
	if err != nil {
		return ConditionResult{}, fmt.Errorf("search: meilisearch search conditions: %w", err)
	}
	out := ConditionResult{Hits: make([]ConditionHit, 0, len(resp.Hits)), Total: int(resp.TotalHits)}
	for i, raw := range resp.Hits {
		var h struct {
			Slug string `json:"slug"`
			Name string `json:"name"`
			Lang string `json:"lang"`
		}
		if err := raw.DecodeInto(&h); err != nil {
			return ConditionResult{}, fmt.Errorf("search: meilisearch condition hit %d: %w", i, err)
		}
		out.Hits = append(out.Hits, ConditionHit{Slug: h.Slug, Name: h.Name, Lang: h.Lang})
	}
	return out, nil
}
