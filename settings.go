package wsgate

import (
	"context"
	"regexp"
	"strings"
)

// Settings are the moodlewssetting* values of one call (Moodle's
// external_settings): how an implementation formats what it returns.
type Settings struct {
	Raw     bool   // moodlewssettingraw: return stored text unformatted
	FileURL bool   // moodlewssettingfileurl: rewrite embedded file URLs (default true)
	Filter  bool   // moodlewssettingfilter: run text filters when formatting
	Lang    string // moodlewssettinglang: the language of the call; "" is the site's
}

// DefaultSettings are the settings of a call that names none, as in Moodle.
func DefaultSettings() Settings { return Settings{FileURL: true} }

// The request parameters that carry Settings, on every protocol.
const (
	SettingRaw     = "moodlewssettingraw"
	SettingFileURL = "moodlewssettingfileurl"
	SettingFilter  = "moodlewssettingfilter"
	SettingLang    = "moodlewssettinglang"
)

// SettingNames lists the request parameters Set understands.
var SettingNames = [...]string{SettingRaw, SettingFileURL, SettingFilter, SettingLang}

// Set stores the value of the request parameter name (one of SettingNames)
// in s; a value Moodle would not take for the setting is invalidparameter.
func (s *Settings) Set(name, value string) error {
	var err error
	switch name {
	case SettingRaw:
		s.Raw, err = ParseSettingBool(name, value)
	case SettingFileURL:
		s.FileURL, err = ParseSettingBool(name, value)
	case SettingFilter:
		s.Filter, err = ParseSettingBool(name, value)
	case SettingLang:
		s.Lang, err = ParseLang(value)
	default:
		err = ErrInvalidParameter.WithDebugf("%s is not a web service setting", name)
	}
	return err
}

// ParseSettingBool reads a boolean setting the way Moodle's forgiving
// PARAM_BOOL does for 1/0, true/false, yes/no, on/off (any case) and ""
// (false); any other value is invalidparameter naming the setting.
func ParseSettingBool(name, value string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(value)) {
	case "1", "true", "yes", "on":
		return true, nil
	case "0", "false", "no", "off", "":
		return false, nil
	}
	return false, ErrInvalidParameter.WithDebugf("%s must be 0, 1, true or false", name)
}

// maxLangLen bounds a language code (Moodle's longest are about 10 bytes).
const maxLangLen = 30

// ParseLang checks a language code in Moodle's form: lower-case letters,
// digits and underscores, starting with two or three letters ("en",
// "pt_br", "sr_cr_bo"). A hyphen is read as an underscore and upper case as
// lower ("pt-BR" is "pt_br"), as the Moodle app writes them; "" is no
// language. Anything else is invalidparameter.
func ParseLang(value string) (string, error) {
	v := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(value), "-", "_"))
	if v == "" {
		return "", nil
	}
	if len(v) > maxLangLen || !langCode.MatchString(v) {
		return "", ErrInvalidParameter.WithDebugf("%s must be a language code such as en or pt_br", SettingLang)
	}
	return v, nil
}

// langCode is the form of Moodle's language pack names.
var langCode = regexp.MustCompile(`^[a-z]{2,3}(_[a-z0-9]+)*$`)

type settingsKey struct{}

// WithSettings returns a context carrying the call's settings s.
func WithSettings(ctx context.Context, s Settings) context.Context {
	return context.WithValue(ctx, settingsKey{}, s)
}

// SettingsFrom returns the settings carried by ctx, DefaultSettings when none.
func SettingsFrom(ctx context.Context) Settings {
	if s, ok := ctx.Value(settingsKey{}).(Settings); ok {
		return s
	}
	return DefaultSettings()
}
