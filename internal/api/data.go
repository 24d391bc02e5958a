package api

import (
	"bytes"
	"context"
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/exchange"
	"github.com/samwise-sam/samwise/internal/store"
)

// Data in and out: CSV imports as batches (with dry run and undo), exports
// as CSV, Excel or JSON, and custom field definitions. The rules are in
// package exchange; see docs/import-export.md.

const (
	importDoc = "Imports the CSV file in the request body (UTF-8 with or without BOM, ',' or ';' separated) as one batch. " +
		"Columns named as samwise exports them map automatically; `preset` reads Salesforce or HubSpot exports. " +
		"Every rejected line is listed (the first 1,000) with its line, column and reason. With on_error=abort (the default) a " +
		"file with any rejected line writes nothing; with skip the good lines land. dry_run=true writes nothing and reports " +
		"what would be created, updated and rejected."
	undoDoc   = "Removes the records the import created and restores the records it updated; 409 when any of them changed since."
	exportDoc = "Streams every record of the kind you may see, with no row limit, in the format asked for; an exported CSV imports again unchanged."
	// maxImportBytes bounds an import sent through the API; bigger files go
	// through the CLI or the data page.
	maxImportBytes = 256 << 20
)

func dataRoutes(api huma.API, h *handlers) {
	tags := []string{"Data"}
	register(api, h, huma.Operation{OperationID: "create-import", Method: http.MethodPost, Path: "/api/v1/imports",
		Summary: "Import a CSV file", Description: importDoc, Tags: tags, MaxBodyBytes: maxImportBytes,
		Metadata: rule(access.SetPolicy)}, h.createImport)
	// The CSV body is raw, so register does not declare the 422 a file that
	// cannot be read as the kind (no name column, not UTF-8) answers.
	if item := api.OpenAPI().Paths["/api/v1/imports"]; item != nil && item.Post != nil {
		if r409, ok := item.Post.Responses["409"]; ok && item.Post.Responses["422"] == nil {
			r := *r409
			r.Description = "Unprocessable Entity"
			item.Post.Responses["422"] = &r
		}
		// A big file (or background=true) answers 202 with the running batch.
		if r200, ok := item.Post.Responses["200"]; ok && item.Post.Responses["202"] == nil {
			r := *r200
			r.Description = "Accepted: the import runs in the background; follow it at /api/v1/imports/{id}."
			item.Post.Responses["202"] = &r
		}
	}
	register(api, h, huma.Operation{OperationID: "list-imports", Method: http.MethodGet, Path: "/api/v1/imports",
		Summary: "List the latest imports", Tags: tags,
		Metadata: rule(access.ReadRecords)}, h.listImports)
	register(api, h, huma.Operation{OperationID: "get-import", Method: http.MethodGet, Path: "/api/v1/imports/{id}",
		Summary: "Get an import's status and counts", Description: "While it runs (status running): the lines read so far and how far into the file.", Tags: tags,
		Metadata: rule(access.ReadRecords)}, h.getImport)
	register(api, h, huma.Operation{OperationID: "undo-import", Method: http.MethodPost, Path: "/api/v1/imports/{id}/undo",
		Summary: "Undo an import", Description: undoDoc, Tags: tags,
		Metadata: rule(access.SetPolicy)}, h.undoImport)
	register(api, h, huma.Operation{OperationID: "export-records", Method: http.MethodGet, Path: "/api/v1/exports/{kind}",
		Summary: "Export records", Description: exportDoc, Tags: tags,
		Metadata: rule(access.ReadRecords)}, h.exportRecords)
	exportJobRoutes(api, h)
	register(api, h, huma.Operation{OperationID: "list-custom-fields", Method: http.MethodGet, Path: "/api/v1/fields",
		Summary: "List custom fields", Tags: tags,
		Metadata: rule(access.ReadRecords)}, h.listFields)
	register(api, h, huma.Operation{OperationID: "create-custom-field", Method: http.MethodPost, Path: "/api/v1/fields",
		Summary: "Define a custom field", Description: "Adds a text, number, date or choice field to accounts or stakeholders.", Tags: tags,
		Metadata: rule(access.SetPolicy)}, h.createField)
}

type createImportInput struct {
	Kind          string `query:"kind" required:"true" enum:"accounts,stakeholders,people,touches,opportunities,contracts" doc:"What the file holds."`
	Preset        string `query:"preset" enum:"salesforce,hubspot" doc:"Read a CRM export's column names."`
	OnError       string `query:"on_error" enum:"abort,skip" default:"abort" doc:"abort: nothing is written if any line is rejected; skip: good lines land."`
	DryRun        bool   `query:"dry_run" doc:"Check only: write nothing."`
	CreateMissing bool   `query:"create_missing" doc:"Create referenced accounts (by name) and people (by e-mail) that do not exist."`
	DateOrder     string `query:"date_order" enum:"dmy,mdy" doc:"How to read dates such as 03/04/2025."`
	FileName      string `query:"file_name" maxLength:"200" doc:"The file's name, for the import history."`
	Background    bool   `query:"background" doc:"Run the import as a background job and answer 202 at once (files over 8 MB always do, unless dry_run)."`
	RawBody       []byte `contentType:"text/csv" required:"true"`
}

// backgroundImportBytes is the size from which an import sent through the
// API runs in the background: a bigger file takes more than a few seconds,
// longer than a client should hold a request open.
const backgroundImportBytes = 8 << 20

// ImportResult is an import's batch with its rejected lines.
type ImportResult struct {
	Batch          store.ImportBatch  `json:"batch"`
	Rejects        []exchange.Problem `json:"rejects"`
	MoreRejects    int64              `json:"more_rejects" doc:"Problems beyond the ones listed."`
	IgnoredColumns []string           `json:"ignored_columns" doc:"Columns no field takes."`
}

type importOutput struct {
	Status int
	Body   ImportResult
}

func (h *handlers) createImport(ctx context.Context, in *createImportInput) (*importOutput, error) {
	sc := h.guard.Scope(ctx)
	kind, err := exchange.ParseKind(in.Kind)
	if err != nil {
		return nil, account.Invalid("kind", "%s", err.Error())
	}
	rd, err := exchange.NewReader(bytes.NewReader(in.RawBody))
	if err != nil {
		return nil, account.Invalid("body", "%s", err.Error())
	}
	m := exchange.Mapping{}
	if in.Preset != "" {
		if m, err = exchange.Preset(in.Preset, kind); err != nil {
			return nil, account.Invalid("preset", "%s", err.Error())
		}
		m = m.ForFile(rd.Header())
	}
	keys, err := h.db.CustomKeys(ctx, sc, kind)
	if err != nil {
		return nil, err
	}
	p, err := exchange.Bind(kind, rd.Header(), m, keys, exchange.Options{DateOrder: in.DateOrder})
	if err != nil {
		return nil, account.Invalid("body", "%s", err.Error())
	}
	res := ImportResult{Rejects: []exchange.Problem{}, IgnoredColumns: p.Ignored}
	if res.IgnoredColumns == nil {
		res.IgnoredColumns = []string{}
	}
	name := strings.TrimSpace(in.FileName)
	if name == "" {
		name = "api upload"
	}
	if !in.DryRun && (in.Background || len(in.RawBody) >= backgroundImportBytes) {
		return h.importInBackground(ctx, sc, kind, in, name, res)
	}
	res.Batch, err = h.db.Import(ctx, sc, p, rd, store.ImportOptions{FileName: name, DryRun: in.DryRun,
		SkipErrors: in.OnError == "skip", CreateMissing: in.CreateMissing,
		Reject: func(_ []string, probs []exchange.Problem) {
			for _, pr := range probs {
				if len(res.Rejects) < 1000 {
					res.Rejects = append(res.Rejects, pr)
				} else {
					res.MoreRejects++
				}
			}
		}})
	if err != nil {
		return nil, err
	}
	return &importOutput{Status: http.StatusOK, Body: res}, nil
}

type listImportsInput struct {
	Limit int `query:"limit" minimum:"1" maximum:"500" default:"50"`
}

type importsOutput struct {
	Body struct {
		Items []store.ImportBatch `json:"items"`
	}
}

func (h *handlers) listImports(ctx context.Context, in *listImportsInput) (*importsOutput, error) {
	sc := h.guard.Scope(ctx)
	bs, err := h.db.ImportBatches(ctx, sc, in.Limit)
	if err != nil {
		return nil, err
	}
	if _, err := h.db.SettleImports(ctx, sc, bs); err != nil {
		return nil, err
	}
	out := &importsOutput{}
	out.Body.Items = bs
	if out.Body.Items == nil {
		out.Body.Items = []store.ImportBatch{}
	}
	return out, nil
}

type importIDInput struct {
	ID int64 `path:"id" minimum:"1"`
}

type batchOutput struct{ Body store.ImportBatch }

type importStatusOutput struct{ Body ImportStatus }

func (h *handlers) getImport(ctx context.Context, in *importIDInput) (*importStatusOutput, error) {
	sc := h.guard.Scope(ctx)
	b, err := h.db.ImportBatch(ctx, sc, in.ID)
	if err != nil {
		return nil, err
	}
	return &importStatusOutput{Body: h.importStatus(ctx, sc, b)}, nil
}

func (h *handlers) undoImport(ctx context.Context, in *importIDInput) (*batchOutput, error) {
	b, err := h.db.UndoImport(ctx, h.guard.Scope(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &batchOutput{Body: b}, nil
}

type exportInput struct {
	Kind   string `path:"kind" enum:"accounts,stakeholders,people,touches,opportunities,contracts"`
	Format string `query:"format" enum:"csv,xlsx,json" default:"csv"`
}

func (h *handlers) exportRecords(ctx context.Context, in *exportInput) (*huma.StreamResponse, error) {
	sc := h.guard.Scope(ctx)
	kind, err := exchange.ParseKind(in.Kind)
	if err != nil {
		return nil, account.Errorf(account.ENOTFOUND, "No such kind.")
	}
	keys, err := h.db.CustomKeys(ctx, sc, kind)
	if err != nil {
		return nil, err
	}
	format := in.Format
	if format == "" {
		format = "csv"
	}
	f := store.ExportFilter{VisibleTo: h.guard.VisibleTo(ctx)}
	return &huma.StreamResponse{Body: func(hc huma.Context) {
		ctype := map[string]string{"csv": "text/csv; charset=utf-8", "json": "application/json",
			"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}[format]
		hc.SetHeader("Content-Type", ctype)
		hc.SetHeader("Content-Disposition", `attachment; filename="`+string(kind)+"."+format+`"`)
		hc.SetStatus(http.StatusOK)
		_, err := exchange.WriteAll(format, hc.BodyWriter(), kind, keys, func(fn func(*exchange.Record) error) error {
			return h.db.Export(ctx, sc, kind, f, fn)
		})
		if err != nil {
			h.log.ErrorContext(ctx, "export failed", "kind", kind, "err", err)
		}
	}}, nil
}

type fieldsOutput struct {
	Body struct {
		Items []exchange.CustomField `json:"items"`
	}
}

func (h *handlers) listFields(ctx context.Context, _ *struct{}) (*fieldsOutput, error) {
	fs, err := h.db.CustomFields(ctx, h.guard.Scope(ctx), "")
	if err != nil {
		return nil, err
	}
	out := &fieldsOutput{}
	out.Body.Items = fs
	if out.Body.Items == nil {
		out.Body.Items = []exchange.CustomField{}
	}
	return out, nil
}

// CustomFieldInput defines a custom field.
type CustomFieldInput struct {
	Entity  string   `json:"entity" enum:"account,stakeholder"`
	Label   string   `json:"label" minLength:"1" maxLength:"80"`
	Key     string   `json:"key,omitempty" maxLength:"40" doc:"Column name in files (cf_<key>); made from the label when left out."`
	Type    string   `json:"type" enum:"text,number,date,choice"`
	Choices []string `json:"choices,omitempty" maxItems:"100"`
}

type createFieldInput struct{ Body CustomFieldInput }

type fieldOutput struct{ Body exchange.CustomField }

func (h *handlers) createField(ctx context.Context, in *createFieldInput) (*fieldOutput, error) {
	f := exchange.CustomField{Entity: in.Body.Entity, Label: in.Body.Label, Key: in.Body.Key, Type: in.Body.Type, Choices: in.Body.Choices}
	if err := h.db.SaveCustomField(ctx, h.guard.Scope(ctx), &f); err != nil {
		return nil, err
	}
	return &fieldOutput{Body: f}, nil
}
