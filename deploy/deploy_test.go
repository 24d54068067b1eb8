// Package deploy holds the production deployment files (Dockerfile, compose
// file, Kubernetes manifests, monitoring); its tests check them against the
// configuration the binary actually reads.
package deploy

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"derma2go/api"
	"derma2go/config"
	"derma2go/workflows"
)

// secretExamples are well-formed values for the variables a deployment
// takes from its secrets, so that config.Parse can judge the rest.
var secretExamples = map[string]string{
	"DATABASE_URL":         "postgres://derma_app:pw@postgres:5432/derma?sslmode=require",
	"MIGRATE_DATABASE_URL": "postgres://derma_owner:pw@postgres:5432/derma?sslmode=require",
	"SMTP_URL":             "smtps://user:pw@smtp.example:465",
	"MOLLIE_API_KEY":       "live_example",
	"PUBLIC_URL":           "https://derma.example.nl",
	"DERMA_DATA_KEY":       "k1:" + strings.Repeat("A", 43) + "=",
	"DERMA_LOOKUP_KEY":     strings.Repeat("B", 43) + "=",
	"MEILI_KEY":            "meili-key",
	"VIDEO_TURN_SECRET":    strings.Repeat("s", 24),
}

// composeExamples fill the ${X} references of the compose file.
var composeExamples = map[string]string{
	"DERMA_APP_PASSWORD": "pw", "DERMA_OWNER_PASSWORD": "pw", "POSTGRES_PASSWORD": "pw", "TEMPORAL_DB_PASSWORD": "pw",
	"MOLLIE_API_KEY": secretExamples["MOLLIE_API_KEY"], "PUBLIC_URL": secretExamples["PUBLIC_URL"],
	"DERMA_DATA_KEY": secretExamples["DERMA_DATA_KEY"], "DERMA_LOOKUP_KEY": secretExamples["DERMA_LOOKUP_KEY"],
	"MEILI_MASTER_KEY": "meili-key", "SUPPORT_EMAIL": "support@derma.example.nl",
	"MAIL_FROM": "Derma2Go <no-reply@derma.example.nl>", "MAIL_DOMAIN": "derma.example.nl",
	"SMTP_RELAYHOST": "[smtp.example]:587", "SMTP_RELAY_USER": "u", "SMTP_RELAY_PASSWORD": "pw",
	"VIDEO_PUBLIC_IP": "203.0.113.7", "DERMA_IMAGE": "derma2go:test", "TEMPORAL_UI_URL": "https://temporal.derma.example.nl",
}

var interpolation = regexp.MustCompile(`\$\{([A-Z0-9_]+)(:?[-?][^}]*)?\}`)

type composeFile struct {
	Services map[string]struct {
		Image       string            `yaml:"image"`
		Command     []string          `yaml:"command"`
		Environment map[string]string `yaml:"environment"`
		Healthcheck *struct {
			Test []string `yaml:"test"`
		} `yaml:"healthcheck"`
	} `yaml:"services"`
}

func known() map[string]bool {
	m := map[string]bool{}
	for _, n := range config.Variables() {
		m[n] = true
	}
	return m
}

// parseAs runs the binary's own configuration parser over env.
func parseAs(env map[string]string) error {
	_, err := config.Parse(func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	return err
}

// The compose file runs migrate once, two API instances and two workers;
// every variable it gives them is one the binary reads, the api and worker
// ones parse (so every required variable is set and well-formed), and every
// ${X} it needs is listed in env.example.
func TestComposeMatchesTheConfiguration(t *testing.T) {
	raw, err := os.ReadFile("compose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	example, err := os.ReadFile("env.example")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range interpolation.FindAllStringSubmatch(string(raw), -1) {
		if !regexp.MustCompile(`(?m)^` + m[1] + `=`).Match(example) {
			t.Errorf("compose.yaml uses ${%s}, which env.example does not list", m[1])
		}
	}
	c := readCompose(t, raw)
	vars := known()
	roles := map[string]int{}
	for name, svc := range c.Services {
		if svc.Image != composeExamples["DERMA_IMAGE"] {
			continue
		}
		if len(svc.Command) != 1 {
			t.Errorf("%s: command %v, want one derma command", name, svc.Command)
			continue
		}
		role := svc.Command[0]
		roles[role]++
		for k := range svc.Environment {
			if !vars[k] {
				t.Errorf("%s sets %s, which the configuration does not read", name, k)
			}
		}
		switch role {
		case "api", "worker":
			if err := parseAs(svc.Environment); err != nil {
				t.Errorf("%s (%s): %v", name, role, err)
			}
			if svc.Environment["METRICS_ADDR"] == "" || svc.Environment["METRICS_ADDR"] == "off" {
				t.Errorf("%s serves no metrics", name)
			}
		case "migrate":
			if svc.Environment["MIGRATE_DATABASE_URL"] == "" {
				t.Errorf("%s has no MIGRATE_DATABASE_URL", name)
			}
		default:
			t.Errorf("%s runs derma %s", name, role)
		}
		if role == "api" && (svc.Healthcheck == nil || !slices.Contains(svc.Healthcheck.Test, "probe")) {
			t.Errorf("%s has no derma probe health check", name)
		}
	}
	if roles["api"] != 2 || roles["worker"] != 2 || roles["migrate"] != 1 {
		t.Errorf("compose runs %v, want 2 api, 2 worker, 1 migrate", roles)
	}
	for _, infra := range []string{"postgres", "temporal", "temporal-ui", "meilisearch", "smtp", "proxy"} {
		if _, ok := c.Services[infra]; !ok {
			t.Errorf("compose has no %s service", infra)
		}
	}
}

// readCompose parses the compose file with the example values filled in.
func readCompose(t *testing.T, raw []byte) composeFile {
	t.Helper()
	filled := interpolation.ReplaceAllStringFunc(string(raw), func(ref string) string {
		name := interpolation.FindStringSubmatch(ref)[1]
		v, ok := composeExamples[name]
		if !ok {
			t.Errorf("no example value for ${%s}", name)
		}
		return v
	})
	var c composeFile
	if err := yaml.Unmarshal([]byte(filled), &c); err != nil {
		t.Fatal(err)
	}
	return c
}

type k8sObject struct {
	Kind     string `yaml:"kind"`
	Metadata struct {
		Name        string            `yaml:"name"`
		Annotations map[string]string `yaml:"annotations"`
	} `yaml:"metadata"`
	Data       map[string]string `yaml:"data"`
	StringData map[string]string `yaml:"stringData"`
	Spec       struct {
		Replicas *int `yaml:"replicas"`
		Template struct {
			Metadata struct {
				Annotations map[string]string `yaml:"annotations"`
			} `yaml:"metadata"`
			Spec podSpec `yaml:"spec"`
		} `yaml:"template"`
		ScaleTargetRef struct {
			Name string `yaml:"name"`
		} `yaml:"scaleTargetRef"`
	} `yaml:"spec"`
}

type podSpec struct {
	Containers []struct {
		Name    string   `yaml:"name"`
		Image   string   `yaml:"image"`
		Args    []string `yaml:"args"`
		EnvFrom []struct {
			ConfigMapRef *struct {
				Name string `yaml:"name"`
			} `yaml:"configMapRef"`
		} `yaml:"envFrom"`
		Env []struct {
			Name      string  `yaml:"name"`
			Value     *string `yaml:"value"`
			ValueFrom *struct {
				SecretKeyRef *struct {
					Name string `yaml:"name"`
					Key  string `yaml:"key"`
				} `yaml:"secretKeyRef"`
			} `yaml:"valueFrom"`
		} `yaml:"env"`
		ReadinessProbe *probe `yaml:"readinessProbe"`
		LivenessProbe  *probe `yaml:"livenessProbe"`
		Ports          []struct {
			Name          string `yaml:"name"`
			ContainerPort int    `yaml:"containerPort"`
		} `yaml:"ports"`
	} `yaml:"containers"`
}

type probe struct {
	HTTPGet struct {
		Path string `yaml:"path"`
	} `yaml:"httpGet"`
}

func readManifests(t *testing.T) []k8sObject {
	t.Helper()
	files, err := filepath.Glob("k8s/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no manifests: %v", err)
	}
	var objs []k8sObject
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(raw))
		for {
			var o k8sObject
			if err := dec.Decode(&o); errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			if o.Kind != "" && o.Kind != "Kustomization" {
				objs = append(objs, o)
			}
		}
	}
	return objs
}

// The Kubernetes manifests give the API and worker only variables the
// binary reads, all required ones (config.Parse accepts them with example
// secrets), probes on /readyz and /healthz, scraped metrics on the
// METRICS_ADDR port, an autoscaler each and a migration Job.
func TestKubernetesMatchesTheConfiguration(t *testing.T) {
	objs := readManifests(t)
	vars := known()
	configMaps, secretKeys := map[string]map[string]string{}, map[string]bool{}
	for _, o := range objs {
		switch o.Kind {
		case "ConfigMap":
			configMaps[o.Metadata.Name] = o.Data
			for k := range o.Data {
				if !vars[k] {
					t.Errorf("ConfigMap %s sets %s, which the configuration does not read", o.Metadata.Name, k)
				}
			}
		case "Secret":
			for k := range o.StringData {
				secretKeys[k] = true
			}
		}
	}
	if len(secretKeys) == 0 {
		t.Error("no example Secret (secret.example.yaml)")
	}
	scaled, roles := map[string]bool{}, map[string]bool{}
	for _, o := range objs {
		if o.Kind == "HorizontalPodAutoscaler" {
			scaled[o.Spec.ScaleTargetRef.Name] = true
		}
	}
	for _, o := range objs {
		if o.Kind != "Deployment" && o.Kind != "Job" {
			continue
		}
		for _, ctr := range o.Spec.Template.Spec.Containers {
			if !strings.HasPrefix(ctr.Image, "derma2go:") {
				continue // the Temporal UI: TestTemporalUIDecodesThroughTheAPI
			}
			if len(ctr.Args) != 1 {
				t.Errorf("%s/%s: args %v", o.Metadata.Name, ctr.Name, ctr.Args)
				continue
			}
			role := ctr.Args[0]
			roles[role] = true
			env := map[string]string{}
			for _, from := range ctr.EnvFrom {
				if from.ConfigMapRef != nil {
					cm, ok := configMaps[from.ConfigMapRef.Name]
					if !ok {
						t.Errorf("%s uses ConfigMap %s, which no manifest defines", o.Metadata.Name, from.ConfigMapRef.Name)
					}
					for k, v := range cm {
						env[k] = v
					}
				}
			}
			for _, e := range ctr.Env {
				if !vars[e.Name] {
					t.Errorf("%s sets %s, which the configuration does not read", o.Metadata.Name, e.Name)
				}
				switch {
				case e.Value != nil:
					env[e.Name] = *e.Value
				case e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil:
					if !secretKeys[e.ValueFrom.SecretKeyRef.Key] {
						t.Errorf("%s reads secret key %s, which secret.example.yaml lacks", o.Metadata.Name, e.ValueFrom.SecretKeyRef.Key)
					}
					env[e.Name] = secretExamples[e.ValueFrom.SecretKeyRef.Key]
				}
			}
			if role == "migrate" {
				if env["MIGRATE_DATABASE_URL"] == "" || o.Kind != "Job" {
					t.Errorf("%s: the migration is a Job with MIGRATE_DATABASE_URL", o.Metadata.Name)
				}
				continue
			}
			if err := parseAs(env); err != nil {
				t.Errorf("%s (%s): %v", o.Metadata.Name, role, err)
			}
			if !scaled[o.Metadata.Name] || o.Spec.Replicas == nil || *o.Spec.Replicas < 2 {
				t.Errorf("%s: want 2+ replicas and an autoscaler", o.Metadata.Name)
			}
			metricsPort := strings.TrimPrefix(env["METRICS_ADDR"], ":")
			if a := o.Spec.Template.Metadata.Annotations; a["prometheus.io/scrape"] != "true" || a["prometheus.io/port"] != metricsPort {
				t.Errorf("%s: metrics on %q not scraped (annotations %v)", o.Metadata.Name, metricsPort, a)
			}
			if ctr.LivenessProbe == nil || ctr.LivenessProbe.HTTPGet.Path != "/healthz" {
				t.Errorf("%s: no /healthz liveness probe", o.Metadata.Name)
			}
			if role == "api" && (ctr.ReadinessProbe == nil || ctr.ReadinessProbe.HTTPGet.Path != "/readyz") {
				t.Errorf("%s: no /readyz readiness probe", o.Metadata.Name)
			}
		}
	}
	for _, role := range []string{"api", "worker", "migrate"} {
		if !roles[role] {
			t.Errorf("no manifest runs derma %s", role)
		}
	}
}

// The namespace script registers every search attribute the workflows set.
func TestNamespaceScriptRegistersEverySearchAttribute(t *testing.T) {
	raw, err := os.ReadFile("temporal-namespace.sh")
	if err != nil {
		t.Fatal(err)
	}
	for name, typ := range workflows.SearchAttributeTypes() {
		kind := strings.TrimPrefix(typ.String(), "INDEXED_VALUE_TYPE_")
		want := name + ":" + strings.ToUpper(kind[:1]) + strings.ToLower(kind[1:])
		if !strings.Contains(string(raw), want) {
			t.Errorf("temporal-namespace.sh does not register %s", want)
		}
	}
}

// codecPath is where the API serves Temporal's remote codec protocol: the UI
// posts to <endpoint>/decode and <endpoint>/encode.
const codecPath = "/v1/admin/temporal-codec"

// checkUIWiring: the UI's codec endpoint is the API's codec path under the
// API's PUBLIC_URL, sent with credentials, and the API lets exactly the UI's
// origin (TEMPORAL_UI_ORIGIN, on the same site, or the session cookie stays
// home) call it.
// uiReadOnly are the Temporal UI's switches that make it read-only, as
// derma dev runs it: nothing signalled, updated, started, cancelled,
// terminated, reset or paused through the UI.
var uiReadOnly = []string{
	"TEMPORAL_DISABLE_WRITE_ACTIONS", "TEMPORAL_WORKFLOW_TERMINATE_DISABLED", "TEMPORAL_WORKFLOW_CANCEL_DISABLED",
	"TEMPORAL_WORKFLOW_SIGNAL_DISABLED", "TEMPORAL_WORKFLOW_UPDATE_DISABLED", "TEMPORAL_WORKFLOW_RESET_DISABLED",
	"TEMPORAL_WORKFLOW_PAUSE_DISABLED", "TEMPORAL_BATCH_ACTIONS_DISABLED", "TEMPORAL_START_WORKFLOW_DISABLED",
	"TEMPORAL_ACTIVITY_COMMANDS_DISABLED",
}

func checkUIWiring(t *testing.T, where string, ui, apiEnv map[string]string) {
	t.Helper()
	cfg, err := config.Parse(func(k string) (string, bool) {
		if v, ok := apiEnv[k]; ok {
			return v, true
		}
		v, ok := secretExamples[k]
		return v, ok
	})
	if err != nil {
		t.Fatalf("%s: the API's configuration: %v", where, err)
	}
	if got, want := ui["TEMPORAL_CODEC_ENDPOINT"], strings.TrimSuffix(cfg.PublicURL, "/")+codecPath; got != want {
		t.Errorf("%s: the UI's TEMPORAL_CODEC_ENDPOINT is %q, want the API's codec endpoint %q", where, got, want)
	}
	if ui["TEMPORAL_CODEC_INCLUDE_CREDENTIALS"] != "true" {
		t.Errorf("%s: the UI does not send the session cookie to the codec endpoint (TEMPORAL_CODEC_INCLUDE_CREDENTIALS %q)",
			where, ui["TEMPORAL_CODEC_INCLUDE_CREDENTIALS"])
	}
	for _, k := range uiReadOnly {
		if ui[k] != "true" {
			t.Errorf("%s: the UI leaves write actions open (%s %q): a signal sent there would reach a workflow past the API's checks", where, k, ui[k])
		}
	}
	site := func(origin string) string {
		host := regexp.MustCompile(`^https?://([^/:]+)`).FindStringSubmatch(origin)
		if host == nil {
			return ""
		}
		labels := strings.Split(host[1], ".")
		return strings.Join(labels[max(len(labels)-2, 0):], ".")
	}
	if cfg.TemporalUIOrigin == "" || site(cfg.TemporalUIOrigin) != site(cfg.PublicURL) {
		t.Errorf("%s: the API's TEMPORAL_UI_ORIGIN %q is not an origin on the site of PUBLIC_URL %q", where, cfg.TemporalUIOrigin, cfg.PublicURL)
	}
}

// TestTemporalUIDecodesThroughTheAPI: the compose file and the Kubernetes
// manifests wire the Temporal UI to the API's codec endpoint as derma dev
// does (the endpoint with include-credentials on the UI, the UI's origin in
// the API's TEMPORAL_UI_ORIGIN), and that endpoint is the API's route.
func TestTemporalUIDecodesThroughTheAPI(t *testing.T) {
	routes := map[string]bool{}
	for _, r := range api.Routes() {
		routes[r.Method+" "+r.Path] = true
	}
	for _, op := range []string{"decode", "encode"} {
		if !routes["POST "+codecPath+"/"+op] {
			t.Errorf("the API serves no POST %s/%s", codecPath, op)
		}
	}

	raw, err := os.ReadFile("compose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	c := readCompose(t, raw)
	ui := c.Services["temporal-ui"].Environment
	apis := 0
	for name, svc := range c.Services {
		if len(svc.Command) == 1 && svc.Command[0] == "api" {
			apis++
			checkUIWiring(t, "compose "+name, ui, svc.Environment)
		}
	}
	if apis == 0 {
		t.Error("compose runs no API")
	}

	objs := readManifests(t)
	configMaps := map[string]map[string]string{}
	for _, o := range objs {
		if o.Kind == "ConfigMap" {
			configMaps[o.Metadata.Name] = o.Data
		}
	}
	env := func(o k8sObject, image string) (map[string]string, bool) {
		for _, ctr := range o.Spec.Template.Spec.Containers {
			if !strings.HasPrefix(ctr.Image, image) {
				continue
			}
			m := map[string]string{}
			for _, from := range ctr.EnvFrom {
				if from.ConfigMapRef != nil {
					for k, v := range configMaps[from.ConfigMapRef.Name] {
						m[k] = v
					}
				}
			}
			for _, e := range ctr.Env {
				if e.Value != nil {
					m[e.Name] = *e.Value
				}
			}
			if len(ctr.Args) == 1 && ctr.Args[0] != "api" {
				return nil, false
			}
			return m, true
		}
		return nil, false
	}
	var uiEnv, apiEnv map[string]string
	for _, o := range objs {
		if o.Kind != "Deployment" {
			continue
		}
		if m, ok := env(o, "temporalio/ui:"); ok {
			uiEnv = m
		}
		if m, ok := env(o, "derma2go:"); ok {
			apiEnv = m
		}
	}
	if uiEnv == nil || apiEnv == nil {
		t.Fatalf("the manifests run no Temporal UI (%v) or no API (%v)", uiEnv != nil, apiEnv != nil)
	}
	checkUIWiring(t, "k8s", uiEnv, apiEnv)
}
