package web

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"wsgate/services/calllog"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestChartGolden draws fixed data and compares the SVG with its golden file
// (go test ./web -run TestChartGolden -update rewrites it).
func TestChartGolden(t *testing.T) {
	start := time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)
	var buckets []calllog.Bucket
	for i, n := range []int{0, 3, 7, 12, 5, 0, 1, 9, 14, 2, 0, 6} {
		buckets = append(buckets, calllog.Bucket{Start: start.Add(time.Duration(i) * time.Minute), OK: n, Errors: i % 3})
	}
	c := newChart("golden", "Calls per minute <test>", "minute (UTC)", buckets, func(t time.Time) string { return t.Format("15:04") })
	if c.Total != 71 || c.Errors != 12 || len(c.Rows) != 12 || c.Rows[3] != (chartRow{"10:03", 12, 0}) {
		t.Errorf("chart figures: total %d, errors %d, rows %v", c.Total, c.Errors, c.Rows)
	}
	golden := filepath.Join("testdata", "chart_minutes.svg")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(c.SVG), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if string(c.SVG) != string(want) {
		t.Errorf("SVG differs from %s (run with -update after checking it):\n%s", golden, c.SVG)
	}
}

func TestNiceMax(t *testing.T) {
	for _, tt := range []struct{ n, want int }{{0, 4}, {1, 4}, {4, 4}, {5, 8}, {9, 20}, {14, 20}, {21, 40}, {190, 200}, {201, 400}, {2001, 4000}} {
		if got := niceMax(tt.n); got != tt.want {
			t.Errorf("niceMax(%d) = %d, want %d", tt.n, got, tt.want)
		}
	}
}
