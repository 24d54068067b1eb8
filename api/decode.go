package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/go-playground/validator/v10"
)

var validate = newValidator()

func newValidator() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			return ""
		}
		return name
	})
	registerVocabulary(v)
	return v
}

// decodeJSON reads the request body strictly into dst (unknown fields and
// trailing data are errors) and validates it with its `validate` tags. Every
// failure becomes a 4xx problem.
func decodeJSON(c *gin.Context, dst any) error {
	if ct := c.ContentType(); ct != "application/json" {
		return newProblem(http.StatusUnsupportedMediaType, "unsupported-media-type", "Unsupported media type",
			"Send the body as application/json.")
	}
	dec := json.NewDecoder(c.Request.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return jsonProblem(err)
	}
	if err := dec.Decode(&struct{}{}); !errors.Is(err, io.EOF) {
		if isMaxBytes(err) {
			return jsonProblem(err)
		}
		return errBadRequest("The body must hold exactly one JSON object.")
	}
	return validateStruct(dst)
}

func jsonProblem(err error) error {
	var syntax *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	switch {
	case isMaxBytes(err):
		return newProblem(http.StatusRequestEntityTooLarge, "too-large", "Request body too large",
			"The request body exceeds the limit of this endpoint.")
	case errors.Is(err, io.EOF):
		return errBadRequest("The request body is empty; a JSON object is required.")
	case errors.As(err, &syntax), errors.Is(err, io.ErrUnexpectedEOF):
		return errBadRequest("The request body is not valid JSON.")
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			return errBadRequest("The request body must be a JSON object.")
		}
		return errValidation(FieldProblem{Field: field, Reason: fmt.Sprintf("must be of type %s", jsonKind(typeErr.Type))})
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		quoted := strings.TrimPrefix(err.Error(), "json: unknown field ")
		name, uerr := strconv.Unquote(quoted)
		if uerr != nil {
			name = strings.Trim(quoted, `"`)
		}
		if name == "" {
			return errBadRequest("The body holds a field with an empty name.")
		}
		return errValidation(FieldProblem{Field: name, Reason: "is not a known field"})
	default:
		return errBadRequest("The request body could not be read as JSON.")
	}
}

func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "integer"
	case reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Slice, reflect.Array:
		return "array"
	default:
		return "object"
	}
}

func validateStruct(v any) error {
	err := validate.Struct(v)
	if err == nil {
		return nil
	}
	var verrs validator.ValidationErrors
	if !errors.As(err, &verrs) {
		return fmt.Errorf("validate: %w", err)
	}
	fields := make([]FieldProblem, 0, len(verrs))
	for _, fe := range verrs {
		fields = append(fields, FieldProblem{Field: fieldPath(fe), Reason: reason(fe)})
	}
	return errValidation(fields...)
}

// fieldPath is the JSON path of a field without the top-level struct name.
func fieldPath(fe validator.FieldError) string {
	ns := fe.Namespace()
	if _, rest, ok := strings.Cut(ns, "."); ok {
		return rest
	}
	return ns
}

func reason(fe validator.FieldError) string {
	if r := vocabularyReason(fe.Tag()); r != "" {
		return r
	}
	switch fe.Tag() {
	case "required":
		return "is required"
	case "email":
		return "must be an email address"
	case "min":
		if fe.Kind() == reflect.String {
			return fmt.Sprintf("must be at least %s characters", fe.Param())
		}
		return fmt.Sprintf("must be at least %s", fe.Param())
	case "max":
		if fe.Kind() == reflect.String {
			return fmt.Sprintf("must be at most %s characters", fe.Param())
		}
		return fmt.Sprintf("must be at most %s", fe.Param())
	case "oneof":
		return fmt.Sprintf("must be one of: %s", strings.ReplaceAll(fe.Param(), " ", ", "))
	case "uuid", "uuid4":
		return "must be a UUID"
	case "gte":
		return fmt.Sprintf("must be ≥ %s", fe.Param())
	case "lte":
		return fmt.Sprintf("must be ≤ %s", fe.Param())
	default:
		return fmt.Sprintf("is invalid (%s)", fe.Tag())
	}
}
