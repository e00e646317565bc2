// Command tbscan runs Ticketbook's reader over files and prints one JSON
// object per line: file, codes, error and the milliseconds the call took
// (file read and image decode included), for bench/compare.sh.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"time"

	"ticketbook/core/scan"
)

type out struct {
	File  string      `json:"file"`
	Codes []scan.Code `json:"codes"`
	Error string      `json:"error,omitempty"`
	Ms    float64     `json:"ms"`
}

func main() {
	flag.Parse()
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	fail := false
	for _, f := range flag.Args() {
		start := time.Now()
		res, err := scan.DecodeFile(context.Background(), f, scan.Options{})
		o := out{File: f, Codes: res.Codes, Ms: float64(time.Since(start).Microseconds()) / 1000}
		if o.Codes == nil {
			o.Codes = []scan.Code{}
		}
		if err != nil {
			o.Error = err.Error()
			fail = true
		}
		if err := enc.Encode(o); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	if fail {
		os.Exit(1)
	}
}
