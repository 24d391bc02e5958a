package web

import (
	"context"
	"math"
	"net/http"
	"strings"
	"time"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/portfolio"
)

// CSV and Excel exports of the portfolio ranking, the strategic pipeline,
// the workload board, the people list and the audit trail. Each takes the
// page's own query, builds its rows with the page's own code (same
// filters, same order) and answers every row, not one page of them, through
// writeTable. Numbers stay numbers; money is in major units; a column
// without a value is empty.

// listExportsA registers the exports, each under its page's rule.
func (h *handler) listExportsA(handle handleFunc) {
	handle("GET /portfolio/export", access.ReadRecords, h.exportPortfolio)
	handle("GET /portfolio/pipeline/export", access.ReadRecords, h.exportPipeline)
	handle("GET /workload/export", access.ReadRecords, h.exportWorkload)
	handle("GET /people/export", access.ReadRecords, h.exportPeople)
	handle("GET /admin/audit.xlsx", access.ReadAudit, h.auditXLSX)
}

// exportFormat reads ?format=: csv (the default) or xlsx.
func exportFormat(r *http.Request) (string, error) {
	switch f := r.URL.Query().Get("format"); f {
	case "", "csv":
		return "csv", nil
	case "xlsx":
		return "xlsx", nil
	default:
		return "", account.Errorf(account.EINVALID, "The format %q is not one we export: use csv or xlsx.", f)
	}
}

// exportAccountChunk bounds the ids of one AccountsByID query (SQLite and
// PostgreSQL both cap a statement's parameters).
const exportAccountChunk = 500

// accountsByIDChunked is AccountsByID for any number of ids.
func (h *handler) accountsByIDChunked(ctx context.Context, sc account.Scope, ids []int64) (map[int64]account.Account, error) {
	out := make(map[int64]account.Account, len(ids))
	for len(ids) > 0 {
		n := min(len(ids), exportAccountChunk)
		part, err := h.db.AccountsByID(ctx, sc, ids[:n])
		if err != nil {
			return nil, err
		}
		for id, a := range part {
			out[id] = a
		}
		ids = ids[n:]
	}
	return out, nil
}

// majorUnits is an amount in minor units as a number in major units.
func majorUnits(minor int64, currency string) float64 {
	return float64(minor) / math.Pow10(minorDigits(currency))
}

// blankZero is n, or an empty cell when n is 0 ("not ranked", "no revenue").
func blankZero[T int | int64](n T) any {
	if n == 0 {
		return ""
	}
	return n
}

// rankingCells are the columns a ranked account shows on the portfolio
// and pipeline pages; portfolio revenue is in USD (see portfolioPage).
func rankingCells(row portfolio.Row) (rank, score, tier, revenue any) {
	score = ""
	if row.Scored {
		score = math.Round(row.Score*10) / 10
	}
	return blankZero(row.Rank), score, string(row.Tier), majorUnits(row.Revenue, "USD")
}

func (h *handler) exportPortfolio(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := h.guard.Scope(ctx)
	format, err := exportFormat(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	q := readPortfolioQuery(r.URL.Query())
	_, all, err := h.ranking(ctx, sc)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	matching := q.match(all)
	names, err := h.peopleNames(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ids := make([]int64, len(matching))
	for i, row := range matching {
		ids[i] = row.ID
	}
	accts, err := h.accountsByIDChunked(ctx, sc, ids)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	rows := make([][]any, 0, len(matching))
	for _, row := range matching {
		var move any = row.Movement()
		if row.IsNew() {
			move = "new"
		} else if row.Rank == 0 {
			move = ""
		}
		rank, score, tier, revenue := rankingCells(row)
		decision := string(row.Decision)
		if row.Decision == portfolio.Undecided {
			decision = "undecided" // the filter's word for it
		}
		rows = append(rows, []any{rank, move, row.ID, accts[row.ID].Name, decision, score, row.Rated,
			tier, revenue, names[row.OwnerID]})
	}
	if err := writeTable(w, format, "portfolio-"+h.now().In(h.loc()).Format(time.DateOnly),
		[]string{"rank", "movement", "account_id", "account", "strategic", "score", "criteria_rated", "tier", "revenue_12mo_usd", "owner"},
		rows); err != nil {
		h.log.ErrorContext(ctx, "export portfolio", "err", err)
	}
}

// exportPipeline answers every account of the strategic pipeline, stage by
// stage in rank order; ?stage= keeps one stage.
func (h *handler) exportPipeline(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := h.guard.Scope(ctx)
	format, err := exportFormat(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	only := portfolio.Stage(strings.TrimSpace(r.URL.Query().Get("stage")))
	if only != "" && stageText[only][0] == "" {
		h.fail(w, r, account.Errorf(account.EINVALID, "The stage %q is not one of queued, scored, designated or declined.", only))
		return
	}
	stages, err := h.pipelineStages(ctx, sc)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	names, err := h.peopleNames(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var ids []int64
	for _, s := range stages {
		if only != "" && s.Stage != only {
			continue
		}
		for _, row := range s.Rows {
			ids = append(ids, row.ID)
		}
	}
	accts, err := h.accountsByIDChunked(ctx, sc, ids)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	rows := make([][]any, 0, len(ids))
	for _, s := range stages {
		if only != "" && s.Stage != only {
			continue
		}
		for _, row := range s.Rows {
			rank, score, tier, revenue := rankingCells(row)
			rows = append(rows, []any{stageText[s.Stage][0], row.ID, accts[row.ID].Name, tier, score, rank, row.Rated,
				revenue, names[row.OwnerID]})
		}
	}
	if err := writeTable(w, format, "strategic-pipeline-"+h.now().In(h.loc()).Format(time.DateOnly),
		[]string{"stage", "account_id", "account", "tier", "score", "rank", "criteria_rated", "revenue_12mo_usd", "owner"},
		rows); err != nil {
		h.log.ErrorContext(ctx, "export pipeline", "err", err)
	}
}

// exportWorkload answers the board's managers: the rows the page shows
// (under need-to-know, one's own only).
func (h *handler) exportWorkload(w http.ResponseWriter, r *http.Request) {
	format, err := exportFormat(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v, err := h.workload(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	rows := make([][]any, 0, len(v.Rows))
	for _, m := range v.Rows {
		status := "spare"
		switch {
		case m.Overloaded():
			status = "over"
		case m.Full():
			status = "full"
		}
		rows = append(rows, []any{m.ID, m.Name, m.Load, m.Capacity, m.CapacitySet, m.After, m.Accounts,
			m.Tiers.A, m.Tiers.B, m.Tiers.C, m.Tiers.Untiered, m.Spare(), status})
	}
	if err := writeTable(w, format, "workload-"+h.now().In(h.loc()).Format(time.DateOnly),
		[]string{"person_id", "manager", "load_points", "capacity_points", "capacity_set", "load_after_moves", "accounts",
			"tier_a", "tier_b", "tier_c", "untiered", "spare_points", "status"}, rows); err != nil {
		h.log.ErrorContext(r.Context(), "export workload", "err", err)
	}
}

// exportPeople answers the people list; accounts_owned is empty where
// need-to-know hides it, as on the page.
func (h *handler) exportPeople(w http.ResponseWriter, r *http.Request) {
	format, err := exportFormat(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v, err := h.people(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	rows := make([][]any, 0, len(v.Rows))
	for _, p := range v.Rows {
		var owned any = p.Owned
		if p.Owned < 0 {
			owned = ""
		}
		rows = append(rows, []any{p.ID, p.Name, p.Email, p.Title, p.Manager, owned})
	}
	if err := writeTable(w, format, "people",
		[]string{"person_id", "name", "email", "title", "manager", "accounts_owned"}, rows); err != nil {
		h.log.ErrorContext(r.Context(), "export people", "err", err)
	}
}

// auditXLSX is the audit trail's CSV export (auditCSV) as a workbook: the
// same filters, columns and lines. A workbook cannot be streamed to the
// client as it is written, so the lines are gathered first.
func (h *handler) auditXLSX(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := h.guard.Scope(ctx)
	q := readAuditQuery(r.URL.Query())
	q.Cursor = ""
	f := q.filter(h.loc(), account.MaxLimit)
	var rows [][]any
	for {
		entries, next, err := h.db.Audit(ctx, sc, f)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		for _, e := range entries {
			rows = append(rows, auditExportLines(e)...)
		}
		if next == "" {
			break
		}
		f.Cursor = next
	}
	if err := writeTable(w, "xlsx", "samwise-audit-"+h.now().In(h.loc()).Format(time.DateOnly), auditCSVHeader, rows); err != nil {
		h.log.ErrorContext(ctx, "export audit", "err", err)
	}
}
