package api

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5/pgtype"

	"derma2go/web"
)

// webClient answers every path no API route claims: under /v1 (and for
// methods other than GET and HEAD) a 404 problem; elsewhere the web
// client, which serves its pages (the targets of every email link and of
// Mollie's redirect) with history-API fallback.
func (s *Server) webClient() gin.HandlerFunc {
	client := web.Handler()
	return func(c *gin.Context) {
		p := c.Request.URL.Path
		if p == "/v1" || strings.HasPrefix(p, "/v1/") ||
			(c.Request.Method != http.MethodGet && c.Request.Method != http.MethodHead) {
			fail(c, errNotFound("This resource"))
			return
		}
		client.ServeHTTP(c.Writer, c.Request)
	}
}

// textOf is a nullable text: NULL for "".
func textOf(s string) pgtype.Text { return pgtype.Text{String: s, Valid: s != ""} }
