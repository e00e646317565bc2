package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"time"

	"ticketbook/core"
)

// BOM starts every CSV: Excel on Chinese Windows reads a CSV without it as
// GBK and shows the plates and names as mojibake.
const BOM = "\uFEFF"

// WriteCSV writes the table with a header line and, when there are sums, a
// totals line. Money is in yuan with two decimals and no currency sign, so
// a spreadsheet reads it as a number.
func WriteCSV(w io.Writer, t Table) error {
	if _, err := io.WriteString(w, BOM); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	// CRLF is what Excel writes and expects.
	cw.UseCRLF = true
	header := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		header[i] = c.Title
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	line := make([]string, len(t.Columns))
	for _, r := range t.Rows {
		for i := range t.Columns {
			line[i] = text(r[i])
		}
		if err := cw.Write(line); err != nil {
			return err
		}
	}
	if t.Totals != nil {
		for i := range t.Columns {
			line[i] = text(t.Totals[i])
		}
		if err := cw.Write(line); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteJSON writes the rows as an array of objects keyed by column key, in
// the conventions of Ticketbook's other JSON: money as integer fen, dates
// as 2026-03-01, times in RFC 3339 UTC, empty values as null, statuses as
// codes. Totals are left out: a script adds up what it needs.
func WriteJSON(w io.Writer, t Table) error {
	rows := make([]orderedRow, len(t.Rows))
	for i, r := range t.Rows {
		row := orderedRow{keys: make([]string, len(t.Columns)), vals: make([]any, len(t.Columns))}
		for j, c := range t.Columns {
			row.keys[j] = c.Key
			row.vals[j] = jsonValue(r[j])
		}
		rows[i] = row
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(rows)
}

func jsonValue(v any) any {
	switch x := v.(type) {
	case Coded:
		return x.Code
	case core.Date:
		if x.IsZero() {
			return nil
		}
		return x.String()
	case time.Time:
		if x.IsZero() {
			return nil
		}
		return x.UTC().Format(time.RFC3339)
	case core.Fen:
		return int64(x)
	}
	return v
}

// orderedRow keeps the columns in table order, which a map would not.
type orderedRow struct {
	keys []string
	vals []any
}

func (r orderedRow) MarshalJSON() ([]byte, error) {
	buf := []byte{'{'}
	for i, k := range r.keys {
		if i > 0 {
			buf = append(buf, ',')
		}
		kb, err := json.Marshal(k)
		if err != nil {
			return nil, err
		}
		vb, err := marshalNoEscape(r.vals[i])
		if err != nil {
			return nil, err
		}
		buf = append(append(append(buf, kb...), ':'), vb...)
	}
	return append(buf, '}'), nil
}

func marshalNoEscape(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}
