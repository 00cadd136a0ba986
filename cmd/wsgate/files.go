package main

import (
	"github.com/gin-gonic/gin"

	pfiles "wsgate/protocols/files"
)

// fileRoutes mounts Moodle's file scripts: upload.php, and pluginfile.php
// and draftfile.php with their slash arguments.
func (a *App) fileRoutes(e *gin.Engine) {
	fc := a.Config.Files
	e.Any("/webservice/upload.php", gin.WrapH(&pfiles.Upload{Auth: a.auth, Store: a.files, MaxBytes: fc.MaxBytes,
		MaxBodyBytes: fc.MaxUploadBodyBytes, MaxFiles: fc.MaxUploadFiles, Quota: fc.UserQuota, License: fc.License, ReadTimeout: fc.UploadTimeout,
		Debug: a.Config.Debug, Log: a.Log}))
	for _, script := range []string{"/webservice/pluginfile.php", "/webservice/draftfile.php"} {
		h := gin.WrapH(&pfiles.Download{Auth: a.auth, Store: a.files, Access: a.access, Script: script,
			DraftOnly: script == "/webservice/draftfile.php", Debug: a.Config.Debug, Log: a.Log})
		e.Any(script, h)
		e.Any(script+"/*args", h)
	}
}
