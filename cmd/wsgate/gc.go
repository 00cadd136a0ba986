package main

import (
	"log/slog"
	"os"
	"runtime/debug"
)

// gcPercent is the garbage collector's percent serve sets: the configured
// gc_percent, unless GOGC is set in the environment (then Go's own reading of
// it stands) or gc_percent is 0 (Go's default, 100). ok is false when serve
// leaves the collector as it is.
func gcPercent(configured int, goGC string) (percent int, ok bool) {
	if goGC != "" || configured == 0 {
		return 0, false
	}
	return configured, true
}

// setGCPercent applies gc_percent. The gateway's live heap is small (tens of
// MiB) and its garbage is per call, so collecting at 400% of it rather than
// 100% spends a little memory to save CPU on every call (docs/performance.md).
func setGCPercent(configured int, log *slog.Logger) {
	if p, ok := gcPercent(configured, os.Getenv("GOGC")); ok {
		debug.SetGCPercent(p)
		log.Debug("garbage collector set", "gc_percent", p)
	}
}
