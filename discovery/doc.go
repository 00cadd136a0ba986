// Package discovery reads the components' manifests (db/services.yaml, the YAML
// form of Moodle's db/services.php), validates them as a whole, and syncs them
// into external_functions, external_services and external_services_functions
// in one transaction, with Moodle's upgrade semantics, a diff and a dry run.
package discovery
