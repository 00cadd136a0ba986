package protocols_test

import (
	"encoding/json"
	"errors"
	"net/url"
	"testing"

	"wsgate"
	"wsgate/protocols"
)

func TestSettingsOf(t *testing.T) {
	cases := []struct {
		name    string
		params  map[string]any
		want    *wsgate.Settings
		wantErr bool
	}{
		{"none", map[string]any{"x": "1"}, nil, false},
		{"strings", map[string]any{"moodlewssettingfilter": "true", "moodlewssettingfileurl": "false", "moodlewssettinglang": "de"},
			&wsgate.Settings{Filter: true, Lang: "de"}, false},
		{"JSON values", map[string]any{"moodlewssettingraw": true, "moodlewssettingfileurl": json.Number("0")},
			&wsgate.Settings{Raw: true}, false},
		{"null is the default", map[string]any{"moodlewssettingfileurl": nil}, &wsgate.Settings{FileURL: false}, false},
		{"a list", map[string]any{"moodlewssettingraw": []any{"1"}}, nil, true},
		{"a bad bool", map[string]any{"moodlewssettingfilter": "sometimes"}, nil, true},
		{"a bad lang", map[string]any{"moodlewssettinglang": "en/../x"}, nil, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := protocols.SettingsOf(func(n string) (any, bool) { v, ok := c.params[n]; return v, ok })
			if c.wantErr {
				if !errors.Is(err, wsgate.ErrInvalidParameter) {
					t.Fatalf("error = %v, want invalidparameter", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if (got == nil) != (c.want == nil) || got != nil && *got != *c.want {
				t.Errorf("settings = %+v, want %+v", got, c.want)
			}
		})
	}
}

func TestQuerySettingsLastWins(t *testing.T) {
	s, err := protocols.QuerySettings(url.Values{"moodlewssettinglang": {"fr", "it"}})
	if err != nil || s == nil || s.Lang != "it" || !s.FileURL {
		t.Fatalf("settings = %+v, %v; want lang it, fileurl on", s, err)
	}
}
