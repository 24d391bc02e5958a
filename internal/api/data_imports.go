package api

import (
	"bytes"
	"context"
	"net/http"
	"sync/atomic"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/exchange"
	"github.com/samwise-sam/samwise/internal/store"
)

// Imports in the background: a big file (or background=true) is imported
// by a goroutine of the instance that took it, and POST answers 202 with
// the running batch at once. GET /api/v1/imports/{id} shows its progress
// (lines read, bytes of the file) from the batch row, which the job updates
// twice a second (store.TrackedImport), so any instance answers. A
// background import lists no rejected lines — only their count; check the
// file with dry_run=true first (synchronous) to see them.

// ImportStatus is an import's batch with its progress while it runs.
type ImportStatus struct {
	store.ImportBatch
	BytesRead int64 `json:"bytes_read" doc:"While running: how far into the file the import is."`
	Size      int64 `json:"size" doc:"While running: the file's size in bytes."`
	Percent   int   `json:"percent" doc:"While running: 0-100; 100 when finished."`
}

func (h *handlers) importStatus(ctx context.Context, sc account.Scope, b store.ImportBatch) ImportStatus {
	bs := []store.ImportBatch{b}
	ps, err := h.db.SettleImports(ctx, sc, bs)
	s := ImportStatus{ImportBatch: bs[0]}
	if s.Status != "running" {
		s.Percent = 100
		return s
	}
	if err == nil {
		p := ps[b.ID]
		s.BytesRead, s.Size, s.Percent = p.BytesRead, p.Size, p.Percent()
		s.Lines = max(s.Lines, p.Lines)
	}
	return s
}

type countingReader struct {
	r *bytes.Reader
	n *atomic.Int64
}

func (c countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// importInBackground starts the import of in's body as a job and answers
// 202 with its running batch.
func (h *handlers) importInBackground(ctx context.Context, sc account.Scope, kind exchange.Kind, in *createImportInput, name string, res ImportResult) (*importOutput, error) {
	// The request's buffer goes back to Huma's pool when this returns.
	body := bytes.Clone(in.RawBody)
	id, err := h.db.StartImport(ctx, sc, kind, name, in.OnError == "skip")
	if err != nil {
		return nil, err
	}
	// The first heartbeat before the client's first GET.
	_ = h.db.SetImportProgress(ctx, sc, id, store.ImportProgress{Size: int64(len(body))})
	if res.Batch, err = h.db.ImportBatch(ctx, sc, id); err != nil {
		return nil, err
	}
	preset, dateOrder, createMissing, skip := in.Preset, in.DateOrder, in.CreateMissing, in.OnError == "skip"
	go func() {
		bg := context.Background()
		defer func() {
			h.db.ClearImportProgress(sc, id)
			if rec := recover(); rec != nil {
				h.log.Error("import job panicked", "batch", id, "panic", rec)
				_ = h.db.FailImport(bg, sc, id, "The import failed on our side; it has been logged.")
			}
		}()
		var read atomic.Int64
		rd, err := exchange.NewReader(countingReader{bytes.NewReader(body), &read})
		if err != nil {
			_ = h.db.FailImport(bg, sc, id, err.Error())
			return
		}
		m := exchange.Mapping{}
		if preset != "" {
			if m, err = exchange.Preset(preset, kind); err != nil {
				_ = h.db.FailImport(bg, sc, id, err.Error())
				return
			}
			m = m.ForFile(rd.Header())
		}
		keys, err := h.db.CustomKeys(bg, sc, kind)
		if err != nil {
			_ = h.db.FailImport(bg, sc, id, err.Error())
			return
		}
		p, err := exchange.Bind(kind, rd.Header(), m, keys, exchange.Options{DateOrder: dateOrder})
		if err != nil {
			_ = h.db.FailImport(bg, sc, id, err.Error())
			return
		}
		o := store.ImportOptions{BatchID: id, FileName: name, SkipErrors: skip, CreateMissing: createMissing}
		if _, err := h.db.TrackedImport(bg, sc, p, rd, o, int64(len(body)), read.Load); err != nil {
			h.log.Error("import job failed", "batch", id, "err", err)
		}
	}()
	return &importOutput{Status: http.StatusAccepted, Body: res}, nil
}
