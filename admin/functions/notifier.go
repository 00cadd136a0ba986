package functions

// Functions are read only through the admin API: no change, so no event.
// The upgrade that installs them announces its own changes.
