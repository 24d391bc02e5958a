package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/samwise-sam/samwise/internal/server"
	"github.com/samwise-sam/samwise/internal/store"
)

type serveCmd struct {
	Addr     string `help:"Address to listen on." env:"SAMWISE_ADDR" default:"localhost:8080"`
	Demo     bool   `help:"Load the demo portfolio (and demo users) into the database if it is not there yet."`
	LogLevel string `help:"Log level: debug, info, warn, error." env:"SAMWISE_LOG_LEVEL" default:"info" enum:"debug,info,warn,error"`
}

func (s *serveCmd) Run(e *env) error {
	var level slog.Level
	if err := level.UnmarshalText([]byte(s.LogLevel)); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: level}))
	db, err := e.open()
	if err != nil {
		return err
	}
	defer db.Close()
	guard, err := s.prepare(e, db, log)
	if err != nil {
		return err
	}
	h := server.New(server.Deps{DB: db, Log: log, Guard: guard, Version: version})
	ln, err := net.Listen("tcp", s.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", s.Addr, err)
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      5 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	fmt.Fprintf(e.stdout, "samwise %s serving http://%s (database: %s)\n", version, ln.Addr(), describe(db, e.dbURL))
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-e.ctx.Done():
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// describe names the database for the start-up line without printing a
// password that may sit in a PostgreSQL URL.
func describe(db *store.DB, url string) string {
	if db.Dialect() == store.Postgres {
		return "PostgreSQL " + store.RedactURL(url)
	}
	return "SQLite " + url
}
