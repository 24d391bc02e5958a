package web

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/exchange"
	"github.com/samwise-sam/samwise/internal/store"
)

// The data page: upload a CSV, check it (a dry run that lists every
// rejected line), import it as a background job whose progress the page
// shows, the import history with undo, and exports.
//
// An uploaded file is kept in the system's temporary folder under a random
// name bound to the organisation until it is imported (or a day passes), so
// that "check, then import" does not upload twice. A running import is a
// goroutine of the instance that took the upload; its batch row holds its
// progress (lines read, bytes of the file) and a heartbeat, written a few
// times a second (store.TrackedImport), so reloading the page — on any
// instance sharing the database — shows it. If samwise stops while
// importing, the import's transaction is lost whole; once the heartbeat has
// been silent for store.StaleAfter the page marks the batch interrupted
// (store.SettleImports, as the API and the CLI's history do).

// maxUpload bounds an uploaded file.
const maxUpload = 2 << 30

var uploadName = regexp.MustCompile(`^[0-9a-f]{32}$`)

func uploadDir() string { return filepath.Join(os.TempDir(), "samwise-uploads") }

func uploadPath(orgID int64, token string) string {
	return filepath.Join(uploadDir(), fmt.Sprintf("%d-%s.csv", orgID, token))
}

type batchRow struct {
	store.ImportBatch
	Running  bool
	Percent  int
	CanUndo  bool
	KindName string
}

type rejectRow struct {
	Line   int
	Column string
	Reason string
}

type dataView struct {
	page
	Kinds      []exchange.Kind
	Presets    []string
	Formats    []string
	Form       importForm
	Errors     formErrors
	Result     *store.ImportBatch
	Rejects    []rejectRow
	MoreRejs   int64
	Ignored    []string
	Token      string
	FileName   string
	Batches    []batchRow
	Running    bool
	CanImport  bool
	Notice     string
	FieldCount int
	// Background exports (data_exports.go).
	ExportForm    exportForm
	ExportOpts    exportOptions
	Exports       []exportRow
	ExportRunning bool
}

type importForm struct {
	Kind, Preset, OnError, DateOrder string
	CreateMissing                    bool
}

func (h *handler) dataPage(w http.ResponseWriter, r *http.Request) {
	h.renderData(w, r, http.StatusOK, dataView{Form: importForm{Kind: "accounts", OnError: "abort"}, Notice: noticeText(r.URL.Query().Get("notice"))})
}

func noticeText(code string) string {
	switch code {
	case "started":
		return "The import is running; this page follows its progress."
	case "undone":
		return "The import is undone."
	case "export":
		return "The export is running; this page follows its progress. Download it from the export history when it is done."
	case "cancelled":
		return "The export is cancelled."
	}
	return ""
}

func (h *handler) renderData(w http.ResponseWriter, r *http.Request, status int, v dataView) {
	ctx := r.Context()
	sc := h.guard.Scope(ctx)
	v.page = page{Title: "Data in and out", Section: "data"}
	v.Kinds, v.Presets, v.Formats = exchange.Kinds, exchange.PresetNames(), exchange.Formats
	v.CanImport = h.guard.Allow(ctx, access.SetPolicy) == nil
	batches, err := h.db.ImportBatches(ctx, sc, 20)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	progress, err := h.db.SettleImports(ctx, sc, batches)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for _, b := range batches {
		row := batchRow{ImportBatch: b, KindName: account.Label(b.Kind)}
		if b.Status == "running" {
			p := progress[b.ID]
			row.Running, v.Running = true, true
			row.Lines, row.Percent = max(row.Lines, p.Lines), p.Percent()
		}
		row.CanUndo = b.Status == "done" && (b.Created > 0 || b.Updated > 0) && v.CanImport
		v.Batches = append(v.Batches, row)
	}
	if err := h.loadExports(ctx, &v); err != nil {
		h.fail(w, r, err)
		return
	}
	if fs, err := h.db.CustomFields(ctx, sc, ""); err == nil {
		v.FieldCount = len(fs)
	}
	if v.Running || v.ExportRunning {
		// Pages work without JavaScript: a running job refreshes the page.
		w.Header().Set("Refresh", "2")
	}
	h.render(w, r, status, "data", v)
}

// importUpload takes an uploaded CSV: "check" runs a dry run and shows its
// report; "import" starts the import in the background.
func (h *handler) importUpload(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := h.guard.Scope(ctx)
	r.Body = http.MaxBytesReader(w, r.Body, maxUpload)
	v := dataView{}
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		v.Errors.add("file", "File", "could not be read: "+err.Error())
		v.Errors.Summary = "The upload failed."
		h.renderData(w, r, http.StatusBadRequest, v)
		return
	}
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	v.Form = importForm{Kind: r.FormValue("kind"), Preset: r.FormValue("preset"), OnError: r.FormValue("on_error"),
		DateOrder: r.FormValue("date_order"), CreateMissing: r.FormValue("create_missing") != ""}
	if v.Form.OnError != "skip" {
		v.Form.OnError = "abort"
	}
	token := r.FormValue("token")
	v.FileName = filepath.Base(r.FormValue("file_name"))
	if file, hdr, err := r.FormFile("file"); err == nil {
		defer file.Close()
		token, err = newToken()
		if err != nil {
			h.fail(w, r, err)
			return
		}
		v.FileName = filepath.Base(hdr.Filename)
		if err := saveUpload(sc.OrgID, token, file); err != nil {
			h.fail(w, r, err)
			return
		}
	} else if !uploadName.MatchString(token) {
		v.Errors.add("file", "File", "choose a CSV file to upload")
		v.Errors.Summary = "Choose a file."
		h.renderData(w, r, http.StatusUnprocessableEntity, v)
		return
	}
	v.Token = token
	cleanOldUploads()
	kind, p, rd, f, err := h.openUpload(ctx, sc, token, v.Form)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			v.Token = ""
			err = errors.New("the uploaded file is gone (uploads are kept for a day): upload it again")
		}
		v.Errors.add("file", "File", err.Error())
		v.Errors.Summary = "The file cannot be imported as it is."
		h.renderData(w, r, http.StatusUnprocessableEntity, v)
		return
	}
	defer f.Close()
	v.Ignored = p.Ignored
	if r.FormValue("action") != "import" {
		b, rejects, more, err := h.runImport(ctx, sc, kind, p, rd, v.FileName, v.Form, true)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		v.Result, v.Rejects, v.MoreRejs = &b, rejects, more
		h.renderData(w, r, http.StatusOK, v)
		return
	}
	id, err := h.db.StartImport(ctx, sc, kind, v.FileName, v.Form.OnError == "skip")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f.Close()
	h.startImportJob(sc, id, token, v.FileName, v.Form)
	http.Redirect(w, r, "/data?notice=started", http.StatusSeeOther)
}

func newToken() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

func saveUpload(orgID int64, token string, src io.Reader) error {
	if err := os.MkdirAll(uploadDir(), 0o700); err != nil {
		return err
	}
	out, err := os.OpenFile(uploadPath(orgID, token), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, src); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// cleanOldUploads removes uploads older than a day.
func cleanOldUploads() {
	entries, err := os.ReadDir(uploadDir())
	if err != nil {
		return
	}
	for _, e := range entries {
		if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > 24*time.Hour {
			os.Remove(filepath.Join(uploadDir(), e.Name()))
		}
	}
}

type countingFile struct {
	*os.File
	n *atomic.Int64
}

func (c countingFile) Read(p []byte) (int, error) {
	n, err := c.File.Read(p)
	if c.n != nil {
		c.n.Add(int64(n))
	}
	return n, err
}

// openUpload opens an uploaded file and binds its header to the kind.
func (h *handler) openUpload(ctx context.Context, sc account.Scope, token string, form importForm) (exchange.Kind, *exchange.Parser, *exchange.Reader, *os.File, error) {
	kind, err := exchange.ParseKind(form.Kind)
	if err != nil {
		return "", nil, nil, nil, err
	}
	f, err := os.Open(uploadPath(sc.OrgID, token))
	if err != nil {
		return "", nil, nil, nil, err
	}
	p, rd, err := h.bindUpload(ctx, sc, kind, countingFile{File: f}, form)
	if err != nil {
		f.Close()
		return "", nil, nil, nil, err
	}
	return kind, p, rd, f, nil
}

func (h *handler) bindUpload(ctx context.Context, sc account.Scope, kind exchange.Kind, src io.Reader, form importForm) (*exchange.Parser, *exchange.Reader, error) {
	rd, err := exchange.NewReader(src)
	if err != nil {
		return nil, nil, err
	}
	m := exchange.Mapping{}
	if form.Preset != "" {
		if m, err = exchange.Preset(form.Preset, kind); err != nil {
			return nil, nil, err
		}
		m = m.ForFile(rd.Header())
	}
	keys, err := h.db.CustomKeys(ctx, sc, kind)
	if err != nil {
		return nil, nil, err
	}
	order := form.DateOrder
	if order != "dmy" && order != "mdy" {
		order = ""
	}
	p, err := exchange.Bind(kind, rd.Header(), m, keys, exchange.Options{DateOrder: order})
	return p, rd, err
}

const maxShownRejects = 200

func (h *handler) runImport(ctx context.Context, sc account.Scope, kind exchange.Kind, p *exchange.Parser, rd *exchange.Reader, name string, form importForm, dry bool) (store.ImportBatch, []rejectRow, int64, error) {
	var rejects []rejectRow
	var more int64
	o := store.ImportOptions{FileName: name, DryRun: dry, SkipErrors: form.OnError == "skip", CreateMissing: form.CreateMissing,
		Reject: func(_ []string, probs []exchange.Problem) {
			for _, pr := range probs {
				if len(rejects) < maxShownRejects {
					rejects = append(rejects, rejectRow{Line: pr.Line, Column: pr.Column, Reason: pr.Reason})
				} else {
					more++
				}
			}
		}}
	b, err := h.db.Import(ctx, sc, p, rd, o)
	return b, rejects, more, err
}

// startImportJob runs an import in the background, detached from the
// request that started it.
func (h *handler) startImportJob(sc account.Scope, id int64, token, name string, form importForm) {
	path := uploadPath(sc.OrgID, token)
	var size int64
	if st, err := os.Stat(path); err == nil {
		size = st.Size()
	}
	// The first heartbeat before the page that follows looks.
	_ = h.db.SetImportProgress(context.Background(), sc, id, store.ImportProgress{Size: size})
	go func() {
		ctx := context.Background()
		defer func() {
			h.db.ClearImportProgress(sc, id)
			if rec := recover(); rec != nil {
				h.log.Error("import job panicked", slog.Int64("batch", id), slog.Any("panic", rec))
				_ = h.db.FailImport(ctx, sc, id, "The import failed on our side; it has been logged.")
			}
		}()
		f, err := os.Open(path)
		if err != nil {
			_ = h.db.FailImport(ctx, sc, id, "The uploaded file is gone: upload it again.")
			return
		}
		defer f.Close()
		var read atomic.Int64
		kind, _ := exchange.ParseKind(form.Kind)
		p, rd, err := h.bindUpload(ctx, sc, kind, countingFile{File: f, n: &read}, form)
		if err != nil {
			_ = h.db.FailImport(ctx, sc, id, err.Error())
			return
		}
		// The rejects are in the dry run's report; the job keeps the counts.
		o := store.ImportOptions{BatchID: id, FileName: name, SkipErrors: form.OnError == "skip", CreateMissing: form.CreateMissing}
		b, err := h.db.TrackedImport(ctx, sc, p, rd, o, size, read.Load)
		if err != nil {
			h.log.Error("import job failed", slog.Int64("batch", id), slog.Any("err", err))
			return
		}
		if b.Status == "done" {
			os.Remove(path)
		}
	}()
}

func (h *handler) undoImportPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		h.fail(w, r, account.Errorf(account.ENOTFOUND, "No such import."))
		return
	}
	if _, err := h.db.UndoImport(ctx, h.guard.Scope(ctx), id); err != nil {
		if account.ErrorCode(err) == account.ECONFLICT {
			v := dataView{Form: importForm{Kind: "accounts", OnError: "abort"}}
			v.Errors.Summary = account.ErrorMessage(err)
			h.renderData(w, r, http.StatusConflict, v)
			return
		}
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/data?notice=undone", http.StatusSeeOther)
}

// exportDownload streams /data/export/{file} where file is KIND.FORMAT, with
// the account list's filters as query parameters.
func (h *handler) exportDownload(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := h.guard.Scope(ctx)
	base, format, _ := strings.Cut(r.PathValue("file"), ".")
	kind, err := exchange.ParseKind(base)
	if err != nil || (format != "csv" && format != "xlsx" && format != "json") {
		h.fail(w, r, account.Errorf(account.ENOTFOUND, "No such export."))
		return
	}
	q := r.URL.Query()
	f := store.ExportFilter{VisibleTo: h.guard.VisibleTo(ctx), Q: strings.TrimSpace(q.Get("q")), Industry: q.Get("industry"),
		Lifecycle: q.Get("lifecycle"), Custom: map[string]string{}}
	f.OwnerID, _ = strconv.ParseInt(q.Get("owner"), 10, 64)
	for k, vs := range q {
		if key, ok := strings.CutPrefix(k, "cf_"); ok && len(vs) > 0 && vs[0] != "" {
			f.Custom[key] = vs[0]
		}
	}
	keys, err := h.db.CustomKeys(ctx, sc, kind)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ctype := map[string]string{"csv": "text/csv; charset=utf-8", "json": "application/json",
		"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}[format]
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-%s.%s"`, kind, h.now().Format("2006-01-02"), format))
	w.Header().Set("Cache-Control", "private, no-store")
	_, err = exchange.WriteAll(format, w, kind, keys, func(fn func(*exchange.Record) error) error {
		return h.db.Export(ctx, sc, kind, f, fn)
	})
	if err != nil {
		// Headers are gone; the log has the cause and the download is cut short.
		h.log.ErrorContext(ctx, "export failed", slog.String("kind", string(kind)), slog.Any("err", err))
	}
}
