package main

import (
	"net"
	"strconv"
)

// selfURL is the address a client on this host reaches the gateway at:
// URL, with 127.0.0.1 for an unspecified address (0.0.0.0, ::); ""
// before Listen.
func (a *App) selfURL() string {
	if a.listener == nil {
		return ""
	}
	addr, ok := a.listener.Addr().(*net.TCPAddr)
	if !ok {
		return a.URL()
	}
	ip := addr.IP
	if ip.IsUnspecified() { // Go listens on both stacks for "::" too
		ip = net.IPv4(127, 0, 0, 1)
	}
	return "http://" + net.JoinHostPort(ip.String(), strconv.Itoa(addr.Port))
}
