package wsgate

// Version is the gateway's release, set at build time with -ldflags.
var Version = "0.1.0-dev"
