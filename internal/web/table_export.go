package web

import (
	"encoding/csv"
	"fmt"
	"net/http"

	"github.com/samwise-sam/samwise/internal/exchange"
)

// Every list page answers its table as CSV or Excel too: the list's handler
// builds the rows it shows (same filters, same order) and hands them to
// writeTable. Exports of whole record kinds, for re-import, live on the data
// page (data.go, data_exports.go).

// writeTable answers a table as CSV or as an Excel workbook.
func writeTable(w http.ResponseWriter, format, name string, header []string, rows [][]any) error {
	w.Header().Set("Cache-Control", "private, no-store")
	if format == "xlsx" {
		x, err := exchange.NewXLSX(w, "Sheet1", header)
		if err != nil {
			return err
		}
		for _, row := range rows {
			if err := x.WriteCells(row); err != nil {
				x.Abort()
				return err
			}
		}
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.xlsx"`)
		return x.Close()
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
