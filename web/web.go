// Package web serves Derma2Go's web client: the built assets of the
// TypeScript app in this directory (web/dist, embedded), with history-API
// fallback for the client's pages (routes.json), and builds the links to
// those pages that emails carry.
//
// `make build` runs `npm ci && npm run build` before `go build`; a clone
// without the build still compiles (dist holds only .gitkeep) and then
// answers pages with a 503 that says how to build the client.
package web

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"
)

//go:embed all:dist
var dist embed.FS

//go:embed routes.json
var routesJSON []byte

// pagePolicy is what every page may load: scripts, styles and connections
// only from this origin, no inline script. SetPolicy adds who may frame it.
const pagePolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; " +
	"connect-src 'self'; font-src 'self'; media-src 'self' blob:; object-src 'none'; base-uri 'none'; " +
	"form-action 'self'"

// ContentSecurityPolicy is the policy of every page but the widgets: as
// pagePolicy, never framed.
var ContentSecurityPolicy = pagePolicy + "; " + FrameAncestors(nil)

// FrameAncestors is the CSP directive naming who may frame a response:
// the origins given (checked by domain.NormalizeWidgetOrigins), or nobody
// ('none') without any.
func FrameAncestors(origins []string) string {
	if len(origins) == 0 {
		return "frame-ancestors 'none'"
	}
	return "frame-ancestors " + strings.Join(origins, " ")
}

// SetPolicy is the one place that decides whether a response may be
// framed. It sets the Content-Security-Policy (base, then frame-ancestors)
// and X-Frame-Options: DENY when no origin may frame it; with origins
// (the widget pages of a doctor who allowed some) X-Frame-Options is
// removed, since it cannot name origins and browsers would let DENY win.
func SetPolicy(h http.Header, base string, frameOrigins []string) {
	h.Set("Content-Security-Policy", base+"; "+FrameAncestors(frameOrigins))
	if len(frameOrigins) == 0 {
		h.Set("X-Frame-Options", "DENY")
	} else {
		h.Del("X-Frame-Options")
	}
}

// Page is one page of the client: a name and a path pattern whose segments
// starting with ':' match any one segment.
type Page struct {
	Name string `json:"name"`
	Path string `json:"path"`
}

var pages = mustPages(routesJSON)

func mustPages(data []byte) []Page {
	var doc struct {
		Pages []Page `json:"pages"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		panic(fmt.Sprintf("web: routes.json: %v", err))
	}
	return doc.Pages
}

// Pages lists the client's pages.
func Pages() []Page { return append([]Page(nil), pages...) }

// Match names the page that serves urlPath, if any.
func Match(urlPath string) (string, bool) {
	segs := splitPath(urlPath)
	for _, p := range pages {
		pat := splitPath(p.Path)
		if len(pat) != len(segs) {
			continue
		}
		ok := true
		for i := range pat {
			if strings.HasPrefix(pat[i], ":") {
				ok = segs[i] != ""
			} else {
				ok = pat[i] == segs[i]
			}
			if !ok {
				break
			}
		}
		if ok {
			return p.Name, true
		}
	}
	return "", false
}

func splitPath(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

// Handler serves the client: files under dist as they are (hashed assets
// cached for a year), pages as index.html, anything else as index.html
// with 404 so the client shows its "not found" page.
func Handler() http.Handler {
	files, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err)
	}
	return newHandler(files)
}

// Built reports whether the client's assets are embedded.
func Built() bool {
	_, err := fs.Stat(dist, "dist/index.html")
	return err == nil
}

func newHandler(files fs.FS) *handler {
	index, _ := fs.ReadFile(files, "index.html")
	return &handler{files: files, index: index, started: time.Now()}
}

type handler struct {
	files   fs.FS
	index   []byte
	started time.Time
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
	if name != "" && name != "index.html" && !strings.HasPrefix(path.Base(name), ".") {
		if data, err := fs.ReadFile(h.files, name); err == nil {
			if strings.HasPrefix(name, "assets/") {
				w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
			} else {
				w.Header().Set("Cache-Control", "no-cache")
			}
			http.ServeContent(w, r, name, h.started, bytes.NewReader(data))
			return
		}
	}
	_, known := Match(r.URL.Path)
	status := http.StatusOK
	if !known {
		status = http.StatusNotFound
	}
	h.page(w, r, status, nil)
}

// ServeWidget answers a widget page (the client's index.html, whose router
// shows the widget) that frameOrigins may frame; with none it is as
// unframeable as every other page.
func ServeWidget(w http.ResponseWriter, r *http.Request, frameOrigins []string) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	defaultHandler.page(w, r, http.StatusOK, frameOrigins)
}

var defaultHandler = Handler().(*handler)

// page writes index.html with the page policy.
func (h *handler) page(w http.ResponseWriter, r *http.Request, status int, frameOrigins []string) {
	hd := w.Header()
	SetPolicy(hd, pagePolicy, frameOrigins)
	hd.Set("Cache-Control", "no-cache")
	hd.Set("Content-Type", "text/html; charset=utf-8")
	body := h.index
	if len(body) == 0 {
		status, body = http.StatusServiceUnavailable, []byte(notBuilt)
	}
	w.WriteHeader(status)
	if r.Method == http.MethodGet {
		_, _ = w.Write(body)
	}
}

const notBuilt = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Derma2Go</title></head>
<body><h1>Derma2Go</h1><p>The web client is not built into this binary. Run <code>make build</code>
(npm ci and npm run build in web/, then go build).</p></body></html>
`
