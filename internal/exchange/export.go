package exchange

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Formats lists the export formats.
var Formats = []string{"csv", "xlsx", "json"}

// Columns returns the export header of a kind: its fields, then its custom
// fields as cf_<key>. A file with this header imports without a mapping.
func Columns(k Kind, customKeys []string) []string {
	cols := FieldNames(k)
	for _, c := range customKeys {
		cols = append(cols, "cf_"+c)
	}
	return cols
}

// Values returns a record's export values, in Columns order.
func Values(r *Record, customKeys []string, out []string) []string {
	out = Format(r, out)
	for _, c := range customKeys {
		out = append(out, r.Custom[c])
	}
	return out
}

// Writer writes exported rows in one format, streaming.
type Writer interface {
	Write(row []string) error
	// Close finishes the file (for xlsx, writes it out).
	Close() error
	// Abort gives the file up unfinished, releasing what it holds (an
	// Excel workbook's temporary files).
	Abort()
}

// NewWriter starts a file in format (csv, xlsx or json) with the header.
func NewWriter(format string, w io.Writer, sheet string, header []string) (Writer, error) {
	switch strings.ToLower(format) {
	case "csv", "":
		bw := bufio.NewWriterSize(w, 64<<10)
		cw := csv.NewWriter(bw)
		if err := cw.Write(header); err != nil {
			return nil, err
		}
		return &csvWriter{cw: cw, bw: bw}, nil
	case "json":
		bw := bufio.NewWriterSize(w, 64<<10)
		if _, err := bw.WriteString("["); err != nil {
			return nil, err
		}
		return &jsonWriter{bw: bw, header: header}, nil
	case "xlsx":
		x, err := NewXLSX(w, sheet, header)
		if err != nil {
			return nil, err
		}
		return x, nil
	}
	return nil, fmt.Errorf("unknown format %q: use csv, xlsx or json", format)
}

type csvWriter struct {
	cw *csv.Writer
	bw *bufio.Writer
}

// Write writes row with its formula-like cells defused (see Defuse); the
// Reader restores them.
func (c *csvWriter) Write(row []string) error {
	for i := range row {
		row[i] = Defuse(row[i])
	}
	return c.cw.Write(row)
}
func (c *csvWriter) Abort() {}

func (c *csvWriter) Close() error {
	c.cw.Flush()
	if err := c.cw.Error(); err != nil {
		return err
	}
	return c.bw.Flush()
}

type jsonWriter struct {
	bw     *bufio.Writer
	header []string
	n      int
}

func (j *jsonWriter) Write(row []string) error {
	if j.n > 0 {
		j.bw.WriteString(",")
	}
	j.n++
	j.bw.WriteString("\n{")
	for i, h := range j.header {
		if i > 0 {
			j.bw.WriteString(",")
		}
		k, _ := json.Marshal(h)
		v := ""
		if i < len(row) {
			v = row[i]
		}
		vb, _ := json.Marshal(v)
		j.bw.Write(k)
		j.bw.WriteString(":")
		if _, err := j.bw.Write(vb); err != nil {
			return err
		}
	}
	_, err := j.bw.WriteString("}")
	return err
}

func (j *jsonWriter) Abort() {}

func (j *jsonWriter) Close() error {
	j.bw.WriteString("\n]\n")
	return j.bw.Flush()
}

// xlsxSheetRows is how many rows a worksheet holds (Excel's limit,
// 1,048,576, header included); a variable so that tests can lower it.
var xlsxSheetRows = excelize.TotalRows

// XLSX streams rows into an Excel workbook (excelize's stream writer),
// written out to its io.Writer by Close. Excel caps a worksheet at
// 1,048,576 rows, an export does not: when a sheet is full the rows go on
// in the next, "touches (2)", "touches (3)"…, each with the header, frozen.
type XLSX struct {
	f      *excelize.File
	sw     *excelize.StreamWriter
	w      io.Writer
	sheet  string
	header []any
	sheets int
	row    int
	buf    []any
}

// NewXLSX starts a workbook whose first sheet is named sheet ("Sheet1" if
// empty), with the header row.
func NewXLSX(w io.Writer, sheet string, header []string) (*XLSX, error) {
	f := excelize.NewFile()
	if sheet == "" {
		sheet = "Sheet1"
	}
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		f.Close()
		return nil, err
	}
	x := &XLSX{f: f, w: w, sheet: sheet}
	for _, h := range header {
		x.header = append(x.header, h)
	}
	if err := x.startSheet(sheet); err != nil {
		f.Close()
		return nil, err
	}
	return x, nil
}

// startSheet ends the current worksheet, if any, and starts the next with
// the header row frozen.
func (x *XLSX) startSheet(name string) error {
	if x.sw != nil {
		if err := x.sw.Flush(); err != nil {
			return err
		}
		if _, err := x.f.NewSheet(name); err != nil {
			return err
		}
	}
	sw, err := x.f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	x.sw, x.row = sw, 1
	x.sheets++
	return x.setRow(x.header)
}

// Write adds a row of text cells.
func (x *XLSX) Write(row []string) error {
	x.buf = x.buf[:0]
	for _, v := range row {
		x.buf = append(x.buf, v)
	}
	return x.WriteCells(x.buf)
}

// WriteCells adds a row of typed cells (numbers stay numbers).
func (x *XLSX) WriteCells(cells []any) error {
	if x.row > xlsxSheetRows {
		// Excel's sheet names hold 31 characters.
		suffix := fmt.Sprintf(" (%d)", x.sheets+1)
		base := []rune(x.sheet)
		if len(base)+len(suffix) > 31 {
			base = base[:31-len(suffix)]
		}
		if err := x.startSheet(string(base) + suffix); err != nil {
			return err
		}
	}
	return x.setRow(cells)
}

func (x *XLSX) setRow(cells []any) error {
	cell, err := excelize.CoordinatesToCellName(1, x.row)
	if err != nil {
		return err
	}
	x.row++
	return x.sw.SetRow(cell, cells)
}

// Close writes the workbook out and releases it.
func (x *XLSX) Close() error {
	defer x.f.Close()
	if err := x.sw.Flush(); err != nil {
		return err
	}
	_, err := x.f.WriteTo(x.w)
	return err
}

// Abort releases the workbook without writing it.
func (x *XLSX) Abort() { x.f.Close() }

// WriteAll writes every record each yields to w in format, with the export
// header of kind; it returns how many rows it wrote.
func WriteAll(format string, w io.Writer, kind Kind, customKeys []string, each func(fn func(*Record) error) error) (int64, error) {
	ew, err := NewWriter(format, w, string(kind), Columns(kind, customKeys))
	if err != nil {
		return 0, err
	}
	var n int64
	var row []string
	err = each(func(r *Record) error {
		row = Values(r, customKeys, row)
		n++
		return ew.Write(row)
	})
	if err != nil {
		ew.Abort()
		return n, err
	}
	return n, ew.Close()
}
