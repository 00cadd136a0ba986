package protocols

import (
	"encoding/json"
	"net/url"

	"wsgate"
)

// SettingsOf reads the moodlewssetting* values through lookup, which
// returns a request parameter's value (a string, or a JSON bool or number)
// and whether it is present; nil when the request names no setting. A value
// of another type, or one Moodle would not take, is invalidparameter.
func SettingsOf(lookup func(name string) (any, bool)) (*wsgate.Settings, error) {
	var s *wsgate.Settings
	for _, name := range wsgate.SettingNames {
		v, ok := lookup(name)
		if !ok {
			continue
		}
		var str string
		switch x := v.(type) {
		case string:
			str = x
		case json.Number:
			str = x.String()
		case bool:
			str = "0"
			if x {
				str = "1"
			}
		case nil:
		default:
			return nil, wsgate.ErrInvalidParameter.WithDebugf("%s must be a single value", name)
		}
		if s == nil {
			d := wsgate.DefaultSettings()
			s = &d
		}
		if err := s.Set(name, str); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// QuerySettings reads the moodlewssetting* values of a query string (the
// last of repeated names, as PHP keeps), for the XML-RPC and SOAP servers.
func QuerySettings(q url.Values) (*wsgate.Settings, error) {
	return SettingsOf(func(name string) (any, bool) {
		v := q[name]
		if len(v) == 0 {
			return nil, false
		}
		return v[len(v)-1], true
	})
}
