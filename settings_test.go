package wsgate

import (
	"context"
	"errors"
	"testing"
)

func TestSettingsSet(t *testing.T) {
	cases := []struct {
		name, value string
		want        Settings
		wantErr     bool
	}{
		{SettingRaw, "1", Settings{Raw: true, FileURL: true}, false},
		{SettingRaw, "TRUE", Settings{Raw: true, FileURL: true}, false},
		{SettingFilter, "on", Settings{Filter: true, FileURL: true}, false},
		{SettingFileURL, "false", Settings{}, false},
		{SettingFileURL, "", Settings{}, false},
		{SettingFileURL, "2", Settings{FileURL: true}, true},
		{SettingFilter, "maybe", Settings{FileURL: true}, true},
		{SettingLang, "pt-BR", Settings{FileURL: true, Lang: "pt_br"}, false},
		{SettingLang, "sr_cr_bo", Settings{FileURL: true, Lang: "sr_cr_bo"}, false},
		{SettingLang, "", Settings{FileURL: true}, false},
		{SettingLang, "e", Settings{FileURL: true}, true},
		{SettingLang, "english", Settings{FileURL: true}, true},
		{SettingLang, "en_", Settings{FileURL: true}, true},
		{SettingLang, "../en", Settings{FileURL: true}, true},
		{SettingLang, "en_us_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", Settings{FileURL: true}, true},
		{"moodlewssettingtheme", "x", Settings{FileURL: true}, true},
	}
	for _, c := range cases {
		s := DefaultSettings()
		err := s.Set(c.name, c.value)
		if (err != nil) != c.wantErr {
			t.Errorf("Set(%s, %q) error = %v, want error %v", c.name, c.value, err, c.wantErr)
		}
		if err != nil && !errors.Is(err, ErrInvalidParameter) {
			t.Errorf("Set(%s, %q) error = %v, want invalidparameter", c.name, c.value, err)
		}
		if err == nil && s != c.want {
			t.Errorf("Set(%s, %q) = %+v, want %+v", c.name, c.value, s, c.want)
		}
	}
}

func TestSettingsContext(t *testing.T) {
	ctx := context.Background()
	if got := SettingsFrom(ctx); got != DefaultSettings() {
		t.Errorf("SettingsFrom(empty) = %+v, want the defaults", got)
	}
	want := Settings{Raw: true, Lang: "fr"}
	if got := SettingsFrom(WithSettings(ctx, want)); got != want {
		t.Errorf("SettingsFrom = %+v, want %+v", got, want)
	}
}
