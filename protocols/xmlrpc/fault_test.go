package xmlrpc_test

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"testing"

	"wsgate"
	"wsgate/protocols/xmlrpc"
)

func TestFaultCode(t *testing.T) {
	tests := []struct {
		code string
		want int
	}{
		{"invalidrecord", 23604497}, // Moodle's own test fixture
		{"invalidtoken", 89159464},
		{"accessexception", 23000021},
		{"invalidparameter", 29039061},
		{"", xmlrpc.NoCodeFault},
	}
	for _, tt := range tests {
		if got := xmlrpc.FaultCode(tt.code); got != tt.want {
			t.Errorf("FaultCode(%q) = %d, want %d", tt.code, got, tt.want)
		}
	}
}

func TestFaultString(t *testing.T) {
	e := wsgate.ErrAccess.WithDebug("You are not allowed to use the xmlrpc protocol")
	tests := []struct {
		name  string
		err   error
		debug bool
		want  string
	}{
		{"code", wsgate.ErrInvalidToken, false, "Invalid token - token not found | ERRORCODE: invalidtoken"},
		{"debuginfo hidden", e, false, "Access control exception | ERRORCODE: accessexception"},
		{"debuginfo shown", e, true,
			"Access control exception | DEBUG INFO: You are not allowed to use the xmlrpc protocol | ERRORCODE: accessexception"},
		{"debug without debuginfo", wsgate.ErrInvalidToken, true, "Invalid token - token not found | ERRORCODE: invalidtoken"},
		{"no errorcode", &wsgate.Error{Message: "bare"}, true, "bare"},
		{"foreign error hides its cause", errors.New("secret: dsn=postgres://u:p@h"), true,
			"Internal server error | ERRORCODE: generalexceptionmessage"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := xmlrpc.FaultString(tt.err, tt.debug); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// mustParse fails t unless b is well-formed XML for encoding/xml.
func mustParse(t testing.TB, b []byte) {
	t.Helper()
	if err := parseXML(b); err != nil {
		t.Fatalf("not well-formed XML: %v\n%s", err, b)
	}
}

// parseXML reads every token of b with the strict decoder.
func parseXML(b []byte) error {
	d := xml.NewDecoder(bytes.NewReader(b))
	for {
		_, err := d.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}
