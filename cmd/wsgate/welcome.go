package main

import (
	"fmt"
	"io"
)

// PrintWelcome tells a newcomer where the gateway listens and how to try it.
func (a *App) PrintWelcome(w io.Writer) {
	fmt.Fprintf(w, "wsgate is serving on %s (store: %s)\n\n", a.URL(), a.DB.Dialect)
	fmt.Fprintf(w, "Check it:\n  curl -s %s/status\n\n", a.URL())
}
