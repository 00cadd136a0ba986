package services_test

import (
	"testing"

	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
	"wsgate/services"
)

// TestAuthorizeFiles: the file scripts' check refuses what Moodle's
// authenticate_user refuses, then each transfer its service does not allow.
func TestAuthorizeFiles(t *testing.T) {
	readOnly := withToken(func(s *services.TokenSpec) { s.ReadOnly = true })
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, services.AuthorizerOptions{RequireProtocolCapability: true})
		uploads := withService(func(s *services.Service) { s.UploadFiles = true })
		downloads := withService(func(s *services.Service) { s.DownloadFiles = true })
		tests := []struct {
			name string
			mods []func(*fix)
			t    services.FileTransfer
			code string
		}{
			{name: "upload allowed", mods: fixes(uploads), t: services.Upload},
			{name: "download allowed, no protocol capability needed", mods: fixes(downloads), t: services.Download},
			{name: "upload refused", mods: fixes(downloads), t: services.Upload, code: "accessexception"},
			{name: "download refused", mods: fixes(uploads), t: services.Download, code: "accessexception"},
			{name: "suspended user", mods: fixes(uploads, suspended), t: services.Upload, code: "wsaccessusersuspended"},
			{name: "service disabled", mods: fixes(uploads, disabled), t: services.Upload, code: "servicenotavailable"},
			{name: "read-only token uploads", mods: fixes(uploads, readOnly), t: services.Upload, code: "accessexception"},
			{name: "read-only token downloads", mods: fixes(downloads, readOnly), t: services.Download},
			{name: "restricted, not authorised", mods: fixes(uploads, restricted), t: services.Upload, code: "accessexception"},
		}
		for i, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				m := e.make("f"+string(rune('a'+i)), tt.mods...)
				c, err := e.a.AuthorizeFiles(e.ctx, m.req, tt.t)
				wantErr(t, err, tt.code, "", "")
				if err == nil && (c.UserID != m.user.ID || c.ServiceID != m.svc.ID) {
					t.Fatalf("caller %+v", c)
				}
			})
		}
		bad := e.make("unknown")
		bad.req.Token = "0123456789abcdef0123456789abcdef"
		_, err := e.a.AuthorizeFiles(e.ctx, bad.req, services.Download)
		wantErr(t, err, "invalidtoken", "", "")
	})
}
