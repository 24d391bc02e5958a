package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/exchange"
	"github.com/samwise-sam/samwise/internal/store"
)

// Background exports: POST /api/v1/exports starts one and answers 202 with
// its status; GET /api/v1/exports/{id}/status follows it (rows written of
// the total); GET /api/v1/exports/{id}/file downloads it for a week after;
// POST /api/v1/exports/{id}/cancel cancels it. The job's state
// is its export_jobs row, so any instance sharing the database answers for
// it (see store/exchange_jobs.go and exchange.ExportJob). Everyone sees only
// their own exports, which hold only what they may see.
//
// The status is at …/{id}/status rather than GET /api/v1/exports/{id}, and
// a cancel is a POST rather than DELETE /api/v1/exports/{id}, because
// /api/v1/exports/{kind} already streams an export directly: one path
// template cannot take both (Go's ServeMux refuses the pair, and OpenAPI
// tools match a path to the first template that fits).

const exportJobDoc = "Starts a background export of the records of a kind you may see, in csv, xlsx or json, " +
	"optionally narrowed like the account list (accounts only). Answers 202 with the export's status; follow it at " +
	"/api/v1/exports/{id}/status and download it from /api/v1/exports/{id}/file when its status is done. " +
	"Finished exports are kept for 7 days. No row limit."

func exportJobRoutes(api huma.API, h *handlers) {
	tags := []string{"Data"}
	register(api, h, huma.Operation{OperationID: "start-export", Method: http.MethodPost, Path: "/api/v1/exports",
		Summary: "Start a background export", Description: exportJobDoc, Tags: tags, DefaultStatus: http.StatusAccepted,
		Metadata: rule(access.ReadRecords)}, h.startExport)
	register(api, h, huma.Operation{OperationID: "list-exports", Method: http.MethodGet, Path: "/api/v1/exports",
		Summary: "List your background exports", Description: "Newest first, with their progress.", Tags: tags,
		Metadata: rule(access.ReadRecords)}, h.listExports)
	register(api, h, huma.Operation{OperationID: "get-export", Method: http.MethodGet, Path: "/api/v1/exports/{id}/status",
		Summary: "Get a background export's status and progress", Tags: tags,
		Metadata: rule(access.ReadRecords)}, h.getExport)
	register(api, h, huma.Operation{OperationID: "download-export", Method: http.MethodGet, Path: "/api/v1/exports/{id}/file",
		Summary: "Download a finished background export", Description: "409 while it runs or when it failed or was cancelled; 404 once expired.", Tags: tags,
		Metadata: rule(access.ReadRecords)}, h.downloadExport)
	// A GET declares no 409 by default; a download of an unfinished export
	// answers it.
	if item := api.OpenAPI().Paths["/api/v1/exports/{id}/file"]; item != nil && item.Get != nil {
		if r404, ok := item.Get.Responses["404"]; ok && item.Get.Responses["409"] == nil {
			r := *r404
			r.Description = "Conflict"
			item.Get.Responses["409"] = &r
		}
	}
	register(api, h, huma.Operation{OperationID: "cancel-export", Method: http.MethodPost, Path: "/api/v1/exports/{id}/cancel",
		Summary: "Cancel a running background export", Description: "The job stops within a second, on whichever instance runs it, and its file is removed; 409 when it has finished.", Tags: tags,
		Metadata: rule(access.ReadRecords)}, h.cancelExport)
}

// ExportRequest starts a background export.
type ExportRequest struct {
	Kind   string             `json:"kind" enum:"accounts,stakeholders,people,touches,opportunities,contracts"`
	Format string             `json:"format,omitempty" enum:"csv,xlsx,json" default:"csv"`
	Filter *ExportFilterInput `json:"filter,omitempty" doc:"Accounts only: narrow as the account list does."`
}

// ExportFilterInput narrows an accounts export.
type ExportFilterInput struct {
	Q         string            `json:"q,omitempty" maxLength:"200" doc:"Name or domain contains."`
	Industry  string            `json:"industry,omitempty" maxLength:"200"`
	Lifecycle string            `json:"lifecycle,omitempty" enum:"prospect,customer,former_customer"`
	OwnerID   int64             `json:"owner_id,omitempty" minimum:"0"`
	Custom    map[string]string `json:"custom,omitempty" doc:"Custom field key → value."`
}

// ExportStatus is a background export with its progress.
type ExportStatus struct {
	store.ExportJob
	Percent     int    `json:"percent" doc:"0-100."`
	DownloadURL string `json:"download_url,omitempty" doc:"Set when done."`
}

func exportStatus(j store.ExportJob) ExportStatus {
	s := ExportStatus{ExportJob: j, Percent: j.Percent()}
	if j.Status == "done" {
		s.DownloadURL = fmt.Sprintf("/api/v1/exports/%d/file", j.ID)
	}
	return s
}

type startExportInput struct{ Body ExportRequest }

type exportStatusOutput struct{ Body ExportStatus }

func (h *handlers) startExport(ctx context.Context, in *startExportInput) (*exportStatusOutput, error) {
	sc := h.guard.Scope(ctx)
	kind, err := exchange.ParseKind(in.Body.Kind)
	if err != nil {
		return nil, account.Invalid("kind", "%s", err.Error())
	}
	format := in.Body.Format
	if format == "" {
		format = "csv"
	}
	if !slices.Contains(exchange.Formats, format) {
		return nil, account.Invalid("format", "use csv, xlsx or json")
	}
	f := store.ExportFilter{VisibleTo: h.guard.VisibleTo(ctx)}
	if in := in.Body.Filter; in != nil {
		if kind != exchange.Accounts {
			return nil, account.Invalid("filter", "only an accounts export can be filtered")
		}
		f.Q, f.Industry, f.Lifecycle, f.OwnerID = strings.TrimSpace(in.Q), strings.TrimSpace(in.Industry), in.Lifecycle, in.OwnerID
		for k, v := range in.Custom {
			if k = strings.TrimPrefix(strings.TrimSpace(k), "cf_"); k != "" && strings.TrimSpace(v) != "" {
				if f.Custom == nil {
					f.Custom = map[string]string{}
				}
				f.Custom[k] = strings.TrimSpace(v)
			}
		}
	}
	keys, err := h.db.CustomKeys(ctx, sc, kind)
	if err != nil {
		return nil, err
	}
	total, err := h.db.ExportCount(ctx, sc, kind, f)
	if err != nil {
		return nil, err
	}
	j := store.ExportJob{Kind: string(kind), Format: format, Total: total, Filter: f,
		FileName: fmt.Sprintf("%s-%s.%s", kind, time.Now().Format("2006-01-02-1504"), format)}
	if err := h.db.StartExport(ctx, sc, &j); err != nil {
		return nil, err
	}
	run := exchange.ExportJob{Store: h.db, Scope: sc, ID: j.ID, Kind: kind, Format: format, Keys: keys,
		Path: exchange.ExportPath(h.exportDir, sc.OrgID, j.ID, format),
		Source: func(ctx context.Context, fn func(*exchange.Record) error) error {
			return h.db.Export(ctx, sc, kind, f, fn)
		}}
	go func() {
		defer func() {
			if rec := recover(); rec != nil {
				h.log.Error("export job panicked", "export", j.ID, "panic", rec)
				_ = h.db.FailExport(context.Background(), sc, j.ID, "The export failed on our side; it has been logged.")
			}
		}()
		if err := run.Run(context.Background()); err != nil && !errors.Is(err, exchange.ErrCancelled) {
			h.log.Error("export job failed", "export", j.ID, "err", err)
		}
	}()
	return &exportStatusOutput{Body: exportStatus(j)}, nil
}

type listExportsInput struct {
	Limit int `query:"limit" minimum:"1" maximum:"500" default:"50"`
}

type exportsOutput struct {
	Body struct {
		Items []ExportStatus `json:"items"`
	}
}

func (h *handlers) listExports(ctx context.Context, in *listExportsInput) (*exportsOutput, error) {
	sc := h.guard.Scope(ctx)
	js, err := h.db.ExportJobs(ctx, sc, sc.UserID, in.Limit)
	if err != nil {
		return nil, err
	}
	out := &exportsOutput{}
	out.Body.Items = []ExportStatus{}
	for _, j := range js {
		out.Body.Items = append(out.Body.Items, exportStatus(j))
	}
	return out, nil
}

type exportIDInput struct {
	ID int64 `path:"id" minimum:"1"`
}

func (h *handlers) getExport(ctx context.Context, in *exportIDInput) (*exportStatusOutput, error) {
	sc := h.guard.Scope(ctx)
	j, err := h.db.ExportJobByID(ctx, sc, sc.UserID, in.ID)
	if err != nil {
		return nil, err
	}
	return &exportStatusOutput{Body: exportStatus(j)}, nil
}

func (h *handlers) cancelExport(ctx context.Context, in *exportIDInput) (*exportStatusOutput, error) {
	sc := h.guard.Scope(ctx)
	j, err := h.db.CancelExport(ctx, sc, sc.UserID, in.ID)
	if err != nil {
		return nil, err
	}
	return &exportStatusOutput{Body: exportStatus(j)}, nil
}

func (h *handlers) downloadExport(ctx context.Context, in *exportIDInput) (*huma.StreamResponse, error) {
	sc := h.guard.Scope(ctx)
	j, err := h.db.ExportJobByID(ctx, sc, sc.UserID, in.ID)
	if err != nil {
		return nil, err
	}
	if j.Status != "done" {
		return nil, account.Errorf(account.ECONFLICT, "Export %d is %s: only a finished export can be downloaded.", j.ID, j.Status)
	}
	f, err := os.Open(exchange.ExportPath(h.exportDir, sc.OrgID, j.ID, j.Format))
	if err != nil {
		return nil, account.Errorf(account.ENOTFOUND, "The file of export %d is gone (expired, or written by an instance that does not share its export folder): start the export again.", j.ID)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	return &huma.StreamResponse{Body: func(hc huma.Context) {
		defer f.Close()
		ctype := map[string]string{"csv": "text/csv; charset=utf-8", "json": "application/json",
			"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}[j.Format]
		hc.SetHeader("Content-Type", ctype)
		hc.SetHeader("Content-Disposition", `attachment; filename="`+j.FileName+`"`)
		hc.SetHeader("Content-Length", fmt.Sprint(st.Size()))
		hc.SetStatus(http.StatusOK)
		if _, err := f.WriteTo(hc.BodyWriter()); err != nil {
			h.log.ErrorContext(ctx, "export download failed", "export", j.ID, "err", err)
		}
	}}, nil
}
