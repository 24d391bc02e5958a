package exchange

import (
	"bytes"
	"fmt"
	"slices"
	"testing"

	"github.com/xuri/excelize/v2"
)

// An xlsx export longer than a worksheet holds goes on in the next one,
// each with the header: no row is lost to Excel's limit.
func TestXLSXExportContinuesOnTheNextSheet(t *testing.T) {
	defer func(n int) { xlsxSheetRows = n }(xlsxSheetRows)
	for _, tc := range []struct {
		rows   int
		sheets []string
	}{
		{0, []string{"touches"}},
		{4, []string{"touches"}}, // the header and 4 rows fill a sheet of 5
		{5, []string{"touches", "touches (2)"}},
		{12, []string{"touches", "touches (2)", "touches (3)"}},
	} {
		t.Run(fmt.Sprint(tc.rows), func(t *testing.T) {
			xlsxSheetRows = 5
			var rows [][]any
			for i := range tc.rows {
				rows = append(rows, []any{fmt.Sprint(i), "row " + fmt.Sprint(i)})
			}
			f := workbook(t, "touches", []string{"n", "text"}, rows)
			if got := f.GetSheetList(); !slices.Equal(got, tc.sheets) {
				t.Fatalf("sheets %v, want %v", got, tc.sheets)
			}
			next := 0
			for _, sheet := range tc.sheets {
				rows, err := f.GetRows(sheet)
				if err != nil {
					t.Fatal(err)
				}
				if len(rows) == 0 || !slices.Equal(rows[0], []string{"n", "text"}) || len(rows) > xlsxSheetRows {
					t.Fatalf("%s: %d rows, first %v", sheet, len(rows), rows[:min(1, len(rows))])
				}
				for _, r := range rows[1:] {
					if r[0] != fmt.Sprint(next) {
						t.Fatalf("%s: row %v, want number %d", sheet, r, next)
					}
					next++
				}
			}
			if next != tc.rows {
				t.Errorf("read back %d rows of %d", next, tc.rows)
			}
		})
	}
}

// WriteCells keeps numbers numbers, as the list pages' Excel exports need.
func TestXLSXWriteCellsKeepsNumbers(t *testing.T) {
	f := workbook(t, "", []string{"n", "text"}, [][]any{{42.5, "=1+1"}})
	// A cell without a type attribute is a number in OOXML.
	if typ, err := f.GetCellType("Sheet1", "A2"); err != nil || (typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset) {
		t.Errorf("A2: type %v %v, want a number", typ, err)
	}
	if typ, _ := f.GetCellType("Sheet1", "B2"); typ == excelize.CellTypeNumber || typ == excelize.CellTypeUnset {
		t.Errorf("B2: type %v, want text", typ)
	}
	// Text is written as text, never as a formula.
	if formula, err := f.GetCellFormula("Sheet1", "B2"); err != nil || formula != "" {
		t.Errorf("B2 has the formula %q %v", formula, err)
	}
}

// A continuation sheet's name stays within Excel's 31 characters.
func TestXLSXContinuationNamesFit(t *testing.T) {
	defer func(n int) { xlsxSheetRows = n }(xlsxSheetRows)
	xlsxSheetRows = 2
	long := "a sheet name of thirty-one runes"[:31]
	f := workbook(t, long, []string{"n"}, [][]any{{0}, {1}, {2}})
	want := []string{long, long[:27] + " (2)", long[:27] + " (3)"}
	if got := f.GetSheetList(); !slices.Equal(got, want) {
		t.Errorf("sheets %q, want %q", got, want)
	}
}

// workbook writes rows with an XLSX on sheet and reads the file back.
func workbook(t *testing.T, sheet string, header []string, rows [][]any) *excelize.File {
	t.Helper()
	var buf bytes.Buffer
	x, err := NewXLSX(&buf, sheet, header)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if err := x.WriteCells(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}
