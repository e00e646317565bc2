package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"ticketbook/core"
)

// tsLayout is fixed width (always nine fraction digits, always Z) so that
// timestamps order and compare correctly as text in SQL.
const tsLayout = "2006-01-02T15:04:05.000000000Z"

func ts(t time.Time) string { return t.UTC().Format(tsLayout) }

func tsPtr(t *time.Time) any {
	if t == nil {
		return nil
	}
	return ts(*t)
}

func date(d core.Date) any {
	if d.IsZero() {
		return nil
	}
	return d.String()
}

// STRICT tables have no time type, so the driver hands back strings; these
// scanners turn them into the domain's types.
type (
	tsCol    struct{ p *time.Time }
	tsPtrCol struct{ p **time.Time }
	dateCol  struct{ p *core.Date }
)

func (c tsCol) Scan(src any) error {
	s, ok := src.(string)
	if !ok {
		return fmt.Errorf("storage: timestamp column holds %T", src)
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	*c.p = t.UTC()
	return err
}

func (c tsPtrCol) Scan(src any) error {
	if src == nil {
		*c.p = nil
		return nil
	}
	var t time.Time
	if err := (tsCol{&t}).Scan(src); err != nil {
		return err
	}
	*c.p = &t
	return nil
}

func (c dateCol) Scan(src any) error {
	if src == nil {
		*c.p = core.Date{}
		return nil
	}
	s, ok := src.(string)
	if !ok {
		return fmt.Errorf("storage: date column holds %T", src)
	}
	t, err := time.Parse(time.DateOnly, s)
	*c.p = core.DateOf(t)
	return err
}

type scanner interface{ Scan(dest ...any) error }

func queryAll[T any](ctx context.Context, q queryer, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// queryOne returns notFound (a sentence for the user) when there is no row.
func queryOne[T any](ctx context.Context, q queryer, scan func(scanner) (T, error), notFound error, query string, args ...any) (T, error) {
	v, err := scan(q.QueryRowContext(ctx, query, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return v, notFound
	}
	return v, err
}

// where collects the conditions of a list query.
type where struct {
	conds []string
	args  []any
}

func (w *where) add(cond string, args ...any) {
	w.conds = append(w.conds, cond)
	w.args = append(w.args, args...)
}

// in adds "col IN (?, ?, ...)" for a non-empty list.
func in[T any](w *where, col string, vals []T) {
	if len(vals) == 0 {
		return
	}
	args := make([]any, len(vals))
	for i, v := range vals {
		args[i] = v
	}
	w.add(col+" IN ("+strings.Repeat("?, ", len(vals)-1)+"?)", args...)
}

// search adds one LIKE over several columns; the user's % and _ are meant
// literally.
func (w *where) search(s string, cols ...string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return
	}
	pat := "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s) + "%"
	parts := make([]string, len(cols))
	args := make([]any, len(cols))
	for i, c := range cols {
		parts[i], args[i] = c+` LIKE ? ESCAPE '\'`, pat
	}
	w.add("("+strings.Join(parts, " OR ")+")", args...)
}

func (w *where) String() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

func limit(n, offset int) string {
	switch {
	case n > 0:
		return fmt.Sprintf(" LIMIT %d OFFSET %d", n, max(offset, 0))
	case offset > 0:
		return fmt.Sprintf(" LIMIT -1 OFFSET %d", offset)
	}
	return ""
}

// entity names a table's rows for the user.
type entity struct{ table, field, en, zh string }

var (
	vehicleE      = entity{"vehicles", "vehicle", "vehicle", "车辆"}
	personE       = entity{"people", "person", "person", "人员"}
	custodyE      = entity{"custody", "id", "custody record", "用车记录"}
	registrationE = entity{"registrations", "id", "registration", "备案记录"}
	violationE    = entity{"violations", "violation", "violation", "违法记录"}
	paymentE      = entity{"payments", "id", "payment", "缴款记录"}
)

func (e entity) notFound(id int64) error {
	return core.NotFound(e.field, fmt.Sprintf("no %s with id %d", e.en, id), fmt.Sprintf("找不到编号为 %d 的%s", id, e.zh))
}

// unique says which user sentence a UNIQUE failure on cols means; cols is
// spelled as SQLite reports it ("vehicles.plate_type, vehicles.plate").
type unique struct {
	cols string
	err  error
}

// ref is a row another row points at; id nil means no reference.
type ref struct {
	e  entity
	id *int64
}

// mapErr turns a constraint failure into the user's sentence. SQLite's
// extended codes say what kind of constraint failed but not which one, so
// for UNIQUE the reported columns pick the sentence, and for FOREIGN KEY
// the referenced rows are looked up to name the missing one.
func mapErr(ctx context.Context, q queryer, err error, uniques []unique, refs ...ref) error {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return err
	}
	switch se.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		for _, u := range uniques {
			if strings.Contains(se.Error(), u.cols) {
				return u.err
			}
		}
		return core.Conflict("", "this record is already stored ("+se.Error()+")", "该记录已存在")
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		for _, r := range refs {
			if r.id == nil {
				continue
			}
			var ok bool
			if qerr := q.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM "+r.e.table+" WHERE id = ?)", *r.id).Scan(&ok); qerr == nil && !ok {
				return r.e.notFound(*r.id)
			}
		}
		return core.InUse("", "other records refer to this one", "有其他记录引用此记录")
	case sqlite3.SQLITE_CONSTRAINT_CHECK, sqlite3.SQLITE_CONSTRAINT_NOTNULL, sqlite3.SQLITE_CONSTRAINT_DATATYPE:
		// Core validation should have refused the value: this is a bug, not
		// something the user can fix.
		return fmt.Errorf("storage: value refused by the schema: %w", err)
	}
	return err
}

// sqliteCode is SQLite's extended result code, or 0 for other errors.
func sqliteCode(err error) int {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code()
	}
	return 0
}

// updated reports a missing row when an UPDATE or DELETE touched nothing.
func updated(res sql.Result, notFound error) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return notFound
	}
	return nil
}

// insertID runs an INSERT and returns the new row's id.
func insertID(ctx context.Context, q queryer, query string, args ...any) (int64, error) {
	res, err := q.ExecContext(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}
