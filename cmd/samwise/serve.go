package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/auth"
	"github.com/samwise-sam/samwise/internal/exchange"
	"github.com/samwise-sam/samwise/internal/jobs"
	"github.com/samwise-sam/samwise/internal/mail"
	"github.com/samwise-sam/samwise/internal/measure"
	"github.com/samwise-sam/samwise/internal/server"
	"github.com/samwise-sam/samwise/internal/store"
)

type serveCmd struct {
	Addr       string        `help:"Address to listen on." env:"SAMWISE_ADDR" default:"localhost:8080"`
	Demo       bool          `help:"Load the demo portfolio (and demo users) into the database if it is not there yet."`
	SessionTTL time.Duration `help:"How long a sign-in lasts." env:"SAMWISE_SESSION_TTL" default:"12h"`
	TrustProxy bool          `help:"Trust X-Forwarded-For from a reverse proxy for the sign-in rate limit." env:"SAMWISE_TRUST_PROXY"`
	LogLevel   string        `help:"Log level: debug, info, warn, error." env:"SAMWISE_LOG_LEVEL" default:"info" enum:"debug,info,warn,error"`

	OIDCIssuer      string `name:"oidc-issuer" help:"Single sign-on: the OpenID Connect issuer URL (enables SSO)." env:"SAMWISE_OIDC_ISSUER" group:"Single sign-on"`
	OIDCClientID    string `name:"oidc-client-id" help:"Single sign-on: the client ID registered with the provider." env:"SAMWISE_OIDC_CLIENT_ID" group:"Single sign-on"`
	OIDCRedirectURL string `name:"oidc-redirect-url" help:"Single sign-on: samwise's public address + /auth/oidc/callback." env:"SAMWISE_OIDC_REDIRECT_URL" group:"Single sign-on"`
	OIDCLabel       string `name:"oidc-label" help:"Single sign-on: the provider's name on the sign-in button." env:"SAMWISE_OIDC_LABEL" group:"Single sign-on"`
	OIDCCreateRole  string `name:"oidc-create-role" help:"Single sign-on: role for people who sign in without a samwise user yet (empty: refuse them)." env:"SAMWISE_OIDC_CREATE_ROLE" group:"Single sign-on"`
	OIDCOrg         string `name:"oidc-org" help:"Single sign-on: organisation slug new users join (default: the oldest)." env:"SAMWISE_OIDC_ORG" group:"Single sign-on"`

	SMTPHost    string `name:"smtp-host" help:"Reminder mail: the SMTP server (mail is off without it). The password is read from SAMWISE_SMTP_PASSWORD only." env:"SAMWISE_SMTP_HOST" group:"Mail"`
	SMTPPort    int    `name:"smtp-port" help:"Reminder mail: the SMTP port (default by TLS mode: 25, 587, 465)." env:"SAMWISE_SMTP_PORT" group:"Mail"`
	SMTPTLS     string `name:"smtp-tls" help:"Reminder mail: none, starttls or tls." env:"SAMWISE_SMTP_TLS" default:"starttls" enum:"none,starttls,tls" group:"Mail"`
	SMTPUser    string `name:"smtp-user" help:"Reminder mail: the SMTP user (no authentication when empty)." env:"SAMWISE_SMTP_USER" group:"Mail"`
	MailFrom    string `name:"mail-from" help:"Reminder mail: the sender address." env:"SAMWISE_MAIL_FROM" group:"Mail"`
	DigestHour  int    `name:"digest-hour" help:"Reminder mail: the hour (0-23, server time) the daily digest goes out from." env:"SAMWISE_DIGEST_HOUR" default:"7" group:"Mail"`
	PublicURL   string `name:"public-url" help:"samwise's public address, for links in mail (default: http:// + --addr)." env:"SAMWISE_PUBLIC_URL" group:"Mail"`
	ExportDir   string `name:"export-dir" help:"Folder for background exports (default: 'exports' beside a SQLite file, else the user cache folder). Instances sharing a database should share it." env:"SAMWISE_EXPORT_DIR"`
	JobInstance string `name:"instance" help:"This instance's name in the job table (default: host:pid)." env:"SAMWISE_INSTANCE" hidden:""`
}

// mailer configures the SMTP sender when a host is given. The password is
// read only from the environment (SAMWISE_SMTP_PASSWORD) and never logged.
func (s *serveCmd) mailer(e *env) (*mail.SMTP, error) {
	if s.SMTPHost == "" {
		return nil, nil
	}
	t, err := mail.ParseTLS(s.SMTPTLS)
	if err != nil {
		return nil, err
	}
	m := &mail.SMTP{Host: s.SMTPHost, Port: s.SMTPPort, TLS: t, User: s.SMTPUser,
		Password: e.getenv("SAMWISE_SMTP_PASSWORD"), From: s.MailFrom}
	if err := m.Validate(); err != nil {
		return nil, fmt.Errorf("mail configuration: %w", err)
	}
	if s.DigestHour < 0 || s.DigestHour > 23 {
		return nil, fmt.Errorf("--digest-hour %d: must be 0-23", s.DigestHour)
	}
	return m, nil
}

// oidc configures single sign-on when an issuer is given. The client secret
// is read only from the environment (SAMWISE_OIDC_CLIENT_SECRET), never a
// flag, so it does not show in process listings.
func (s *serveCmd) oidc(e *env) (*server.OIDC, error) {
	if s.OIDCIssuer == "" {
		return nil, nil
	}
	var role auth.Role
	if s.OIDCCreateRole != "" {
		r, err := auth.ParseRole(s.OIDCCreateRole)
		if err != nil {
			return nil, fmt.Errorf("--oidc-create-role: %w", err)
		}
		role = r
	}
	return server.NewOIDC(e.ctx, server.OIDCConfig{
		Issuer: s.OIDCIssuer, ClientID: s.OIDCClientID, ClientSecret: e.getenv("SAMWISE_OIDC_CLIENT_SECRET"),
		RedirectURL: s.OIDCRedirectURL, Label: s.OIDCLabel, CreateRole: role, Org: s.OIDCOrg,
	})
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
	sso, err := s.oidc(e)
	if err != nil {
		return err
	}
	sender, err := s.mailer(e)
	if err != nil {
		return err
	}
	h := server.New(server.Deps{DB: db, Log: log, Guard: guard, Version: version, OIDC: sso,
		SessionTTL: s.SessionTTL, TrustProxy: s.TrustProxy, ExportDir: s.exportDir(db)})
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
	// Background work on a scheduler that claims each run in the database,
	// so several instances run it once: revenue and tiers follow the deals
	// won and the days passing (recomputed daily), and with mail configured
	// the daily reminder digest goes out.
	sched := &jobs.Scheduler{DB: db, Log: log, Holder: s.JobInstance,
		Jobs: []jobs.Job{jobs.TierRecompute{DB: db, Log: log}.Job()}}
	if sender != nil {
		base := s.PublicURL
		if base == "" {
			base = "http://" + ln.Addr().String()
		}
		dg := jobs.Digest{DB: db, Sender: sender, Log: log, Loc: time.Local, BaseURL: base}
		sched.Jobs = append(sched.Jobs, dg.Job(s.DigestHour))
		log.Info("reminder digest on", "smtp", sender.String(), "hour", s.DigestHour)
		// Survey invitations go out within minutes of "Send"; reminders to
		// non-responders once a day. Each invitation is claimed in the
		// database before it is sent, so instances never send one twice.
		m := measure.Mailing{Store: db, Sender: sender, BaseURL: base, Log: log}
		sched.Jobs = append(sched.Jobs,
			jobs.Job{Name: "survey-invitations", Period: everyFiveMinutes,
				Run: func(ctx context.Context, _ string) error {
					_, err := measure.SendInvitations(ctx, m, time.Now())
					return err
				}},
			jobs.Job{Name: "survey-reminders", Period: jobs.Daily(s.DigestHour, time.Local),
				Run: func(ctx context.Context, _ string) error {
					_, err := measure.SendReminders(ctx, m, time.Now())
					return err
				}})
	}
	// Health snapshots (and the churn model's retraining) once a day.
	sched.Jobs = append(sched.Jobs, jobs.Job{Name: "health", Period: jobs.Daily(3, time.UTC), Lease: time.Hour,
		Run: func(ctx context.Context, day string) error {
			d, err := account.ParseDate(day)
			if err != nil {
				return err
			}
			return db.HealthDaily(ctx, d)
		}})
	// Expired background exports go, with their files, once an hour.
	sched.Jobs = append(sched.Jobs, jobs.Job{Name: "export-cleanup", Period: hourly,
		Run: func(ctx context.Context, _ string) error {
			_, err := db.CleanExports(ctx, s.exportDir(db), exchange.ExportKeep)
			return err
		}})
	jctx, stopJobs := context.WithCancel(e.ctx)
	jobsDone := make(chan struct{})
	go func() {
		defer close(jobsDone)
		sched.Run(jctx)
	}()
	defer func() { stopJobs(); <-jobsDone }() // before the database closes
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

// exportDir is the folder background exports are written to.
func (s *serveCmd) exportDir(db *store.DB) string {
	if s.ExportDir != "" {
		return s.ExportDir
	}
	return db.FilesDir()
}

// hourly names the hour now falls in.
func hourly(now time.Time) string { return now.UTC().Format("2006-01-02T15") }

// everyFiveMinutes names the five-minute slot now falls in.
func everyFiveMinutes(now time.Time) string {
	return now.UTC().Truncate(5 * time.Minute).Format("2006-01-02T15:04")
}
