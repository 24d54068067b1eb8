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
	"VIDEO_PUBLIC_IP": "203.0.113.7", "DERMA_IMAGE": "derma2go:test",
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
