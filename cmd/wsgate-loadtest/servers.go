package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"time"

	"github.com/gin-gonic/gin"
)

// proxyPath is where the bare server proxies to the upstream's echo.
const proxyPath = "/proxy/echo"

// replay is one route of the bare server and the answer it gives.
type replay struct {
	Path   string `json:"path"`
	Answer answer `json:"answer"`
}

// bareHandler is a gin engine that reads each request's body and answers the
// captured bytes of its route, and proxies proxyPath to upstream.
func bareHandler(routes []replay, upstream *url.URL, conns int) http.Handler {
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	for _, r := range routes {
		a := r.Answer
		e.Any(r.Path, func(c *gin.Context) {
			_, _ = io.Copy(io.Discard, c.Request.Body)
			h := c.Writer.Header()
			for k, v := range a.Header {
				h[k] = v
			}
			c.Status(a.Status)
			_, _ = c.Writer.Write(a.Body)
		})
	}
	if upstream != nil {
		rp := httputil.NewSingleHostReverseProxy(upstream)
		rp.Transport = &http.Transport{MaxIdleConns: conns, MaxIdleConnsPerHost: conns, IdleConnTimeout: time.Minute}
		e.POST(proxyPath, func(c *gin.Context) {
			c.Request.URL.Path = "/echo"
			rp.ServeHTTP(c.Writer, c.Request)
		})
	}
	return e
}

// serveBare is the bare subcommand: it serves the routes of -cases (JSON
// []replay) and the proxy to -upstream until SIGTERM.
func serveBare(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bare", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:0", "address")
	casesFile := fs.String("cases", "", "JSON file of the routes and their answers")
	upstream := fs.String("upstream", "", "base URL of the upstream to proxy "+proxyPath+" to")
	conns := fs.Int("concurrency", 64, "idle connections kept to the upstream")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	var routes []replay
	if *casesFile != "" {
		data, err := os.ReadFile(*casesFile)
		if err == nil {
			err = json.Unmarshal(data, &routes)
		}
		if err != nil {
			fmt.Fprintln(stderr, "bare:", err)
			return 1
		}
	}
	var up *url.URL
	if *upstream != "" {
		var err error
		if up, err = url.Parse(*upstream); err != nil {
			fmt.Fprintln(stderr, "bare:", err)
			return 2
		}
	}
	return serveUntilDone(ctx, *listen, bareHandler(routes, up, *conns), stdout, stderr)
}

// echoHandler is the upstream: it answers {"name": N} with a greeting, as an
// HTTP service implementing a function would.
func echoHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /echo", func(w http.ResponseWriter, r *http.Request) {
		var in struct {
			Name string `json:"name"`
		}
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, `{"exception":"invalid_parameter_exception","errorcode":"invalidparameter","message":"Invalid parameter value detected"}`)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(struct {
			Greeting string `json:"greeting"`
			Length   int    `json:"length"`
		}{"hello " + in.Name, len(in.Name)})
	})
	return mux
}

// serveUpstream is the upstream subcommand.
func serveUpstream(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("upstream", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:0", "address")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	return serveUntilDone(ctx, *listen, echoHandler(), stdout, stderr)
}

// serveUntilDone serves h on addr, printing "listening ADDR" once it
// accepts, until ctx is done.
func serveUntilDone(ctx context.Context, addr string, h http.Handler, stdout, stderr io.Writer) int {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	fmt.Fprintln(stdout, "listening", l.Addr().String())
	if err := srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintln(stderr, err)
		return 1
	}
	return 0
}
