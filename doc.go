// Package wsgate holds the vocabulary every part of the gateway shares: the
// Error type with Moodle's exception classes and error codes, the caller of a
// function carried in a context, and the version.
//
// Imports go one way: wsgate <- functions <- services <- protocols, discovery,
// admin, web <- cmd. This package imports nothing of ours.
package wsgate
