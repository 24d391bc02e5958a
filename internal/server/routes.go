package server

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/api"
	"github.com/samwise-sam/samwise/internal/web"
)

// Route is one registered route and the access rule it declares.
type Route struct {
	Pattern string // method and path, as given to the ServeMux
	Rule    access.Rule
}

// addRoutes mounts everything and returns the complete route table. The web
// and api packages keep their own route tables (each route with its access
// rule beside it); the few routes here are public: liveness, readiness and
// metrics.
func addRoutes(mux *http.ServeMux, d Deps) []Route {
	var routes []Route
	// public registers a route anyone may call; there is no other way to
	// add a route here, so none escapes the route table.
	public := func(pattern string, h http.Handler) {
		mux.Handle(pattern, h)
		routes = append(routes, Route{pattern, access.Public})
	}
	public("GET /healthz", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { // process alive
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok\n"))
	}))
	public("GET /readyz", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { // database reachable
		if err := ready(r.Context(), d.DB); err != nil {
			d.Log.Warn("not ready", "err", err)
			http.Error(w, "database unreachable", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ready\n"))
	}))
	public("GET /metrics", promhttp.HandlerFor(d.Registry, promhttp.HandlerOpts{})) // Prometheus scrape
	// Single sign-on, when configured.
	if d.OIDC != nil {
		sso := oidcHandler{o: d.OIDC, db: d.DB, log: d.Log}
		public("GET /auth/oidc/start", http.HandlerFunc(sso.start))       // sends the browser to the provider
		public("GET /auth/oidc/callback", http.HandlerFunc(sso.callback)) // the provider sends it back
	}

	for _, r := range web.Register(mux, web.Deps{DB: d.DB, Guard: d.Guard, Log: d.Log, Now: d.Now,
		SSOLabel: d.OIDC.Label(), SessionTTL: d.SessionTTL, TrustProxy: d.TrustProxy, ExportDir: d.ExportDir}) {
		routes = append(routes, Route{r.Pattern, r.Rule})
	}
	for _, r := range api.Routes(api.Register(mux, api.Deps{DB: d.DB, Guard: d.Guard, Log: d.Log, ExportDir: d.ExportDir})) {
		routes = append(routes, Route{r.Pattern, r.Rule})
	}
	return routes
}
