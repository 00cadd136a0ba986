package functions

// Functions are read only through the admin API: no change, so no rule.
// The manifests are validated when they are loaded (package discovery).
