//go:build !race

package services_test

// raceEnabled is true under the race detector, which slows SQLite tenfold.
const raceEnabled = false
