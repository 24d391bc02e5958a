package server_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/auth"
	"github.com/samwise-sam/samwise/internal/server"
	"github.com/samwise-sam/samwise/internal/store/storetest"
)

func TestMain(m *testing.M) {
	// Cheap password hashing: these tests sign in often, and the production
	// parameters (64 MiB, 3 passes) are covered by the auth package's tests.
	auth.DefaultParams = auth.Params{Memory: 1024, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}
	storetest.Main(m)
}

func newServer(t *testing.T) *httptest.Server {
	t.Helper()
	db, sc := storetest.New(t, "sqlite")
	srv := httptest.NewServer(server.New(server.Deps{DB: db, Guard: access.Unrestricted{S: sc}}))
	t.Cleanup(srv.Close)
	return srv
}

func get(t *testing.T, url string) (*http.Response, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func TestHealthReadinessAndMetricsAnswer(t *testing.T) {
	srv := newServer(t)
	for _, path := range []string{"/healthz", "/readyz"} {
		if res, _ := get(t, srv.URL+path); res.StatusCode != 200 {
			t.Errorf("%s = %d", path, res.StatusCode)
		}
	}
	res, body := get(t, srv.URL+"/metrics")
	if res.StatusCode != 200 || !strings.Contains(body, `samwise_http_request_duration_seconds_bucket{code="200",method="GET",route="GET /healthz"`) {
		t.Errorf("metrics lack the per-route latency histogram:\n%.2000s", body)
	}
}

func TestEveryResponseCarriesSecurityHeaders(t *testing.T) {
	srv := newServer(t)
	res, _ := get(t, srv.URL+"/healthz")
	for h, want := range map[string]string{
		"X-Content-Type-Options": "nosniff",
		"X-Frame-Options":        "DENY",
		"Referrer-Policy":        "same-origin",
	} {
		if got := res.Header.Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	csp := res.Header.Get("Content-Security-Policy")
	for _, want := range []string{"script-src 'self'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, want) || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("CSP %q lacks %q or allows inline", csp, want)
		}
	}
}

func TestACrossSiteFormPostIsRefused(t *testing.T) {
	srv := newServer(t)
	req, _ := http.NewRequest("POST", srv.URL+"/healthz", strings.NewReader("x=1"))
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site POST = %d, want 403", res.StatusCode)
	}
}
