package main

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/samwise-sam/samwise/internal/exchange"
	"github.com/samwise-sam/samwise/internal/store"
)

// importCmd: `samwise import KIND FILE.csv`, `samwise import undo BATCH`,
// `samwise import history`.
type importCmd struct {
	File    importFileCmd    `cmd:"" default:"withargs" hidden:"" help:"Import KIND from FILE.csv."`
	Undo    importUndoCmd    `cmd:"" help:"Undo an import: remove what it created, restore what it updated."`
	History importHistoryCmd `cmd:"" help:"List the latest imports."`
}

type importFileCmd struct {
	Kind          string   `arg:"" help:"What the file holds: accounts, stakeholders, people, touches, opportunities, contracts or products."`
	File          string   `arg:"" help:"The CSV file (UTF-8 with or without BOM; ',' or ';' separated)." type:"existingfile"`
	Map           []string `help:"Column mapping: 'Source Column=field' (repeat or separate with commas)." placeholder:"SRC=FIELD"`
	Mapping       string   `help:"A mapping file: 'Source Column = field' and 'field: Source value = value' lines." type:"existingfile" placeholder:"FILE"`
	Preset        string   `help:"Column names of a CRM export: salesforce or hubspot (accounts/companies, contacts, opportunities/deals)." enum:",salesforce,hubspot" default:""`
	DryRun        bool     `help:"Check every line and report what would be created, updated and rejected; write nothing."`
	OnError       string   `help:"abort: any rejected line and nothing is written; skip: good lines land, rejected ones go to the rejects file." enum:"abort,skip" default:"abort"`
	Rejects       string   `help:"Where rejected lines go, with their line number and problem (default: FILE.rejects.csv with --on-error skip)." placeholder:"FILE"`
	CreateMissing bool     `help:"Create referenced accounts (by name) and people (by e-mail address) that do not exist yet."`
	DateOrder     string   `help:"How to read dates such as 03/04/2025: dmy or mdy." enum:",dmy,mdy" default:""`
	Org           string   `help:"Organisation slug (default: the first organisation)." placeholder:"SLUG"`
	Quiet         bool     `help:"Print only the summary, not every rejected line."`
}

func (c *importFileCmd) Run(e *env) error {
	kind, err := exchange.ParseKind(c.Kind)
	if err != nil {
		return err
	}
	m := exchange.Mapping{}
	if c.Preset != "" {
		if m, err = exchange.Preset(c.Preset, kind); err != nil {
			return err
		}
	}
	if c.Mapping != "" {
		f, err := os.Open(c.Mapping)
		if err != nil {
			return err
		}
		fm, err := exchange.ParseMappingFile(f)
		f.Close()
		if err != nil {
			return err
		}
		m = m.Merge(fm)
	}
	if len(c.Map) > 0 {
		fm, err := exchange.ParseMapFlag(strings.Join(c.Map, ","))
		if err != nil {
			return err
		}
		m = m.Merge(fm)
	}
	f, err := os.Open(c.File)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	counter := &countingReader{r: f}
	rd, err := exchange.NewReader(counter)
	if err != nil {
		return fmt.Errorf("%s: %w", c.File, err)
	}
	db, err := e.open()
	if err != nil {
		return err
	}
	defer db.Close()
	sc, _, err := cliScope(e, db, c.Org)
	if err != nil {
		return err
	}
	keys, err := db.CustomKeys(e.ctx, sc, kind)
	if err != nil {
		return err
	}
	if c.Preset != "" {
		m = m.ForFile(rd.Header())
	}
	p, err := exchange.Bind(kind, rd.Header(), m, keys, exchange.Options{DateOrder: c.DateOrder})
	if err != nil {
		return fmt.Errorf("%s: %w", c.File, err)
	}
	if len(p.Ignored) > 0 {
		fmt.Fprintf(e.stderr, "Ignoring column(s) no field takes: %s (map them with --map \"Column=field\")\n", strings.Join(p.Ignored, ", "))
	}

	rejectsPath := c.Rejects
	if rejectsPath == "" && c.OnError == "skip" && !c.DryRun {
		rejectsPath = strings.TrimSuffix(c.File, filepath.Ext(c.File)) + ".rejects.csv"
	}
	var rw *csv.Writer
	var rejectsFile *os.File
	openRejects := func() error {
		if rw != nil || rejectsPath == "" {
			return nil
		}
		rf, err := os.Create(rejectsPath)
		if err != nil {
			return err
		}
		rejectsFile, rw = rf, csv.NewWriter(rf)
		return rw.Write(append(append([]string{}, rd.Header()...), "import_line", "import_problem"))
	}
	var rejectErr error
	shown := 0
	opts := store.ImportOptions{
		FileName: filepath.Base(c.File), DryRun: c.DryRun, Sole: true, SkipErrors: c.OnError == "skip", CreateMissing: c.CreateMissing,
		Reject: func(raw []string, probs []exchange.Problem) {
			if !c.Quiet && shown < 1000 {
				for _, pr := range probs {
					fmt.Fprintln(e.stderr, "rejected", pr.String())
				}
				if shown++; shown == 1000 {
					fmt.Fprintln(e.stderr, "… (more rejected lines: see the rejects file)")
				}
			}
			if err := openRejects(); err != nil {
				rejectErr = err
				return
			}
			if rw != nil && len(probs) > 0 {
				reasons := make([]string, len(probs))
				for i, pr := range probs {
					reasons[i] = strings.TrimPrefix(pr.String(), "line "+strconv.Itoa(pr.Line)+": ")
				}
				row := make([]string, len(rd.Header()))
				for i := range min(len(row), len(raw)) {
					row[i] = exchange.Defuse(raw[i]) // opened in a spreadsheet to be fixed
				}
				rejectErr = errors.Join(rejectErr, rw.Write(append(row, strconv.Itoa(probs[0].Line), exchange.Defuse(strings.Join(reasons, "; ")))))
			}
		},
	}
	update, finish := importProgress(e.stderr, st.Size(), counter)
	opts.Progress = func(lines int64) { update(lines) }
	start := time.Now()
	// Started first and tracked, as the web's background imports are: on
	// PostgreSQL its heartbeat and progress show on every instance's /data
	// page (without them a long CLI import would look interrupted there).
	opts.BatchID, err = db.StartImport(e.ctx, sc, kind, opts.FileName, opts.SkipErrors)
	if err != nil {
		finish()
		return err
	}
	b, err := db.TrackedImport(e.ctx, sc, p, rd, opts, st.Size(), counter.n.Load)
	finish()
	if rw != nil {
		rw.Flush()
		rejectErr = errors.Join(rejectErr, rw.Error(), rejectsFile.Close())
	}
	if err != nil {
		return err
	}
	if rejectErr != nil {
		return fmt.Errorf("write rejects file: %w", rejectErr)
	}
	elapsed := time.Since(start)
	verb := map[bool]string{true: "would be ", false: ""}[c.DryRun]
	fmt.Fprintf(e.stdout, "Import %d (%s, %s): %d lines in %s — %s%d created, %s%d updated, %d unchanged, %d rejected.\n",
		b.ID, kind, b.FileName, b.Lines, elapsed.Round(time.Millisecond), verb, b.Created, verb, b.Updated, b.Unchanged, b.Rejected)
	if b.Message != "" {
		fmt.Fprintln(e.stdout, b.Message)
	}
	if rw != nil {
		fmt.Fprintf(e.stdout, "Rejected lines are in %s: fix them there and import that file again.\n", rejectsPath)
	}
	if b.Status == "done" && (b.Created > 0 || b.Updated > 0) {
		fmt.Fprintf(e.stdout, "To take it back: samwise import undo %d\n", b.ID)
	}
	if b.Status == "rejected" {
		return exitCode(1)
	}
	return nil
}

type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// importProgress shows a byte-based bar with rate and ETA on a terminal, a
// plain line every few seconds otherwise.
func importProgress(w io.Writer, size int64, counter *countingReader) (update func(lines int64), finish func()) {
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		bar := progressbar.NewOptions64(size, progressbar.OptionSetWriter(f), progressbar.OptionSetDescription("importing"),
			progressbar.OptionShowBytes(true), progressbar.OptionShowCount(), progressbar.OptionSetPredictTime(true),
			progressbar.OptionThrottle(200*time.Millisecond), progressbar.OptionSetWidth(30), progressbar.OptionClearOnFinish())
		return func(int64) { _ = bar.Set64(counter.n.Load()) }, func() { _ = bar.Finish() }
	}
	last := time.Now()
	return func(lines int64) {
		if time.Since(last) < 5*time.Second {
			return
		}
		last = time.Now()
		pct := 100.0
		if size > 0 {
			pct = 100 * float64(counter.n.Load()) / float64(size)
		}
		fmt.Fprintf(w, "import: %d lines read (%.0f%%)\n", lines, pct)
	}, func() {}
}

type importUndoCmd struct {
	Batch int64  `arg:"" help:"The import's number (see samwise import history)."`
	Org   string `help:"Organisation slug (default: the first organisation)." placeholder:"SLUG"`
}

func (c *importUndoCmd) Run(e *env) error {
	db, err := e.open()
	if err != nil {
		return err
	}
	defer db.Close()
	sc, _, err := cliScope(e, db, c.Org)
	if err != nil {
		return err
	}
	b, err := db.UndoImport(e.ctx, sc, c.Batch)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Import %d undone: %d created record(s) removed, %d updated record(s) restored.\n", b.ID, b.Created, b.Updated)
	return nil
}

type importHistoryCmd struct {
	Limit int    `default:"20" help:"How many imports to list."`
	Org   string `help:"Organisation slug (default: the first organisation)." placeholder:"SLUG"`
}

func (c *importHistoryCmd) Run(e *env) error {
	db, err := e.open()
	if err != nil {
		return err
	}
	defer db.Close()
	sc, _, err := cliScope(e, db, c.Org)
	if err != nil {
		return err
	}
	bs, err := db.ImportBatches(e.ctx, sc, c.Limit)
	if err != nil {
		return err
	}
	if _, err := db.SettleImports(e.ctx, sc, bs); err != nil {
		return err
	}
	if len(bs) == 0 {
		fmt.Fprintln(e.stdout, "No imports yet. Start with: samwise import accounts FILE.csv --dry-run")
		return nil
	}
	fmt.Fprintf(e.stdout, "%-5s %-17s %-13s %-9s %8s %8s %8s %8s  %s\n", "#", "started", "kind", "status", "lines", "created", "updated", "rejected", "file (by)")
	for _, b := range bs {
		fmt.Fprintf(e.stdout, "%-5d %-17s %-13s %-9s %8d %8d %8d %8d  %s (%s)\n", b.ID, b.StartedAt.Format("2006-01-02 15:04"), b.Kind, b.Status,
			b.Lines, b.Created, b.Updated, b.Rejected, b.FileName, b.Actor)
	}
	return nil
}

type exportCmd struct {
	Kind   string `arg:"" help:"What to export: accounts, stakeholders, people, touches, opportunities, contracts or products."`
	Format string `help:"csv, xlsx or json." enum:"csv,xlsx,json" default:"csv"`
	Output string `short:"o" help:"The file to write (default: standard output)." placeholder:"FILE"`
	Org    string `help:"Organisation slug (default: the first organisation)." placeholder:"SLUG"`
}

func (c *exportCmd) Run(e *env) error {
	kind, err := exchange.ParseKind(c.Kind)
	if err != nil {
		return err
	}
	db, err := e.open()
	if err != nil {
		return err
	}
	defer db.Close()
	sc, _, err := cliScope(e, db, c.Org)
	if err != nil {
		return err
	}
	if c.Output == "" {
		_, err := exportTo(e, db, sc, kind, store.ExportFilter{}, c.Format, e.stdout)
		return err
	}
	// Written beside the file and renamed into place once whole: a failed
	// or interrupted export leaves no half file, nor spoils an earlier one.
	f, err := os.CreateTemp(filepath.Dir(c.Output), "."+filepath.Base(c.Output)+".*.part")
	if err != nil {
		return err
	}
	n, err := exportTo(e, db, sc, kind, store.ExportFilter{}, c.Format, f)
	if err = errors.Join(err, f.Close()); err == nil {
		err = os.Rename(f.Name(), c.Output)
	}
	if err != nil {
		os.Remove(f.Name())
		return err
	}
	fmt.Fprintf(e.stderr, "Exported %d %s to %s.\n", n, kind, c.Output)
	return nil
}

var errNotBuilt = errors.New("not built yet")
