package api

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
)

func init() {
	// Exports read records: everyone who may read them may export them.
	featureRules["POST /api/v1/exports"] = access.ReadRecords
	featureRules["POST /api/v1/exports/{id}/cancel"] = access.ReadRecords
}

// waitExport polls an export's status until it leaves running.
func waitExport(t *testing.T, e *env, id int64) ExportStatus {
	t.Helper()
	var s ExportStatus
	for range 200 {
		r := e.do(http.MethodGet, path("/api/v1/exports/%d/status", id), nil)
		want(t, r, 200)
		r.decode(t, &s)
		if s.Status != "running" {
			return s
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Fatalf("export %d still running: %+v", id, s)
	return s
}

// exerciseExports calls every background export operation once with a
// valid request (for TestEveryOperationAnswersAsDocumented).
func exerciseExports(t *testing.T, e *env) {
	t.Helper()
	r := e.do(http.MethodPost, "/api/v1/exports", map[string]any{"kind": "accounts", "format": "csv"})
	want(t, r, 202)
	var s ExportStatus
	r.decode(t, &s)
	if s = waitExport(t, e, s.ID); s.Status != "done" || s.DownloadURL == "" {
		t.Fatalf("export: %+v", s)
	}
	want(t, e.do(http.MethodGet, "/api/v1/exports", nil), 200)
	want(t, e.do(http.MethodGet, s.DownloadURL, nil), 200)
	// Cancels, on exports recorded as running (as a job on another instance).
	for _, c := range []struct{ method, path string }{{http.MethodPost, "/api/v1/exports/%d/cancel"}} {
		j := store.ExportJob{Kind: "people", Format: "json"}
		if err := e.db.StartExport(context.Background(), e.sc, &j); err != nil {
			t.Fatal(err)
		}
		r := e.do(c.method, path(c.path, j.ID), nil)
		want(t, r, 200)
		r.decode(t, &s)
		if s.Status != "cancelled" {
			t.Errorf("%s: %+v", c.method, s)
		}
	}
}

// seesOne is a principal under need-to-know: only person's accounts.
type seesOne struct {
	access.Unrestricted
	person int64
}

func (g seesOne) VisibleTo(context.Context) int64 { return g.person }

func TestBackgroundExportsHoldWhatTheirOwnerMaySeeAndOnlyTheyFetchThem(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		e := newEnv(t, d)
		ann := e.create("people", map[string]any{"name": "Ann Owner", "email": "ann@example.com"})
		e.create("accounts", map[string]any{"name": "Anns Co", "owner_id": ann, "industry": "Retail"})
		e.create("accounts", map[string]any{"name": "Secret Co", "industry": "Retail"})
		e.create("accounts", map[string]any{"name": "Other Co", "owner_id": ann, "industry": "Energy"})

		sc := e.sc
		sc.UserID, sc.Actor = 21, "ann@example.com"
		viewer := e.as(seesOne{Unrestricted: access.Unrestricted{S: sc}, person: ann})
		r := viewer.do(http.MethodPost, "/api/v1/exports", map[string]any{"kind": "accounts", "format": "json", "filter": map[string]any{"industry": "Retail"}})
		want(t, r, 202)
		var s ExportStatus
		r.decode(t, &s)
		if s.Total != 1 || s.Filter.Industry != "Retail" {
			t.Errorf("started: %+v", s)
		}
		s = waitExport(t, viewer, s.ID)
		file := viewer.do(http.MethodGet, s.DownloadURL, nil)
		want(t, file, 200)
		if !bytes.Contains(file.Body, []byte("Anns Co")) || bytes.Contains(file.Body, []byte("Secret Co")) || bytes.Contains(file.Body, []byte("Other Co")) {
			t.Errorf("need-to-know export:\n%s", file.Body)
		}
		if ct := file.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Errorf("content type %q", ct)
		}

		// Someone else neither sees nor downloads nor cancels it.
		sc.UserID = 22
		other := e.as(access.Unrestricted{S: sc})
		want(t, other.do(http.MethodGet, path("/api/v1/exports/%d/status", s.ID), nil), 404)
		want(t, other.do(http.MethodGet, path("/api/v1/exports/%d/file", s.ID), nil), 404)
		want(t, other.do(http.MethodPost, path("/api/v1/exports/%d/cancel", s.ID), nil), 404)
		var list exportsOutput
		other.do(http.MethodGet, "/api/v1/exports", nil).decode(t, &list.Body)
		if len(list.Body.Items) != 0 {
			t.Errorf("another user's list: %+v", list.Body.Items)
		}
		// A finished export cannot be cancelled; a bad request is refused.
		want(t, viewer.do(http.MethodPost, path("/api/v1/exports/%d/cancel", s.ID), nil), 409)
		want(t, viewer.do(http.MethodPost, "/api/v1/exports", map[string]any{"kind": "touches", "filter": map[string]any{"q": "x"}}), 422)
		want(t, viewer.do(http.MethodPost, "/api/v1/exports", map[string]any{"kind": "planets"}), 400)

		// A running export's file is not there yet.
		j := store.ExportJob{Kind: "accounts", Format: "csv"}
		if err := e.db.StartExport(context.Background(), sc, &j); err != nil {
			t.Fatal(err)
		}
		want(t, other.do(http.MethodGet, path("/api/v1/exports/%d/file", j.ID), nil), 409)

		// A role without read access cannot start one.
		denied := e.as(&fakeGuard{Unrestricted: access.Unrestricted{S: sc},
			deny: map[access.Rule]error{access.ReadRecords: account.Errorf(account.EFORBIDDEN, "no")}})
		want(t, denied.do(http.MethodPost, "/api/v1/exports", map[string]any{"kind": "accounts"}), 403)
	})
}

func TestABigImportRunsInTheBackgroundAndShowsItsProgress(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		e := newEnv(t, d)
		var csv strings.Builder
		csv.WriteString("name,domain\n")
		for i := range 2000 {
			csv.WriteString("Co " + strings.Repeat("x", i%7) + path("%d,co%d.example\n", i, i))
		}
		r := e.postCSV("kind=accounts&background=true&file_name=big.csv", csv.String())
		want(t, r, 202)
		var res ImportResult
		r.decode(t, &res)
		if res.Batch.Status != "running" || res.Batch.ID == 0 {
			t.Fatalf("accepted: %+v", res.Batch)
		}
		var st ImportStatus
		for range 400 {
			g := e.do(http.MethodGet, path("/api/v1/imports/%d", res.Batch.ID), nil)
			want(t, g, 200)
			g.decode(t, &st)
			if st.Status != "running" {
				break
			}
			if st.Size != int64(csv.Len()) {
				t.Errorf("size while running: %+v", st)
			}
			time.Sleep(25 * time.Millisecond)
		}
		if st.Status != "done" || st.Created != 2000 || st.Percent != 100 {
			t.Fatalf("finished: %+v", st)
		}
		// A bad header is still refused at once.
		want(t, e.postCSV("kind=accounts&background=true", "domain\nx.example\n"), 422)
	})
}
