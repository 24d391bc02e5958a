package web

import (
	"bytes"
	"fmt"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/xuri/excelize/v2"
)

// A table longer than a worksheet holds goes on in the next sheet, each
// with the header: an audit trail of millions of lines loses none to
// Excel's limit.
func TestWriteTableContinuesOnTheNextSheet(t *testing.T) {
	defer func(n int) { sheetRows = n }(sheetRows)
	sheetRows = 4
	for _, tc := range []struct {
		rows   int
		sheets []string
	}{
		{0, []string{"Sheet1"}},
		{3, []string{"Sheet1"}},
		{4, []string{"Sheet1", "Sheet1 (2)"}},
		{7, []string{"Sheet1", "Sheet1 (2)", "Sheet1 (3)"}},
	} {
		var rows [][]any
		for i := range tc.rows {
			rows = append(rows, []any{i, fmt.Sprint("row ", i)})
		}
		rec := httptest.NewRecorder()
		if err := writeTable(rec, "xlsx", "t", []string{"n", "text"}, rows); err != nil {
			t.Fatal(err)
		}
		f, err := excelize.OpenReader(bytes.NewReader(rec.Body.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		if got := f.GetSheetList(); !slices.Equal(got, tc.sheets) {
			t.Fatalf("%d rows: sheets %v, want %v", tc.rows, got, tc.sheets)
		}
		next := 0
		for _, s := range tc.sheets {
			got, err := f.GetRows(s)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) == 0 || !slices.Equal(got[0], []string{"n", "text"}) || len(got) > sheetRows {
				t.Fatalf("%d rows, %s: %v", tc.rows, s, got)
			}
			for _, r := range got[1:] {
				if r[0] != fmt.Sprint(next) {
					t.Fatalf("%d rows, %s: row %v, want %d", tc.rows, s, r, next)
				}
				next++
			}
		}
		if next != tc.rows {
			t.Errorf("read back %d of %d rows", next, tc.rows)
		}
		f.Close()
	}
}
