// Package files serves Moodle's file scripts over the file store (package
// wsgate/files): /webservice/upload.php (upload.go), which streams
// multipart files into the caller's draft area, and
// /webservice/pluginfile.php and draftfile.php (download.go), which serve a
// file the owning component's access callback allows. Errors take the form
// of Moodle's AJAX scripts (errors.go).
package files
