package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/exchange"
	"github.com/samwise-sam/samwise/internal/store"
)

// Background exports on the data page: a form starts one (records, format,
// and the account list's filters), the export history shows each export's
// progress, a Cancel button while it runs, and a download link for a week
// after. The job runs in the instance that took the request; its state is
// in the export_jobs row (see store/exchange_jobs.go), so any instance
// shows it and a cancel on one reaches the job on another. Everyone sees and
// downloads only their own exports, which hold only what they may see.

// exportForm is the data page's export form.
type exportForm struct {
	Kind, Format string
	Query        accountQuery
}

// exportRow is one line of the export history.
type exportRow struct {
	store.ExportJob
	KindName string
	Percent  int
	Running  bool
	Done     bool
	Filters  string
	SizeText string
}

// sizeText writes a file size for people: 812 B, 4.2 kB, 13 MB.
func sizeText(n int64) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("%d B", n)
	case n < 1000*1000:
		return fmt.Sprintf("%.1f kB", float64(n)/1000)
	case n < 1000*1000*1000:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	}
	return fmt.Sprintf("%.2f GB", float64(n)/1e9)
}

// exportOptions are the choices of the export form.
type exportOptions struct {
	Industries []string
	Lifecycles []account.Lifecycle
	People     []account.Person
	CustomFilt []customFilter
}

func (h *handler) loadExports(ctx context.Context, v *dataView) error {
	sc := h.guard.Scope(ctx)
	jobs, err := h.db.ExportJobs(ctx, sc, sc.UserID, 20)
	if err != nil {
		return err
	}
	if v.ExportForm.Kind == "" {
		v.ExportForm = exportForm{Kind: "accounts", Format: "csv"}
	}
	if v.ExportOpts.Industries, err = h.db.Industries(ctx, sc); err != nil {
		return err
	}
	if v.ExportOpts.People, err = h.db.AllPeople(ctx, sc); err != nil {
		return err
	}
	names := personNames(v.ExportOpts.People)
	for _, j := range jobs {
		row := exportRow{ExportJob: j, KindName: account.Label(j.Kind), Percent: j.Percent(),
			Running: j.Status == "running", Done: j.Status == "done"}
		if row.Running {
			v.ExportRunning = true
		}
		row.Filters = describeExportFilter(j.Filter, names)
		row.SizeText = sizeText(j.Size)
		v.Exports = append(v.Exports, row)
	}
	v.ExportOpts.Lifecycles = account.Lifecycles
	cfs, err := h.db.CustomFields(ctx, sc, "account")
	if err != nil {
		return err
	}
	for _, cf := range cfs {
		if cf.Type == "choice" {
			v.ExportOpts.CustomFilt = append(v.ExportOpts.CustomFilt, customFilter{Key: cf.Key, Label: cf.Label,
				Value: v.ExportForm.Query.Custom[cf.Key], Choices: cf.Choices})
		}
	}
	return nil
}

// describeExportFilter says in words what an export was narrowed to.
func describeExportFilter(f store.ExportFilter, owners map[int64]string) string {
	var parts []string
	if f.Q != "" {
		parts = append(parts, fmt.Sprintf("“%s”", f.Q))
	}
	if f.Industry != "" {
		parts = append(parts, f.Industry)
	}
	if f.Lifecycle != "" {
		parts = append(parts, account.Label(f.Lifecycle))
	}
	if f.OwnerID != 0 {
		name := owners[f.OwnerID]
		if name == "" {
			name = "#" + strconv.FormatInt(f.OwnerID, 10)
		}
		parts = append(parts, "owner "+name)
	}
	keys := make([]string, 0, len(f.Custom))
	for k := range f.Custom {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		parts = append(parts, k+" = "+f.Custom[k])
	}
	if len(parts) == 0 {
		return "all"
	}
	return strings.Join(parts, ", ")
}

// exportStart starts a background export (POST /data/exports).
func (h *handler) exportStart(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if err := r.ParseForm(); err != nil {
		h.fail(w, r, account.Errorf(account.EINVALID, "The form could not be read."))
		return
	}
	form := exportForm{Kind: r.PostFormValue("kind"), Format: r.PostFormValue("format"), Query: readAccountQuery(r.PostForm)}
	kind, err := exchange.ParseKind(form.Kind)
	var v dataView
	v.ExportForm = form
	if err != nil {
		v.Errors.add("export_kind", "Records", "choose what to export")
	}
	if !slices.Contains(exchange.Formats, form.Format) {
		v.Errors.add("export_format", "Format", "choose CSV, Excel or JSON")
	}
	if len(v.Errors.List) > 0 {
		v.Errors.Summary = "The export was not started."
		v.Form = importForm{Kind: "accounts", OnError: "abort"}
		h.renderData(w, r, http.StatusUnprocessableEntity, v)
		return
	}
	f := store.ExportFilter{VisibleTo: h.guard.VisibleTo(ctx)}
	if kind == exchange.Accounts {
		q := form.Query
		f.Q, f.Industry, f.Lifecycle, f.OwnerID, f.Custom = q.Q, q.Industry, string(q.Lifecycle), q.Owner, q.Custom
	}
	if _, err := startExport(ctx, h.db, h.guard.Scope(ctx), h.exportDir, h.log, h.now(), kind, form.Format, f); err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/data?notice=export#exports-h", http.StatusSeeOther)
}

// startExport records an export and runs it in the background, detached
// from the request. The API starts its exports the same way (its own copy
// of these few lines, see internal/api/data_exports.go).
func startExport(ctx context.Context, db *store.DB, sc account.Scope, dir string, log *slog.Logger, now time.Time,
	kind exchange.Kind, format string, f store.ExportFilter) (store.ExportJob, error) {
	keys, err := db.CustomKeys(ctx, sc, kind)
	if err != nil {
		return store.ExportJob{}, err
	}
	total, err := db.ExportCount(ctx, sc, kind, f)
	if err != nil {
		return store.ExportJob{}, err
	}
	j := store.ExportJob{Kind: string(kind), Format: format, Total: total, Filter: f,
		FileName: fmt.Sprintf("%s-%s.%s", kind, now.Format("2006-01-02-1504"), format)}
	if err := db.StartExport(ctx, sc, &j); err != nil {
		return j, err
	}
	run := exchange.ExportJob{Store: db, Scope: sc, ID: j.ID, Kind: kind, Format: format, Keys: keys,
		Path: exchange.ExportPath(dir, sc.OrgID, j.ID, format),
		Source: func(ctx context.Context, fn func(*exchange.Record) error) error {
			return db.Export(ctx, sc, kind, f, fn)
		}}
	go func() {
		defer func() {
			if rec := recover(); rec != nil {
				log.Error("export job panicked", slog.Int64("export", j.ID), slog.Any("panic", rec))
				_ = db.FailExport(context.Background(), sc, j.ID, "The export failed on our side; it has been logged.")
			}
		}()
		if err := run.Run(context.Background()); err != nil && !errors.Is(err, exchange.ErrCancelled) {
			log.Error("export job failed", slog.Int64("export", j.ID), slog.Any("err", err))
		}
	}()
	return j, nil
}

func (h *handler) exportID(w http.ResponseWriter, r *http.Request) (store.ExportJob, bool) {
	ctx := r.Context()
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		h.fail(w, r, account.Errorf(account.ENOTFOUND, "No such export."))
		return store.ExportJob{}, false
	}
	sc := h.guard.Scope(ctx)
	j, err := h.db.ExportJobByID(ctx, sc, sc.UserID, id)
	if err != nil {
		h.fail(w, r, err)
		return j, false
	}
	return j, true
}

// exportCancel cancels a running export (POST /data/exports/{id}/cancel).
func (h *handler) exportCancel(w http.ResponseWriter, r *http.Request) {
	j, ok := h.exportID(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	sc := h.guard.Scope(ctx)
	if _, err := h.db.CancelExport(ctx, sc, sc.UserID, j.ID); err != nil {
		if account.ErrorCode(err) == account.ECONFLICT {
			// Finished meanwhile: the history shows how.
			http.Redirect(w, r, "/data#exports-h", http.StatusSeeOther)
			return
		}
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/data?notice=cancelled#exports-h", http.StatusSeeOther)
}

// exportFile downloads a finished export (GET /data/exports/{id}/file).
func (h *handler) exportFile(w http.ResponseWriter, r *http.Request) {
	j, ok := h.exportID(w, r)
	if !ok {
		return
	}
	serveExportFile(w, r, h.exportDir, h.guard.Scope(r.Context()).OrgID, j, func(err error) { h.fail(w, r, err) })
}

// serveExportFile sends a finished export's file.
func serveExportFile(w http.ResponseWriter, r *http.Request, dir string, orgID int64, j store.ExportJob, fail func(error)) {
	if j.Status != "done" {
		fail(account.Errorf(account.ECONFLICT, "Export %d is %s: only a finished export can be downloaded.", j.ID, j.Status))
		return
	}
	f, err := os.Open(exchange.ExportPath(dir, orgID, j.ID, j.Format))
	if err != nil {
		fail(account.Errorf(account.ENOTFOUND, "The file of export %d is gone (expired, or written by another samwise instance that does not share its export folder): start the export again.", j.ID))
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		fail(err)
		return
	}
	w.Header().Set("Content-Type", exportTypes[j.Format])
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, j.FileName))
	w.Header().Set("Cache-Control", "private, no-store")
	http.ServeContent(w, r, "", st.ModTime(), f)
}

var exportTypes = map[string]string{"csv": "text/csv; charset=utf-8", "json": "application/json",
	"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}

// exportRoutes registers the export pages (called from dataPages).
func (h *handler) exportRoutes(handle handleFunc) {
	handle("POST /data/exports", access.ReadRecords, h.exportStart)
	handle("POST /data/exports/{id}/cancel", access.ReadRecords, h.exportCancel)
	handle("GET /data/exports/{id}/file", access.ReadRecords, h.exportFile)
}
