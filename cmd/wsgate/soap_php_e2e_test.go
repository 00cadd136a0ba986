package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
	"wsgate/protocols/soap"
)

// phpValue is a value as testdata/php/common.php prints it: PHP's type
// (gettype, or "object") and the value, whose members and items are
// phpValues again.
type phpValue struct {
	Type    string
	Scalar  any
	Items   []phpValue
	Members map[string]phpValue
}

func (v *phpValue) UnmarshalJSON(b []byte) error {
	var pair []json.RawMessage
	if err := json.Unmarshal(b, &pair); err != nil || len(pair) != 2 {
		return fmt.Errorf("not a [type, value] pair: %s", b)
	}
	if err := json.Unmarshal(pair[0], &v.Type); err != nil {
		return err
	}
	switch v.Type {
	case "array":
		// json_encode writes a list as a JSON array, other arrays as objects.
		if err := json.Unmarshal(pair[1], &v.Items); err != nil {
			return fmt.Errorf("a PHP array that is not a list: %s", pair[1])
		}
		return nil
	case "object":
		return json.Unmarshal(pair[1], &v.Members)
	}
	d := json.NewDecoder(bytes.NewReader(pair[1]))
	d.UseNumber()
	return d.Decode(&v.Scalar)
}

// String shows the value as PHP's var_export would, roughly.
func (v phpValue) String() string {
	switch v.Type {
	case "array":
		return fmt.Sprintf("array%v", v.Items)
	case "object":
		return fmt.Sprintf("object%v", v.Members)
	}
	return fmt.Sprintf("%s(%v)", v.Type, v.Scalar)
}

// phpSummary is what testdata/php/*.php print.
type phpSummary struct {
	SiteInfo     phpValue `json:"site_info"`
	UsersByField phpValue `json:"users_by_field"`
	Fault        *struct {
		FaultCode   string `json:"faultcode"`
		FaultString string `json:"faultstring"`
	} `json:"fault"`
}

// phpBinary returns the php command line interpreter with the soap
// extension: WSGATE_PHP or php in PATH. Without it the test is skipped,
// or fails when CI is set (.ci/run installs php-cli and php-soap).
func phpBinary(t *testing.T) string {
	t.Helper()
	path := os.Getenv("WSGATE_PHP")
	if path == "" {
		path = "php"
	}
	bin, err := exec.LookPath(path)
	if err == nil {
		var out []byte
		out, err = exec.Command(bin, "-r", `exit(class_exists("SoapClient") ? 0 : 3);`).CombinedOutput()
		if err != nil {
			err = fmt.Errorf("%s has no SoapClient (php-soap): %v %s", bin, err, out)
		}
	}
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set and PHP with SOAP is missing (apt-get install -y php-cli php-soap): %v", err)
		}
		t.Skipf("no PHP with SOAP (apt-get install -y php-cli php-soap): %v", err)
	}
	return bin
}

// TestSOAPPHPClient runs PHP's SoapClient against the gateway in both
// modes a Moodle integration uses, with code written for Moodle: WSDL mode
// on the rpc/encoded WSDL (?wsdl=1&style=rpc) and non-WSDL mode (location
// and uri). Each script calls get_site_info, get_users_by_field with a
// one-element list, and get_site_info with an invalid token; the test
// checks the PHP types of what PHP decoded, as Moodle's server gives them
// (INT and BOOL integers, lists arrays even with one element, structures
// objects), and the SoapFault.
func TestSOAPPHPClient(t *testing.T) {
	php := phpBinary(t)
	app := startApp(t, dbtest.URL(t, db.SQLite), "WSGATE_DEBUG=true")
	token := siteAdminToken(t, app, "admin", "", "wsgate_admin")
	admin, err := app.store.UserByUsername(context.Background(), "admin")
	if err != nil {
		t.Fatal(err)
	}
	for _, mode := range []string{"wsdl", "nowsdl"} {
		t.Run(mode, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, php, "-d", "display_errors=stderr", filepath.Join("testdata", "php", mode+".php"))
			cmd.Env = append(os.Environ(), "WSGATE_URL="+app.URL()+soap.Path, "WSGATE_TOKEN="+token)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil {
				t.Fatalf("php %s.php: %v\nstderr:\n%s\nstdout:\n%s", mode, err, stderr.Bytes(), stdout.Bytes())
			}
			var s phpSummary
			if err := json.Unmarshal(stdout.Bytes(), &s); err != nil {
				t.Fatalf("the script's output is not its summary: %v\n%s", err, stdout.Bytes())
			}
			defer func() {
				if t.Failed() {
					t.Logf("summary:\n%s", stdout.Bytes())
				}
			}()

			si := s.SiteInfo
			phpWant(t, "get_site_info", si, "object", nil)
			phpWant(t, "get_site_info userid", si.Members["userid"], "integer", json.Number(fmt.Sprint(admin.ID)))
			phpWant(t, "get_site_info username", si.Members["username"], "string", "admin")
			phpWant(t, "get_site_info userissiteadmin", si.Members["userissiteadmin"], "integer", json.Number("1"))
			phpWant(t, "get_site_info sitename", si.Members["sitename"], "string", nil)
			fns := si.Members["functions"]
			phpWant(t, "get_site_info functions", fns, "array", nil)
			names := map[string]bool{}
			for _, f := range fns.Items {
				phpWant(t, "get_site_info functions item", f, "object", nil)
				phpWant(t, "get_site_info functions item name", f.Members["name"], "string", nil)
				names[fmt.Sprint(f.Members["name"].Scalar)] = true
			}
			if !names["core_user_get_users_by_field"] || !names["core_webservice_get_site_info"] {
				t.Errorf("get_site_info functions = %v, want the wsgate_admin functions", fns)
			}

			users := s.UsersByField
			if phpWant(t, "get_users_by_field", users, "array", nil); len(users.Items) != 1 {
				t.Fatalf("get_users_by_field(username, [admin]) = %v, want a list of one user", users)
			}
			u := users.Items[0]
			phpWant(t, "get_users_by_field user", u, "object", nil)
			phpWant(t, "get_users_by_field id", u.Members["id"], "integer", json.Number(fmt.Sprint(admin.ID)))
			phpWant(t, "get_users_by_field username", u.Members["username"], "string", "admin")
			phpWant(t, "get_users_by_field suspended", u.Members["suspended"], "integer", json.Number("0"))
			phpWant(t, "get_users_by_field confirmed", u.Members["confirmed"], "integer", json.Number("1"))

			if s.Fault == nil || !strings.Contains(s.Fault.FaultString, "ERRORCODE: invalidtoken") ||
				!strings.HasSuffix(s.Fault.FaultCode, "Client") {
				t.Errorf("invalid token: fault %+v, want a Client SoapFault with ERRORCODE: invalidtoken", s.Fault)
			}
		})
	}
}

// phpWant checks the PHP type of v and, unless want is nil, its value.
func phpWant(t *testing.T, what string, v phpValue, typ string, want any) {
	t.Helper()
	if v.Type != typ || (want != nil && v.Scalar != want) {
		if want == nil {
			t.Errorf("%s = %v, want a PHP %s", what, v, typ)
		} else {
			t.Errorf("%s = %v, want %s(%v)", what, v, typ, want)
		}
	}
}
