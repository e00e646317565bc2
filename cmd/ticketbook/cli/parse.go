package cli

import (
	"strconv"
	"strings"
	"time"

	"ticketbook/core"
	"ticketbook/core/field"
)

// fieldErrors gathers flag parsing problems so one run reports them all.
type fieldErrors struct{ field.Errors }

func (f *fieldErrors) date(name, s string) core.Date {
	if strings.TrimSpace(s) == "" {
		return core.Date{}
	}
	d, err := core.ParseDate(name, s)
	f.Add(name, err)
	return d
}

func (f *fieldErrors) time(name, s string, loc *time.Location) time.Time {
	t, err := core.ParseLocalTime(name, s, loc)
	f.Add(name, err)
	return t
}

func (f *fieldErrors) yuan(name, s string) core.Fen {
	v, err := core.ParseYuan(name, s)
	f.Add(name, err)
	return v
}

func (f *fieldErrors) int(name, s string, min, max int64) int64 {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n < min || n > max {
		f.Add(name, field.New(name, "number_range",
			"must be a whole number from "+strconv.FormatInt(min, 10)+" to "+strconv.FormatInt(max, 10),
			"应为 "+strconv.FormatInt(min, 10)+" 到 "+strconv.FormatInt(max, 10)+" 之间的整数"))
	}
	return n
}

func (f *fieldErrors) Err() error { return f.Errors.Err() }
