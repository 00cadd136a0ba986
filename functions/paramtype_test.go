package functions

import (
	"errors"
	"testing"

	"wsgate"
)

func TestParseParamType(t *testing.T) {
	cases := map[string]ParamType{
		"INT": ParamInt, "PARAM_INT": ParamInt, "INTEGER": ParamInt, "PARAM_INTEGER": ParamInt,
		"NUMBER": ParamFloat, "ACTION": ParamAlphanumext, "FORMAT": ParamAlphanumext,
		"MULTILANG": ParamText, "CLEANFILE": ParamFile, "RAW_TRIMMED": ParamRawTrimmed,
		"LOCALURL": ParamLocalURL, "STRINGID": ParamStringID, "PERMISSION": ParamPermission,
	}
	for name, want := range cases {
		got, err := ParseParamType(name)
		if err != nil || got != want {
			t.Errorf("ParseParamType(%q) = %v, %v; want %v", name, got, err, want)
		}
	}
	for _, name := range []string{"", "int", "PARAM_", "PARAM_PARAM_INT", "CLEANHTML", "PLUGINX"} {
		_, err := ParseParamType(name)
		if !errors.Is(err, wsgate.ErrUnknownParamType) {
			t.Errorf("ParseParamType(%q) error = %v, want unknownparamtype", name, err)
			continue
		}
		if want := `unknown PARAM type "` + name + `"`; wsgate.AsError(err).DebugInfo != want {
			t.Errorf("debuginfo %q, want %q", wsgate.AsError(err).DebugInfo, want)
		}
	}
}

func TestParamTypeNames(t *testing.T) {
	n := 0
	for p := ParamType(1); p.Valid(); p++ {
		n++
		back, err := ParseParamType(p.Name())
		if err != nil || back != p {
			t.Errorf("%v: Name %q does not parse back", p, p.Name())
		}
		if p.String() == "" || p.String() == "unknown" {
			t.Errorf("%v has no value", p.Name())
		}
	}
	if n != 31 {
		t.Errorf("%d PARAM types, want 31", n)
	}
	if ParamEmail.String() != "email" || ParamRawTrimmed.String() != "raw_trimmed" || ParamInt.Name() != "INT" {
		t.Error("unexpected names")
	}
	if ParamType(0).Valid() || ParamType(0).String() != "unknown" || ParamType(200).Name() != "UNKNOWN" {
		t.Error("invalid types should say so")
	}
}
