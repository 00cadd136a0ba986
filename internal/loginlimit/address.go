package loginlimit

import "net/netip"

// AddressGroup returns the group of addresses that share a per-address
// limit with address: an IPv4 address alone (also when written as an
// IPv4-mapped IPv6 address), an IPv6 address with its /64, the smallest
// network one subscriber is given. Anything that is not an IP address falls
// in one group, "invalid".
func AddressGroup(address string) string {
	a, err := netip.ParseAddr(address)
	if err != nil {
		return "invalid"
	}
	a = a.Unmap().WithZone("")
	if a.Is4() {
		return a.String()
	}
	p, _ := a.Prefix(64) // never fails on an IPv6 address without a zone
	return p.String()
}
