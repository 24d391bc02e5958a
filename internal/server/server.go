// Package server assembles samwise's HTTP handler: the web pages, the JSON
// API, health and metrics endpoints, and the middleware every request passes
// through (recovery, security headers, cross-origin protection, sign-in,
// metrics, logging). It only wires; pages live in web, JSON in api, rules in
// the domain packages.
package server

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/store"
)

// Deps is everything the server needs; main builds it.
type Deps struct {
	DB      *store.DB
	Log     *slog.Logger
	Guard   access.Guard
	Version string
	Now     func() time.Time
	// SessionTTL is how long a sign-in lasts (default 12 hours).
	SessionTTL time.Duration
	// TrustProxy makes the sign-in rate limit count the client address a
	// reverse proxy appended to X-Forwarded-For instead of the proxy's own.
	TrustProxy bool
	// Registry collects Prometheus metrics; nil makes a fresh one.
	Registry *prometheus.Registry
	// OIDC turns on single sign-on (NewOIDC); nil leaves it off.
	OIDC *OIDC
	// ExportDir is where background exports are written (default: the
	// store's FilesDir); instances sharing a database should share it.
	ExportDir string
}

// Server is samwise's HTTP handler and the table of every route it serves.
type Server struct {
	http.Handler
	Routes []Route
}

// New assembles the samwise HTTP handler.
func New(d Deps) *Server {
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Registry == nil {
		d.Registry = prometheus.NewRegistry()
	}
	mux := http.NewServeMux()
	routes := addRoutes(mux, d)
	var h http.Handler = mux
	h = authenticate(h, d.DB, d.Log)
	h = observe(h, d.Log, newMetrics(d.Registry))
	h = crossOrigin(h)
	h = securityHeaders(h)
	h = recoverPanics(h, d.Log)
	return &Server{Handler: h, Routes: routes}
}

// ready reports whether the database answers, within a short deadline.
func ready(ctx context.Context, db *store.DB) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	return db.Ping(ctx)
}
