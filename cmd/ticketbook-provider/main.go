// Command ticketbook-provider serves the provider wire protocol
// (docs/provider-api.md) from the in-memory reference provider, optionally
// durable in its own SQLite file, with demo data and injectable faults: a
// stand-in authority to develop and test Ticketbook's sync against.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"ticketbook/cmd/ticketbook-provider/journal"
	"ticketbook/core/provider"
	"ticketbook/core/provider/providertest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

type config struct {
	addr, db, token   string
	public, demo, ver bool
	faults            providertest.Faults
	slowAsync         time.Duration
	autoApprove       time.Duration
	seed              int64
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("ticketbook-provider", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.addr, "addr", "127.0.0.1:8780", "listen address; loopback only unless --public")
	fs.BoolVar(&c.public, "public", false, "allow a non-loopback --addr (the token is then all that protects the data)")
	fs.StringVar(&c.db, "db", "", "SQLite file to keep the state in (created 0600); empty keeps it in memory only")
	fs.StringVar(&c.token, "token", os.Getenv("TICKETBOOK_PROVIDER_TOKEN"), "bearer token clients must send (default $TICKETBOOK_PROVIDER_TOKEN; generated when empty)")
	fs.BoolVar(&c.demo, "demo", false, "seed the demo account when the state is empty")
	fs.DurationVar(&c.faults.Latency, "latency", 0, "delay added to every request")
	fs.Float64Var(&c.faults.ErrorRate, "error-rate", 0, "fraction of requests answered 503 unavailable")
	fs.Float64Var(&c.faults.DropBefore, "drop-before", 0, "fraction of requests whose connection is closed before handling")
	fs.Float64Var(&c.faults.DropAfterCommit, "drop-after-commit", 0, "fraction of successful changes committed and then left unanswered")
	fs.Float64Var(&c.faults.RateLimit, "rate-limit", 0, "fraction of requests answered 429 rate_limited")
	fs.IntVar(&c.faults.RetryAfterSeconds, "retry-after", 1, "Retry-After seconds of a 429")
	fs.DurationVar(&c.slowAsync, "slow-async", 0, "answer each vehicle's first violation query 202 processing for this long")
	fs.DurationVar(&c.autoApprove, "auto-approve", 0, "approve registrations this long after they are applied for (0: never)")
	fs.Int64Var(&c.seed, "seed", 1, "seed of the fault randomness, for repeatable runs")
	fs.BoolVar(&c.ver, "version", false, "print the version and exit")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	for name, v := range map[string]float64{"error-rate": c.faults.ErrorRate, "drop-before": c.faults.DropBefore,
		"drop-after-commit": c.faults.DropAfterCommit, "rate-limit": c.faults.RateLimit} {
		if v < 0 || v > 1 {
			return c, fmt.Errorf("--%s must be between 0 and 1, not %g", name, v)
		}
	}
	return c, nil
}

// checkAddr refuses to expose the provider beyond this machine by accident:
// it holds (sample) personal data behind a single token over plain HTTP.
func checkAddr(addr string, public bool) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--addr %q: %w", addr, err)
	}
	if public || host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("--addr %s would listen beyond this machine (plain HTTP, one token); use a loopback address such as 127.0.0.1:8780, or pass --public if you mean it", addr)
}

func version() string {
	v := "devel"
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			v = bi.Main.Version
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				v += " " + s.Value[:12]
			}
		}
	}
	return fmt.Sprintf("ticketbook-provider %s (protocol %s)", v, provider.Version)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	logger := log.New(stderr, "", log.LstdFlags)
	c, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "ticketbook-provider:", err)
		return 2
	}
	if c.ver {
		fmt.Fprintln(stdout, version())
		return 0
	}
	if err := checkAddr(c.addr, c.public); err != nil {
		fmt.Fprintln(stderr, "ticketbook-provider:", err)
		return 2
	}
	if err := serve(ctx, c, stdout, logger); err != nil {
		logger.Print(err)
		return 1
	}
	return 0
}

func serve(ctx context.Context, c config, stdout io.Writer, logger *log.Logger) error {
	opts := providertest.Options{Token: c.token, Seed: c.seed, Faults: c.faults,
		AsyncQueries: c.slowAsync, AutoApproveAfter: c.autoApprove}
	where := "memory only"
	if c.db != "" {
		j, err := journal.Open(c.db)
		if err != nil {
			return err
		}
		defer j.Close()
		opts.Journal, where = j, c.db
	}
	if opts.Token == "" {
		b := make([]byte, 16)
		rand.Read(b)
		opts.Token = hex.EncodeToString(b)
		fmt.Fprintf(stdout, "token: %s (generated; pass --token or set TICKETBOOK_PROVIDER_TOKEN to keep one across restarts)\n", opts.Token)
	}
	p, err := providertest.New(opts)
	if err != nil {
		return err
	}
	if c.demo {
		switch err := providertest.SeedDemo(p, time.Now()); {
		case errors.Is(err, providertest.ErrNotEmpty):
			logger.Print("state not empty: demo not seeded again")
		case err != nil:
			return err
		default:
			logger.Print("demo account seeded")
		}
	}

	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: logRequests(p, logger), ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: log.New(io.Discard, "", 0)} // aborted handlers are logged by logRequests
	fmt.Fprintf(stdout, "listening on http://%s (state: %s)\n", ln.Addr(), where)

	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	logger.Print("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return srv.Shutdown(sctx)
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(s int) {
	w.status = s
	w.ResponseWriter.WriteHeader(s)
}

// logRequests logs one line per request: never headers or the query, which
// would leak the token or VIN tails into logs.
func logRequests(h http.Handler, logger *log.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		defer func() {
			if v := recover(); v != nil {
				why := "dropped"
				if v != http.ErrAbortHandler {
					why = fmt.Sprintf("panic: %v", v)
				}
				logger.Printf("%s %s %s %s", r.Method, r.URL.Path, why, time.Since(start).Round(10*time.Microsecond))
				panic(v)
			}
		}()
		h.ServeHTTP(sw, r)
		logger.Printf("%s %s %d %s", r.Method, r.URL.Path, sw.status, time.Since(start).Round(10*time.Microsecond))
	})
}
