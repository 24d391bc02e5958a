package web

import (
	"encoding/csv"
	"fmt"
	"net/http"

	"github.com/xuri/excelize/v2"

	"github.com/samwise-sam/samwise/internal/exchange"
)

// Every list page answers its table as CSV or Excel too: the list's handler
// builds the rows it shows (same filters, same order) and hands them to
// writeTable. Exports of whole record kinds, for re-import, live on the data
// page (data.go, data_exports.go).

// sheetRows is how many rows a worksheet holds (Excel's limit); a variable
// so that tests can lower it.
var sheetRows = excelize.TotalRows

// writeTable answers a table as CSV or as an Excel workbook.
func writeTable(w http.ResponseWriter, format, name string, header []string, rows [][]any) error {
	w.Header().Set("Cache-Control", "private, no-store")
	if format == "xlsx" {
		f := excelize.NewFile()
		defer f.Close()
		head := make([]any, len(header))
		for i, h := range header {
			head[i] = h
		}
		// A worksheet holds sheetRows rows, header included; longer tables
		// (an audit trail can be) go on in "Sheet1 (2)" and so on.
		for sheet, start := 1, 0; sheet == 1 || start < len(rows); sheet, start = sheet+1, start+sheetRows-1 {
			name := "Sheet1"
			if sheet > 1 {
				name = fmt.Sprintf("Sheet1 (%d)", sheet)
				if _, err := f.NewSheet(name); err != nil {
					return err
				}
			}
			sw, err := f.NewStreamWriter(name)
			if err != nil {
				return err
			}
			if err := sw.SetRow("A1", head); err != nil {
				return err
			}
			for i, row := range rows[start:min(len(rows), start+sheetRows-1)] {
				cell, _ := excelize.CoordinatesToCellName(1, i+2)
				if err := sw.SetRow(cell, row); err != nil {
					return err
				}
			}
			if err := sw.Flush(); err != nil {
				return err
			}
		}
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.xlsx"`)
		return f.Write(w)
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.csv"`)
	cw := csv.NewWriter(w)
	_ = cw.Write(header)
	for _, row := range rows {
		rec := make([]string, len(row))
		for i, c := range row {
			rec[i] = exchange.Defuse(fmt.Sprint(c))
		}
		_ = cw.Write(rec)
	}
	cw.Flush()
	return cw.Error()
}
