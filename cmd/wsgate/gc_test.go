package main

import "testing"

func TestGCPercent(t *testing.T) {
	for _, tt := range []struct {
		configured int
		goGC       string
		want       int
		ok         bool
	}{
		{400, "", 400, true},
		{150, "", 150, true},
		{0, "", 0, false},      // Go's default
		{400, "100", 0, false}, // GOGC wins
		{400, "off", 0, false},
	} {
		if got, ok := gcPercent(tt.configured, tt.goGC); got != tt.want || ok != tt.ok {
			t.Errorf("gcPercent(%d, %q) = %d, %v; want %d, %v", tt.configured, tt.goGC, got, ok, tt.want, tt.ok)
		}
	}
}
