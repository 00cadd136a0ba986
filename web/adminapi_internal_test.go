package web

import (
	"errors"
	"testing"

	"wsgate"
	"wsgate/admin/crud"
)

// TestAsFormError: a refusal of the admin services reaches a page as its
// status, message and field map; a failure, or no error, as nil.
func TestAsFormError(t *testing.T) {
	tests := []struct {
		name   string
		err    error
		status int // 0: nil
		msg    string
		fields map[string]string
	}{
		{"no error", nil, 0, "", nil},
		{"a failure", errors.New("disk on fire"), 0, "", nil},
		{"an internal error", wsgate.ErrCoding, 0, "", nil},
		{"invalid fields", crud.Invalid(crud.Fields{"email": "is not an email address"}), 400,
			"Please correct the fields marked below.", map[string]string{"email": "is not an email address"}},
		{"a taken name", crud.Exists("User", "username", "bob"), 409, "User already exists (username: bob)",
			map[string]string{"username": "already exists"}},
		{"a rule of the store", wsgate.ErrNoPermissions.WithDebug("why"), 403, wsgate.ErrNoPermissions.Message,
			map[string]string{}},
		{"a field error of the page", &formError{Message: "Choose a user.", Fields: map[string]string{"user_id": "x"}},
			400, "Choose a user.", map[string]string{"user_id": "x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fe := asFormError(tt.err)
			if tt.status == 0 {
				if fe != nil {
					t.Errorf("form error = %+v, want nil", fe)
				}
				return
			}
			if fe == nil || fe.Status != tt.status || fe.Message != tt.msg || len(fe.Fields) != len(tt.fields) {
				t.Fatalf("form error = %+v, want %d %q %v", fe, tt.status, tt.msg, tt.fields)
			}
			for k, v := range tt.fields {
				if fe.Fields[k] != v {
					t.Errorf("field %s = %q, want %q", k, fe.Fields[k], v)
				}
			}
		})
	}
}
