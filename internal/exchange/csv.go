package exchange

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Reader reads a CSV file record by record, never holding more than one
// record in memory. It removes a UTF-8 byte-order mark, detects whether the
// fields are separated by ',' or ';' (or a tab) from the header line, and
// rejects text that is not UTF-8 with the line where it starts. A cell
// that a spreadsheet would run as a formula comes back without the
// apostrophe that samwise's exports put before it (Restore).
type Reader struct {
	cr        *csv.Reader
	header    []string
	Delimiter rune
	line      int
}

// ErrEncoding says the file is not UTF-8 text.
var ErrEncoding = errors.New("the file is not UTF-8 text: save it as \"CSV UTF-8\" and try again")

// NewReader reads the header line of r. The header must name at least one
// column.
func NewReader(r io.Reader) (*Reader, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	// Skip a byte-order mark.
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte{0xEF, 0xBB, 0xBF}) {
		br.Discard(3)
	}
	if b, err := br.Peek(2); err == nil && (bytes.Equal(b, []byte{0xFF, 0xFE}) || bytes.Equal(b, []byte{0xFE, 0xFF})) {
		return nil, fmt.Errorf("line 1: the file is UTF-16 text: save it as \"CSV UTF-8\" and try again")
	}
	peek, _ := br.Peek(br.Size())
	delim := sniffDelimiter(peek)
	cr := csv.NewReader(br)
	cr.Comma = delim
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	rd := &Reader{cr: cr, Delimiter: delim}
	h, err := cr.Read()
	if err == io.EOF {
		return nil, errors.New("the file is empty: it needs a header line naming the columns")
	}
	if err != nil {
		return nil, csvError(err)
	}
	rd.line = 1
	rd.header = make([]string, len(h))
	for i, s := range h {
		if !utf8.ValidString(s) {
			return nil, fmt.Errorf("line 1: %w", ErrEncoding)
		}
		rd.header[i] = strings.TrimSpace(s)
	}
	if len(rd.header) == 1 && rd.header[0] == "" {
		return nil, errors.New("line 1: the header line is empty: it must name the columns")
	}
	return rd, nil
}

// Header returns the column names of the header line, trimmed.
func (r *Reader) Header() []string { return r.header }

// Read returns the next record and the line it starts on; io.EOF at the end.
// The slice is reused by the next call. Blank lines are skipped.
func (r *Reader) Read() (rec []string, line int, err error) {
	rec, err = r.cr.Read()
	if err != nil {
		if err == io.EOF {
			return nil, 0, io.EOF
		}
		return nil, r.errLine(err), csvError(err)
	}
	line, _ = r.cr.FieldPos(0)
	r.line = line
	valid := true
	for i, s := range rec {
		valid = valid && utf8.ValidString(s)
		// Every cell, even on a line rejected for its encoding: a rejects
		// file defuses them all again.
		rec[i] = Restore(s) // the apostrophe of a defused cell (see Defuse)
	}
	if !valid {
		return rec, line, fmt.Errorf("line %d: %w", line, ErrEncoding)
	}
	return rec, line, nil
}

func (r *Reader) errLine(err error) int {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return pe.StartLine
	}
	return r.line + 1
}

// Recoverable reports whether reading can go on after err (a malformed line
// such as a stray quote) — as opposed to a failing source.
func Recoverable(err error) bool {
	var pe *csv.ParseError
	return errors.As(err, &pe) || errors.Is(err, ErrEncoding)
}

func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("line %d: %s", pe.StartLine, pe.Err)
	}
	return err
}

// sniffDelimiter picks the separator from the first line: the one of ',',
// ';' and tab that occurs most often outside quotes (',' on a tie).
func sniffDelimiter(b []byte) rune {
	counts := map[byte]int{}
	quoted := false
	for _, c := range b {
		if c == '"' {
			quoted = !quoted
			continue
		}
		if quoted {
			continue
		}
		if c == '\n' || c == '\r' {
			break
		}
		if c == ',' || c == ';' || c == '\t' {
			counts[c]++
		}
	}
	best, n := byte(','), counts[',']
	for _, c := range []byte{';', '\t'} {
		if counts[c] > n {
			best, n = c, counts[c]
		}
	}
	return rune(best)
}
