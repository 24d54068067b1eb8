package search

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/char/asciifolding"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	bsearch "github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
)

// DefaultBleveDir is where the embedded index lives unless configured otherwise.
const DefaultBleveDir = ".derma/search"

// textAnalyzer folds accents, splits on Unicode word boundaries and lower-cases:
// no stemming and no stop words, like Meilisearch.
const textAnalyzer = "derma_text"

// bleveSchemaVersion is stored in each index; an index written with another
// version is dropped and recreated empty at open (see Bleve.NeedsReindex).
const bleveSchemaVersion = "1"

var schemaKey = []byte("derma_schema_version")

// batchSize is the number of documents per bleve batch.
const batchSize = 1000

var doctorTextFields = []weightedField{
	{fName, 4}, {fSpecialty, 3}, {fFocusAreas, 2}, {fCity, 1},
}

var conditionTextFields = []weightedField{
	{cName, 4}, {cSynonyms, 3}, {cSummary, 2}, {cBody, 1},
}

// Bleve is the embedded Index: two bleve (scorch) indexes, doctors and
// conditions, under one directory or in memory.
type Bleve struct {
	dir string

	rebuildMu  sync.Mutex   // one Rebuild at a time
	mu         sync.RWMutex // guards the index handles and gen (Rebuild swaps them)
	gen        string       // directory of the live generation ("" in memory)
	doctors    bleve.Index
	conditions bleve.Index
	analyzer   analysis.Analyzer
	rebuilt    bool
	closed     bool
}

var _ Index = (*Bleve)(nil)

// OpenBleve opens the embedded index under dir, creating it when missing.
// An empty dir gives an in-memory index (for tests).
func OpenBleve(dir string) (*Bleve, error) {
	b := &Bleve{dir: dir}
	if dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("search: create index dir: %w", err)
		}
		var err error
		if b.gen, err = liveGeneration(dir); err != nil {
			return nil, err
		}
		if err := removeStaleGenerations(dir, b.gen); err != nil {
			return nil, err
		}
	}
	var err error
	if b.doctors, err = b.openOne("doctors", doctorMapping); err != nil {
		return nil, err
	}
	if b.conditions, err = b.openOne("conditions", conditionMapping); err != nil {
		return nil, errors.Join(err, b.doctors.Close())
	}
	if err := b.initAnalyzer(); err != nil {
		return nil, errors.Join(err, b.Close())
	}
	return b, nil
}

func (b *Bleve) initAnalyzer() error {
	an := b.doctors.Mapping().AnalyzerNamed(textAnalyzer)
	if an == nil {
		return fmt.Errorf("search: analyzer %s missing from the index mapping", textAnalyzer)
	}
	b.analyzer = an
	return nil
}

// NeedsReindex reports whether an index on disk had an older schema and was
// recreated empty at open: the caller should rebuild it (derma reindex).
func (b *Bleve) NeedsReindex() bool {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.rebuilt
}

func (b *Bleve) path(name string) string { return indexPath(b.gen, name) }

func runtimeConfig() map[string]interface{} {
	return map[string]interface{}{"bolt_timeout": "5s"}
}

// openOne opens or creates one bleve index.
func (b *Bleve) openOne(name string, m func() (*mapping.IndexMappingImpl, error)) (bleve.Index, error) {
	path := b.path(name)
	if path != "" {
		idx, err := bleve.OpenUsing(path, runtimeConfig())
		switch {
		case err == nil:
			v, err := idx.GetInternal(schemaKey)
			if err != nil {
				return nil, errors.Join(fmt.Errorf("search: read %s schema version: %w", name, err), idx.Close())
			}
			if string(v) == bleveSchemaVersion {
				return idx, nil
			}
			// Derived data with an old schema: start again, empty.
			if err := idx.Close(); err != nil {
				return nil, fmt.Errorf("search: close outdated %s index: %w", name, err)
			}
			if err := os.RemoveAll(path); err != nil {
				return nil, fmt.Errorf("search: remove outdated %s index: %w", name, err)
			}
			b.rebuilt = true
		case errors.Is(err, bleve.ErrorIndexPathDoesNotExist):
		default:
			return nil, fmt.Errorf("search: open %s index at %s: %w", name, path, err)
		}
	}
	return createIndex(name, path, m)
}

func createIndex(name, path string, m func() (*mapping.IndexMappingImpl, error)) (bleve.Index, error) {
	im, err := m()
	if err != nil {
		return nil, fmt.Errorf("search: %s mapping: %w", name, err)
	}
	idx, err := bleve.NewUsing(path, im, scorch.Name, scorch.Name, runtimeConfig())
	if err != nil {
		return nil, fmt.Errorf("search: create %s index: %w", name, err)
	}
	if err := idx.SetInternal(schemaKey, []byte(bleveSchemaVersion)); err != nil {
		return nil, errors.Join(fmt.Errorf("search: write %s schema version: %w", name, err), idx.Close())
	}
	return idx, nil
}

func baseMapping() (*mapping.IndexMappingImpl, error) {
	im := bleve.NewIndexMapping()
	err := im.AddCustomAnalyzer(textAnalyzer, map[string]interface{}{
		"type":          custom.Name,
		"char_filters":  []string{asciifolding.Name},
		"tokenizer":     unicode.Name,
		"token_filters": []string{lowercase.Name},
	})
	if err != nil {
		return nil, fmt.Errorf("add analyzer: %w", err)
	}
	im.DefaultAnalyzer = textAnalyzer
	im.IndexDynamic = false
	im.StoreDynamic = false
	im.DocValuesDynamic = false
	return im, nil
}

func textField() *mapping.FieldMapping {
	f := bleve.NewTextFieldMapping()
	f.Analyzer = textAnalyzer
	f.IncludeTermVectors = false
	f.IncludeInAll = false
	f.Store = false
	f.DocValues = false
	return f
}

func keywordField(store bool) *mapping.FieldMapping {
	f := bleve.NewKeywordFieldMapping()
	f.IncludeTermVectors = false
	f.IncludeInAll = false
	f.Store = store
	f.DocValues = true
	f.Analyzer = keyword.Name
	return f
}

// numberField is a numeric field for range filters. Sorting uses the
// keyword sort keys instead: a numeric field's doc values hold every
// precision-shifted term of the value, which makes sorting on it several
// times slower than on a single fixed-width keyword term.
func numberField() *mapping.FieldMapping {
	f := bleve.NewNumericFieldMapping()
	f.IncludeInAll = false
	f.Store = false
	f.DocValues = false
	return f
}

func storedNumber() *mapping.FieldMapping {
	f := bleve.NewNumericFieldMapping()
	f.IncludeInAll = false
	f.Store = true
	f.Index = false
	f.DocValues = false
	return f
}

func doctorMapping() (*mapping.IndexMappingImpl, error) {
	im, err := baseMapping()
	if err != nil {
		return nil, err
	}
	dm := bleve.NewDocumentStaticMapping()
	for _, f := range []string{fName, fSpecialty, fFocusAreas} {
		dm.AddFieldMappingsAt(f, textField())
	}
	// city: words for the text search, the exact value for facets.
	cityText := textField()
	cityFacet := keywordField(false)
	cityFacet.Name = fCity + "_facet"
	dm.AddFieldMappingsAt(fCity, cityText, cityFacet)
	dm.AddFieldMappingsAt(fCityKey, keywordField(false))
	dm.AddFieldMappingsAt(fLanguages, keywordField(false))
	dm.AddFieldMappingsAt(fTypes, keywordField(false))
	for _, t := range ConsultationTypes {
		dm.AddFieldMappingsAt(fPricePrefix+t, numberField())
		dm.AddFieldMappingsAt(fNextPrefix+t, numberField())
	}
	dm.AddFieldMappingsAt(fPriceMin, numberField())
	dm.AddFieldMappingsAt(fNextAvailable, numberField())
	dm.AddFieldMappingsAt(fRating, numberField())
	for _, f := range []string{fPriceMin, fNextAvailable} {
		dm.AddFieldMappingsAt(sortKeyPrefix+f, keywordField(false))
	}
	for _, t := range ConsultationTypes {
		dm.AddFieldMappingsAt(sortKeyPrefix+fPricePrefix+t, keywordField(false))
		dm.AddFieldMappingsAt(sortKeyPrefix+fNextPrefix+t, keywordField(false))
	}
	dm.AddFieldMappingsAt(sortKeyPrefix+fRating, keywordField(false))
	geo := bleve.NewGeoPointFieldMapping()
	geo.IncludeInAll = false
	geo.DocValues = true
	dm.AddFieldMappingsAt(fGeo, geo)
	dm.AddFieldMappingsAt(fLat, storedNumber())
	dm.AddFieldMappingsAt(fLng, storedNumber())
	im.DefaultMapping = dm
	return im, nil
}

func conditionMapping() (*mapping.IndexMappingImpl, error) {
	im, err := baseMapping()
	if err != nil {
		return nil, err
	}
	dm := bleve.NewDocumentStaticMapping()
	dm.AddFieldMappingsAt(cSlug, keywordField(true))
	dm.AddFieldMappingsAt(cLang, keywordField(true))
	name := textField()
	name.Store = true
	dm.AddFieldMappingsAt(cName, name)
	dm.AddFieldMappingsAt(cNameKey, keywordField(false))
	dm.AddFieldMappingsAt(cSummary, textField())
	dm.AddFieldMappingsAt(cBody, textField())
	dm.AddFieldMappingsAt(cSynonyms, textField())
	dm.AddFieldMappingsAt(cLetter, keywordField(false))
	im.DefaultMapping = dm
	return im, nil
}

// cityFacetField is the keyword field holding the exact city for facets.
const cityFacetField = fCity + "_facet"

func (r doctorRecord) bleveDoc() map[string]interface{} {
	m := map[string]interface{}{
		fName:       r.name,
		fSpecialty:  r.specialty,
		fFocusAreas: r.focusAreas,
		fCity:       r.city,
		fCityKey:    strings.ToLower(r.city),
		fLanguages:  r.languages,
		fTypes:      r.types,
		fRating:     r.rating,
		// Rating then review count, both descending in one key.
		sortKeyPrefix + fRating: fmt.Sprintf("%016x%010d", math.Float64bits(r.rating), min(r.ratingCount, 9999999999)),
		fGeo:                    map[string]interface{}{"lat": r.lat, "lon": r.lng},
		fLat:                    r.lat,
		fLng:                    r.lng,
	}
	num := func(field string, v int64) {
		m[field] = float64(v)
		m[sortKeyPrefix+field] = sortKey(v)
	}
	for t, p := range r.prices {
		num(fPricePrefix+t, p)
	}
	if r.priceMin != nil {
		num(fPriceMin, *r.priceMin)
	}
	for t, s := range r.next {
		num(fNextPrefix+t, s)
	}
	if r.nextAvailable != nil {
		num(fNextAvailable, *r.nextAvailable)
	}
	return m
}

// sortKeyPrefix names the keyword field holding the sort key of a field.
const sortKeyPrefix = "sk_"

// sortKey encodes a non-negative integer (cents, unix seconds) as a
// fixed-width string that sorts like the number; negative values sort as 0.
func sortKey(v int64) string {
	return fmt.Sprintf("%019d", max(v, 0))
}

func (r conditionRecord) bleveDoc() map[string]interface{} {
	return map[string]interface{}{
		cSlug:     r.slug,
		cLang:     r.lang,
		cName:     r.name,
		cNameKey:  r.nameKey,
		cSummary:  r.summary,
		cBody:     r.body,
		cSynonyms: r.synonyms,
		cLetter:   r.letter,
	}
}

// readLock takes the read lock on the index handles; the caller runs the
// returned unlock.
func (b *Bleve) readLock() (func(), error) {
	b.mu.RLock()
	if b.closed {
		b.mu.RUnlock()
		return nil, errors.New("search: index is closed")
	}
	return b.mu.RUnlock, nil
}

// UpsertDoctors adds or replaces doctors in batches.
func (b *Bleve) UpsertDoctors(ctx context.Context, docs []DoctorDoc) error {
	unlock, err := b.readLock()
	if err != nil {
		return err
	}
	defer unlock()
	return upsertDoctors(ctx, b.doctors, docs)
}

// UpsertConditions adds or replaces condition pages in batches.
func (b *Bleve) UpsertConditions(ctx context.Context, docs []ConditionDoc) error {
	unlock, err := b.readLock()
	if err != nil {
		return err
	}
	defer unlock()
	return upsertConditions(ctx, b.conditions, docs)
}

func upsertDoctors(ctx context.Context, idx bleve.Index, docs []DoctorDoc) error {
	recs := make([]doctorRecord, 0, len(docs))
	for _, d := range docs {
		r, err := newDoctorRecord(d)
		if err != nil {
			return err
		}
		recs = append(recs, r)
	}
	return indexBatches(ctx, idx, len(recs), func(i int) (string, interface{}) {
		return recs[i].id, recs[i].bleveDoc()
	})
}

func upsertConditions(ctx context.Context, idx bleve.Index, docs []ConditionDoc) error {
	recs := make([]conditionRecord, 0, len(docs))
	for _, d := range docs {
		r, err := newConditionRecord(d)
		if err != nil {
			return err
		}
		recs = append(recs, r)
	}
	return indexBatches(ctx, idx, len(recs), func(i int) (string, interface{}) {
		return recs[i].id, recs[i].bleveDoc()
	})
}

func indexBatches(ctx context.Context, idx bleve.Index, n int, doc func(int) (string, interface{})) error {
	for start := 0; start < n; start += batchSize {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("search: upsert: %w", err)
		}
		end := min(start+batchSize, n)
		batch := idx.NewBatch()
		for i := start; i < end; i++ {
			id, d := doc(i)
			if err := batch.Index(id, d); err != nil {
				return fmt.Errorf("search: index document %s: %w", id, err)
			}
		}
		if err := idx.Batch(batch); err != nil {
			return fmt.Errorf("search: write batch: %w", err)
		}
	}
	return nil
}

// DeleteDoctor removes one doctor.
func (b *Bleve) DeleteDoctor(ctx context.Context, id string) error {
	if !validID(id) {
		return fmt.Errorf("search: delete doctor: invalid id %q", id)
	}
	unlock, err := b.readLock()
	if err != nil {
		return err
	}
	defer unlock()
	if err := b.doctors.Delete(id); err != nil {
		return fmt.Errorf("search: delete doctor %s: %w", id, err)
	}
	return nil
}

// Rebuild fills two new indexes through fill and swaps them in. On disk a
// rebuild writes a new generation directory next to the live one and then
// replaces the CURRENT file that names the live generation with a rename,
// so a crash at any point leaves one complete generation in use; the old
// generation is removed after the swap, and a half-built one at the next
// open.
func (b *Bleve) Rebuild(ctx context.Context, fill func(ctx context.Context, w Writer) error) error {
	b.rebuildMu.Lock()
	defer b.rebuildMu.Unlock()
	unlock, err := b.readLock()
	if err != nil {
		return err
	}
	unlock()
	gen := ""
	if b.dir != "" {
		if gen, err = newGeneration(b.dir); err != nil {
			return err
		}
	}
	discard := func(idxs ...bleve.Index) error {
		var errs []error
		for _, idx := range idxs {
			if idx != nil {
				errs = append(errs, idx.Close())
			}
		}
		if gen != "" {
			errs = append(errs, os.RemoveAll(gen))
		}
		return errors.Join(errs...)
	}
	w := &bleveWriter{}
	if w.doctors, err = createIndex("doctors", indexPath(gen, "doctors"), doctorMapping); err != nil {
		return errors.Join(err, discard())
	}
	if w.conditions, err = createIndex("conditions", indexPath(gen, "conditions"), conditionMapping); err != nil {
		return errors.Join(err, discard(w.doctors))
	}
	if err := fill(ctx, w); err != nil {
		return errors.Join(fmt.Errorf("search: rebuild: %w", err), discard(w.doctors, w.conditions))
	}

	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return errors.Join(errors.New("search: index is closed"), discard(w.doctors, w.conditions))
	}
	if gen != "" {
		if err := writeCurrent(b.dir, filepath.Base(gen)); err != nil {
			b.mu.Unlock()
			return errors.Join(err, discard(w.doctors, w.conditions))
		}
	}
	oldDoctors, oldConditions, oldGen := b.doctors, b.conditions, b.gen
	b.doctors, b.conditions, b.gen = w.doctors, w.conditions, gen
	b.rebuilt = false
	err = b.initAnalyzer()
	b.mu.Unlock()

	errs := []error{err, oldDoctors.Close(), oldConditions.Close()}
	if b.dir != "" {
		errs = append(errs, removeGeneration(b.dir, oldGen))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("search: rebuild: after the swap: %w", err)
	}
	return nil
}

// currentFile, in the index directory, names the live generation: the
// subdirectory holding doctors.bleve and conditions.bleve. Without it they
// are in the directory itself (the layout before generations).
const currentFile = "CURRENT"

const genPrefix = "gen-"

// liveGeneration returns the directory of the live generation under dir.
func liveGeneration(dir string) (string, error) {
	b, err := os.ReadFile(filepath.Join(dir, currentFile))
	if errors.Is(err, os.ErrNotExist) {
		return dir, nil
	}
	if err != nil {
		return "", fmt.Errorf("search: read %s: %w", currentFile, err)
	}
	name := strings.TrimSpace(string(b))
	if !strings.HasPrefix(name, genPrefix) || strings.ContainsAny(name, `/\`) {
		return "", fmt.Errorf("search: %s names %q, not a generation", filepath.Join(dir, currentFile), name)
	}
	return filepath.Join(dir, name), nil
}

// removeStaleGenerations deletes generation directories other than the live
// one (left by a rebuild that did not finish).
func removeStaleGenerations(dir, live string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	for _, e := range entries {
		p := filepath.Join(dir, e.Name())
		if e.IsDir() && strings.HasPrefix(e.Name(), genPrefix) && p != live {
			if err := os.RemoveAll(p); err != nil {
				return fmt.Errorf("search: remove stale generation: %w", err)
			}
		}
	}
	return nil
}

func newGeneration(dir string) (string, error) {
	var r [6]byte
	if _, err := rand.Read(r[:]); err != nil {
		return "", fmt.Errorf("search: %w", err)
	}
	gen := filepath.Join(dir, genPrefix+hex.EncodeToString(r[:]))
	if err := os.Mkdir(gen, 0o700); err != nil {
		return "", fmt.Errorf("search: new generation: %w", err)
	}
	return gen, nil
}

// writeCurrent makes gen the live generation: it writes a temporary file,
// syncs it and renames it over CURRENT.
func writeCurrent(dir, gen string) error {
	tmp := filepath.Join(dir, currentFile+".tmp")
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("search: swap: %w", err)
	}
	_, err = f.WriteString(gen + "\n")
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, filepath.Join(dir, currentFile))
	}
	if err != nil {
		return fmt.Errorf("search: swap: %w", err)
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}

// removeGeneration deletes a generation that is no longer live; the old
// layout (indexes directly in dir) loses just its two index directories.
func removeGeneration(dir, gen string) error {
	if gen == "" || gen == dir {
		return errors.Join(os.RemoveAll(indexPath(dir, "doctors")), os.RemoveAll(indexPath(dir, "conditions")))
	}
	return os.RemoveAll(gen)
}

func indexPath(gen, name string) string {
	if gen == "" {
		return ""
	}
	return filepath.Join(gen, name+".bleve")
}

// bleveWriter fills the indexes of a rebuild before they are swapped in.
type bleveWriter struct {
	doctors, conditions bleve.Index
}

func (w *bleveWriter) UpsertDoctors(ctx context.Context, docs []DoctorDoc) error {
	return upsertDoctors(ctx, w.doctors, docs)
}

func (w *bleveWriter) UpsertConditions(ctx context.Context, docs []ConditionDoc) error {
	return upsertConditions(ctx, w.conditions, docs)
}

// Close closes both indexes.
func (b *Bleve) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.closeLocked()
}

// closeLocked closes the open index handles; b.mu must be held.
func (b *Bleve) closeLocked() error {
	if b.closed {
		return nil
	}
	b.closed = true
	var errs []error
	if b.doctors != nil {
		if err := b.doctors.Close(); err != nil {
			errs = append(errs, fmt.Errorf("search: close doctors: %w", err))
		}
		b.doctors = nil
	}
	if b.conditions != nil {
		if err := b.conditions.Close(); err != nil {
			errs = append(errs, fmt.Errorf("search: close conditions: %w", err))
		}
		b.conditions = nil
	}
	return errors.Join(errs...)
}

func numRange(field string, min, max *float64, minIncl, maxIncl bool) query.Query {
	q := query.NewNumericRangeInclusiveQuery(min, max, &minIncl, &maxIncl)
	q.SetField(field)
	return q
}

func termIn(field, value string) query.Query {
	q := query.NewTermQuery(value)
	q.SetField(field)
	return q
}

func ptr[T any](v T) *T { return &v }

// doctorFilters maps the query's filters onto bleve queries.
func doctorFilters(q DoctorQuery) []query.Query {
	var f []query.Query
	if q.Type != "" {
		f = append(f, termIn(fTypes, q.Type))
	}
	if q.MaxPriceCents > 0 {
		field := fPriceMin
		if q.Type != "" {
			field = fPricePrefix + q.Type
		}
		f = append(f, numRange(field, nil, ptr(float64(q.MaxPriceCents)), false, true))
	}
	if c := strings.TrimSpace(q.City); c != "" {
		f = append(f, termIn(fCityKey, strings.ToLower(c)))
	}
	if q.Language != "" {
		f = append(f, termIn(fLanguages, strings.ToLower(q.Language)))
	}
	if q.MinRating > 0 {
		f = append(f, numRange(fRating, ptr(q.MinRating), nil, true, false))
	}
	if q.AvailableBefore != nil {
		field := fNextAvailable
		if q.Type != "" {
			field = fNextPrefix + q.Type
		}
		f = append(f, numRange(field, nil, ptr(float64(availableCutoff(*q.AvailableBefore))), false, false))
	}
	if q.Near != nil && q.RadiusKm > 0 {
		g := query.NewGeoDistanceQuery(q.Near.Lng, q.Near.Lat, strconv.FormatInt(radiusMeters(q.RadiusKm), 10)+"m")
		g.SetField(fGeo)
		f = append(f, g)
	}
	return f
}

// radiusMeters is the radius in whole metres, as sent to Meilisearch.
func radiusMeters(km float64) int64 {
	m := int64(math.Round(km * 1000))
	if m < 1 {
		m = 1
	}
	return m
}

func doctorSort(q DoctorQuery, hasText bool) (bsearch.SortOrder, error) {
	byID := &bsearch.SortDocID{}
	numAsc := func(field string, desc bool) *bsearch.SortField {
		return &bsearch.SortField{Field: sortKeyPrefix + field, Type: bsearch.SortFieldAsString, Desc: desc, Missing: bsearch.SortFieldMissingLast}
	}
	switch q.sortOrder() {
	case SortPrice:
		field := fPriceMin
		if q.Type != "" {
			field = fPricePrefix + q.Type
		}
		return bsearch.SortOrder{numAsc(field, false), byID}, nil
	case SortRating:
		return bsearch.SortOrder{numAsc(fRating, true), byID}, nil
	case SortSoonest:
		field := fNextAvailable
		if q.Type != "" {
			field = fNextPrefix + q.Type
		}
		return bsearch.SortOrder{numAsc(field, false), byID}, nil
	case SortDistance:
		g, err := bsearch.NewSortGeoDistance(fGeo, "m", q.Near.Lng, q.Near.Lat, false)
		if err != nil {
			return nil, fmt.Errorf("search: distance sort: %w", err)
		}
		return bsearch.SortOrder{g, byID}, nil
	default:
		if hasText {
			return bsearch.SortOrder{&bsearch.SortScore{Desc: true}, byID}, nil
		}
		return bsearch.SortOrder{byID}, nil
	}
}

// SearchDoctors runs a doctor query.
func (b *Bleve) SearchDoctors(ctx context.Context, q DoctorQuery) (DoctorResult, error) {
	if err := q.Validate(); err != nil {
		return DoctorResult{}, err
	}
	unlock, err := b.readLock()
	if err != nil {
		return DoctorResult{}, err
	}
	defer unlock()

	terms := queryTerms(b.analyzer, q.Text)
	var must query.Query = query.NewMatchAllQuery()
	if tq := textQuery(terms, doctorTextFields); tq != nil {
		must = tq
	}
	root := must
	if filters := doctorFilters(q); len(filters) > 0 {
		bq := query.NewBooleanQuery([]query.Query{must}, nil, nil)
		if len(filters) == 1 {
			bq.AddFilter(filters[0])
		} else {
			bq.AddFilter(query.NewConjunctionQuery(filters))
		}
		root = bq
	}

	page, perPage := q.paging()
	req := bleve.NewSearchRequestOptions(root, perPage, (page-1)*perPage, false)
	order, err := doctorSort(q, len(terms) > 0)
	if err != nil {
		return DoctorResult{}, err
	}
	req.SortByCustom(order)
	if q.sortOrder() != SortRelevance || len(terms) == 0 {
		req.Score = "none"
	}
	if q.Near != nil {
		req.Fields = []string{fLat, fLng}
	}
	if q.Facets {
		req.AddFacet(FacetCity, bleve.NewFacetRequest(cityFacetField, 100))
		req.AddFacet(FacetLanguages, bleve.NewFacetRequest(fLanguages, 100))
		req.AddFacet(FacetTypes, bleve.NewFacetRequest(fTypes, len(ConsultationTypes)))
	}
	res, err := b.doctors.SearchInContext(ctx, req)
	if err != nil {
		return DoctorResult{}, fmt.Errorf("search: doctors: %w", err)
	}
	out := DoctorResult{Hits: make([]DoctorHit, 0, len(res.Hits)), Total: int(res.Total)}
	for _, h := range res.Hits {
		hit := DoctorHit{ID: h.ID}
		if q.Near != nil {
			lat, okLat := h.Fields[fLat].(float64)
			lng, okLng := h.Fields[fLng].(float64)
			if !okLat || !okLng {
				return DoctorResult{}, fmt.Errorf("search: doctor %s has no stored coordinates", h.ID)
			}
			d := HaversineKm(*q.Near, GeoPoint{Lat: lat, Lng: lng})
			hit.DistanceKm = &d
		}
		out.Hits = append(out.Hits, hit)
	}
	if q.Facets {
		out.Facets = map[string]map[string]int{}
		for _, name := range []string{FacetCity, FacetLanguages, FacetTypes} {
			counts := map[string]int{}
			if fr, ok := res.Facets[name]; ok && fr.Terms != nil {
				for _, t := range fr.Terms.Terms() {
					counts[t.Term] = t.Count
				}
			}
			out.Facets[name] = counts
		}
	}
	return out, nil
}

// SearchConditions finds condition pages in one language.
func (b *Bleve) SearchConditions(ctx context.Context, lang, text string, limit int) (ConditionResult, error) {
	if len(text) > MaxTextLen {
		return ConditionResult{}, qerr("text", "longer than %d bytes", MaxTextLen)
	}
	unlock, err := b.readLock()
	if err != nil {
		return ConditionResult{}, err
	}
	defer unlock()

	terms := queryTerms(b.analyzer, text)
	var must query.Query = query.NewMatchAllQuery()
	if tq := textQuery(terms, conditionTextFields); tq != nil {
		must = tq
	}
	bq := query.NewBooleanQuery([]query.Query{must}, nil, nil)
	bq.AddFilter(termIn(cLang, strings.ToLower(strings.TrimSpace(lang))))

	req := bleve.NewSearchRequestOptions(bq, conditionLimit(limit), 0, false)
	req.Fields = []string{cSlug, cName, cLang}
	if len(terms) > 0 {
		req.SortByCustom(bsearch.SortOrder{&bsearch.SortScore{Desc: true}, &bsearch.SortDocID{}})
	} else {
		req.SortByCustom(bsearch.SortOrder{&bsearch.SortField{Field: cNameKey}, &bsearch.SortDocID{}})
		req.Score = "none"
	}
	res, err := b.conditions.SearchInContext(ctx, req)
	if err != nil {
		return ConditionResult{}, fmt.Errorf("search: conditions: %w", err)
	}
	out := ConditionResult{Hits: make([]ConditionHit, 0, len(res.Hits)), Total: int(res.Total)}
	for _, h := range res.Hits {
		slug, _ := h.Fields[cSlug].(string)
		name, _ := h.Fields[cName].(string)
		l, _ := h.Fields[cLang].(string)
		out.Hits = append(out.Hits, ConditionHit{Slug: slug, Name: name, Lang: l})
	}
	return out, nil
}
