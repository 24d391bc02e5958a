package api

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
)

func init() {
	featureRules["POST /api/v1/imports"] = access.SetPolicy
	featureRules["POST /api/v1/imports/{id}/undo"] = access.SetPolicy
	featureRules["POST /api/v1/fields"] = access.SetPolicy
}

// postCSV sends a CSV file as an import, checked against the document.
func (e *env) postCSV(query, csv string) resp {
	e.t.Helper()
	p := "/api/v1/imports?" + query
	req := httptest.NewRequest(http.MethodPost, p, strings.NewReader(csv))
	req.Header.Set("Content-Type", "text/csv")
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	res := rec.Result()
	out := resp{Status: res.StatusCode, Header: res.Header, Body: rec.Body.Bytes()}
	e.check(http.MethodPost, p, []byte(csv), req.Header, out)
	return out
}

// exerciseData calls every data operation once with a valid request (for
// TestEveryOperationAnswersAsDocumented).
func exerciseData(t *testing.T, e *env) {
	t.Helper()
	want(t, e.do(http.MethodPost, "/api/v1/fields", map[string]any{"entity": "account", "label": "Support plan", "type": "choice", "choices": []string{"Gold", "Silver"}}), 200)
	want(t, e.do(http.MethodGet, "/api/v1/fields", nil), 200)
	r := e.postCSV("kind=accounts&file_name=crm.csv", "name;domain;support_plan\nData Co;data.example;gold\n")
	want(t, r, 200)
	var res ImportResult
	r.decode(t, &res)
	want(t, e.do(http.MethodGet, "/api/v1/imports", nil), 200)
	want(t, e.do(http.MethodGet, path("/api/v1/imports/%d", res.Batch.ID), nil), 200)
	for _, f := range []string{"csv", "xlsx", "json"} {
		want(t, e.do(http.MethodGet, "/api/v1/exports/accounts?format="+f, nil), 200)
	}
	want(t, e.do(http.MethodPost, path("/api/v1/imports/%d/undo", res.Batch.ID), nil), 200)
	exerciseExports(t, e)
}

func TestTheImportAPIReportsRejectedLinesAndUndoes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		e := newEnv(t, d)
		exerciseData(t, e)
		csv := "name,domain,lifecycle,employees\nGood Co,good.example,customer,10\n,x.example,prospect,\nBad Co,bad.example,partner,many\n"
		r := e.postCSV("kind=accounts&dry_run=true", csv)
		want(t, r, 200)
		var res ImportResult
		r.decode(t, &res)
		if res.Batch.Status != "dry_run" || res.Batch.Created != 1 || res.Batch.Rejected != 2 || len(res.Rejects) != 3 {
			t.Fatalf("dry run: %+v", res)
		}
		if p := res.Rejects[1]; p.Line != 4 || p.Column != "lifecycle" {
			t.Errorf("reject %+v", p)
		}
		r = e.postCSV("kind=accounts", csv)
		want(t, r, 200)
		r.decode(t, &res)
		if res.Batch.Status != "rejected" {
			t.Errorf("abort: %+v", res.Batch)
		}
		r = e.postCSV("kind=accounts&on_error=skip", csv)
		r.decode(t, &res)
		if res.Batch.Status != "done" || res.Batch.Created != 1 {
			t.Errorf("skip: %+v", res.Batch)
		}
		// A file without a name column cannot create accounts.
		want(t, e.postCSV("kind=accounts", "domain\nx.example\n"), 422)
		ex := e.do(http.MethodGet, "/api/v1/exports/accounts?format=csv", nil)
		want(t, ex, 200)
		if !bytes.Contains(ex.Body, []byte("Good Co")) || !bytes.Contains(ex.Body, []byte("cf_support_plan")) {
			t.Errorf("export:\n%s", ex.Body)
		}
		want(t, e.do(http.MethodPost, path("/api/v1/imports/%d/undo", res.Batch.ID), nil), 200)
		want(t, e.do(http.MethodPost, path("/api/v1/imports/%d/undo", res.Batch.ID), nil), 409)
		want(t, e.do(http.MethodGet, "/api/v1/imports/999999", nil), 404)
	})
}
