// Package files is the gateway's file store: the files table (one row per
// file, in Moodle's shape) and the contents it points to, addressed by their
// SHA-1, kept once and counted (file_contents), on disk (Disk) or in the
// database (Chunks) so that several instances share them. Uploads are staged
// first and recorded in one transaction, so a failed request leaves neither
// content nor record behind. The HTTP endpoints live in protocols/files, the
// functions that use files in components.
package files
