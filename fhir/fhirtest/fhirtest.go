// Package fhirtest validates FHIR R4 JSON offline, for tests: against the
// official FHIR R4 (4.0.1) JSON schema of HL7 (testdata/fhir.schema.json,
// id http://hl7.org/fhir/json-schema/4.0, JSON Schema draft-06), and against
// the cardinalities of R4 that the schema does not express (required
// elements beyond resourceType).
package fhirtest

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

//go:embed testdata/fhir.schema.json
var schemaJSON []byte

// SchemaID is the id the official R4 schema declares.
const SchemaID = "http://hl7.org/fhir/json-schema/4.0"

var (
	once     sync.Once
	compiled *jsonschema.Schema
	errLoad  error
)

func schema() (*jsonschema.Schema, error) {
	once.Do(func() {
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(schemaJSON))
		if err != nil {
			errLoad = fmt.Errorf("fhirtest: schema: %w", err)
			return
		}
		if m, ok := doc.(map[string]any); !ok || m["id"] != SchemaID {
			errLoad = fmt.Errorf("fhirtest: the schema is not FHIR R4 (id %v)", m["id"])
			return
		}
		c := jsonschema.NewCompiler()
		c.DefaultDraft(jsonschema.Draft6)
		if err := c.AddResource("fhir.schema.json", doc); err != nil {
			errLoad = fmt.Errorf("fhirtest: schema: %w", err)
			return
		}
		compiled, errLoad = c.Compile("fhir.schema.json")
	})
	return compiled, errLoad
}

// Validate checks one FHIR JSON document against the R4 schema and, for a
// Bundle, the required elements of its resources. It returns every problem
// found; none means valid.
func Validate(doc []byte) []string {
	sch, err := schema()
	if err != nil {
		return []string{err.Error()}
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return []string{"not JSON: " + err.Error()}
	}
	var problems []string
	if err := sch.Validate(v); err != nil {
		if ve, ok := err.(*jsonschema.ValidationError); ok {
			for _, leaf := range leaves(ve) {
				problems = append(problems, "/"+strings.Join(leaf.InstanceLocation, "/")+": "+leaf.Error())
			}
		} else {
			problems = append(problems, err.Error())
		}
	}
	return append(problems, cardinalities(doc)...)
}

func leaves(e *jsonschema.ValidationError) []*jsonschema.ValidationError {
	if len(e.Causes) == 0 {
		return []*jsonschema.ValidationError{e}
	}
	var out []*jsonschema.ValidationError
	for _, c := range e.Causes {
		out = append(out, leaves(c)...)
	}
	return out
}

// required are elements of cardinality 1..* in R4 that the JSON schema
// leaves optional, per resource type (the elements this project writes).
var required = map[string][]string{
	"Bundle":                {"type"},
	"Encounter":             {"status", "class"},
	"QuestionnaireResponse": {"status"},
	"Condition":             {"subject"},
	"DocumentReference":     {"status", "content"},
	"MedicationRequest":     {"status", "intent", "subject"},
	"Communication":         {"status"},
	"Patient":               {},
	"Practitioner":          {},
}

// references are the Bundle-internal references (urn:uuid:…).
var references = regexp.MustCompile(`"reference":"(urn:uuid:[^"]*)"`)

func cardinalities(doc []byte) []string {
	var b struct {
		ResourceType string `json:"resourceType"`
		Type         string `json:"type"`
		Entry        []struct {
			FullURL  string                     `json:"fullUrl"`
			Resource map[string]json.RawMessage `json:"resource"`
		} `json:"entry"`
	}
	if err := json.Unmarshal(doc, &b); err != nil || b.ResourceType != "Bundle" {
		return nil
	}
	var problems []string
	if b.Type == "" {
		problems = append(problems, "Bundle.type is required")
	}
	seen := map[string]bool{}
	for i, e := range b.Entry {
		var typ string
		_ = json.Unmarshal(e.Resource["resourceType"], &typ)
		fields, known := required[typ]
		if !known {
			problems = append(problems, fmt.Sprintf("entry %d: unexpected resource type %q", i, typ))
		}
		for _, f := range fields {
			if _, ok := e.Resource[f]; !ok {
				problems = append(problems, fmt.Sprintf("entry %d: %s.%s is required", i, typ, f))
			}
		}
		if e.FullURL == "" || seen[e.FullURL] {
			problems = append(problems, fmt.Sprintf("entry %d: fullUrl %q missing or repeated", i, e.FullURL))
		}
		seen[e.FullURL] = true
	}
	for _, m := range references.FindAllSubmatch(doc, -1) {
		if !seen[string(m[1])] {
			problems = append(problems, fmt.Sprintf("reference %s names no entry of the Bundle", m[1]))
		}
	}
	return problems
}
