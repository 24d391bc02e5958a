// Command samwise runs the samwise strategic account management platform:
// the web UI and JSON API (serve) and the admin's scripted tasks (migrate,
// demo data, synthetic data, …). main only wires; everything else lives in
// internal/.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/alecthomas/kong"

	"github.com/samwise-sam/samwise/internal/account"

	"github.com/samwise-sam/samwise/internal/store"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		var exit exitCode
		if errors.As(err, &exit) {
			os.Exit(int(exit))
		}
		fmt.Fprintln(os.Stderr, "samwise:", describeError(err))
		os.Exit(1)
	}
}

// describeError says what went wrong for a person at a terminal: an
// application error by its message and the fields to fix, anything else in
// full (the admin running the command needs the cause).
func describeError(err error) string {
	var ae *account.Error
	if !errors.As(err, &ae) {
		return err.Error()
	}
	msg := ae.Message
	for _, f := range ae.Fields {
		if !strings.Contains(msg, f.Field+" "+f.Message) {
			msg += "\n  " + f.Field + ": " + f.Message
		}
	}
	return msg
}

// exitCode ends the program with a status and no message (e.g. after --help).
type exitCode int

func (e exitCode) Error() string { return fmt.Sprintf("exit %d", int(e)) }

// env is what every command gets: the context, the streams and the
// environment, never globals.
type env struct {
	ctx    context.Context
	getenv func(string) string
	stdout io.Writer
	stderr io.Writer
	dbURL  string
}

// open connects to the configured database and brings its schema up to date.
func (e *env) open() (*store.DB, error) {
	db, err := store.Open(e.ctx, e.dbURL)
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(e.ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// cli is the command line. Each command lives in a file of its own.
type cli struct {
	Database string `help:"Database: a SQLite file path, or a postgres:// URL." env:"SAMWISE_DATABASE" default:"samwise-data/samwise.db" placeholder:"URL"`

	Serve     serveCmd     `cmd:"" help:"Run the web UI and the JSON API."`
	Migrate   migrateCmd   `cmd:"" help:"Bring the database schema up to date, or show its status."`
	Version   versionCmd   `cmd:"" help:"Print the version."`
	Users     usersCmd     `cmd:"" help:"List and add the users who sign in."`
	Tokens    tokensCmd    `cmd:"" help:"Create, list and revoke API tokens for scripts."`
	Demo      demoCmd      `cmd:"" help:"Load the demo portfolio (organisation \"demo\") unless it is already there."`
	Gen       genCmd       `cmd:"" help:"Write a synthetic portfolio of a given size, for benchmarks."`
	Cadence   cadenceCmd   `cmd:"" help:"Contact cadences: who is overdue or due soon."`
	Portfolio portfolioCmd `cmd:"" help:"The ranked portfolio and its A-B-C tiers."`
	Coverage  coverageCmd  `cmd:"" help:"Relationship coverage findings across the portfolio."`
	Import    importCmd    `cmd:"" help:"Import records from a CSV file."`
	Export    exportCmd    `cmd:"" help:"Export records as CSV, Excel or JSON."`
	Backup    backupCmd    `cmd:"" help:"Write a consistent snapshot of the database to a file."`
	Restore   restoreCmd   `cmd:"" help:"Restore a backup into an empty database."`
	Copy      copyCmd      `cmd:"" help:"Copy a whole installation between databases (SQLite and PostgreSQL)."`
	Metrics   metricsCmd   `cmd:"" help:"Retention, revenue and program ROI figures."`
	Model     modelCmd     `cmd:"" help:"Train and evaluate the churn-risk model."`
	Grader    graderCmd    `cmd:"" help:"The ten-check account-management grader."`
}

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var c cli
	var exit *int
	parser, err := kong.New(&c,
		kong.Name("samwise"),
		kong.Description("samwise — strategic account management: choose, staff, know and grow your key accounts."),
		kong.Writers(stdout, stderr),
		kong.Exit(func(code int) { exit = &code; panic(exitSignal{}) }),
		kong.UsageOnError(),
		kong.ConfigureHelp(kong.HelpOptions{Compact: true}),
		kong.Resolvers(envResolver(getenv)),
	)
	if err != nil {
		return err
	}
	kctx, err := parse(parser, args, &exit)
	if exit != nil {
		if *exit == 0 {
			return nil
		}
		return exitCode(*exit)
	}
	if err != nil {
		return err
	}
	e := &env{ctx: ctx, getenv: getenv, stdout: stdout, stderr: stderr, dbURL: c.Database}
	return kctx.Run(e)
}

type exitSignal struct{}

// parse runs kong's parser, turning its exit callback (used for --help) into
// a return instead of a process exit, so run stays testable.
func parse(p *kong.Kong, args []string, exit **int) (kctx *kong.Context, err error) {
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(exitSignal); !ok {
				panic(r)
			}
		}
	}()
	return p.Parse(args)
}

// envResolver makes kong read `env:"…"` tags through getenv rather than the
// process environment, so tests control configuration.
func envResolver(getenv func(string) string) kong.Resolver {
	return kong.ResolverFunc(func(_ *kong.Context, _ *kong.Path, flag *kong.Flag) (any, error) {
		for _, name := range flag.Envs {
			if v := getenv(name); v != "" {
				return v, nil
			}
		}
		return nil, nil
	})
}

type versionCmd struct{}

func (versionCmd) Run(e *env) error {
	_, err := fmt.Fprintln(e.stdout, "samwise", version)
	return err
}

type migrateCmd struct {
	Up     migrateUpCmd     `cmd:"" default:"1" help:"Apply every pending migration (the default)."`
	Status migrateStatusCmd `cmd:"" help:"List migrations and whether each is applied."`
}

type migrateUpCmd struct{}

func (migrateUpCmd) Run(e *env) error {
	db, err := e.open()
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = fmt.Fprintln(e.stdout, "database is up to date")
	return err
}

type migrateStatusCmd struct{}

func (migrateStatusCmd) Run(e *env) error {
	db, err := store.Open(e.ctx, e.dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	st, err := db.MigrationStatuses(e.ctx)
	if err != nil {
		return err
	}
	for _, s := range st {
		state := "pending"
		if s.Applied {
			state = "applied " + s.AppliedAt.Format("2006-01-02 15:04")
		}
		fmt.Fprintf(e.stdout, "%05d  %-28s %s\n", s.Version, s.Name, state)
	}
	return nil
}
