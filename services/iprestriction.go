package services

import (
	"errors"
	"net/netip"
	"strconv"
	"strings"
)

// IPRestriction is a parsed IP restriction string as Moodle's
// address_in_subnet() reads it: a comma-separated list whose entries are a
// single IPv4 or IPv6 address, a CIDR range ("10.0.0.0/8", "2001:db8::/32"),
// a range in the last group ("10.1.2.3-40", "2001:db8::1-ff"), or a prefix
// of whole groups ("10.1", "10.1.", "2001:db8"). The zero value allows every
// address.
type IPRestriction struct {
	restricted bool
	ranges     []ipRange
}

// ipRange is an inclusive range of addresses of one family.
type ipRange struct{ lo, hi netip.Addr }

// ParseIPRestriction parses s. Entries it cannot read are left out (they
// match no address, as in Moodle) and reported in the error; the returned
// restriction is usable either way. A non-empty s with no readable entry
// allows no address.
func ParseIPRestriction(s string) (IPRestriction, error) {
	r := IPRestriction{restricted: strings.TrimSpace(s) != ""}
	if !r.restricted {
		return r, nil
	}
	var bad []string
	for entry := range strings.SplitSeq(s, ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		rg, ok := parseIPEntry(entry)
		if !ok {
			bad = append(bad, strconv.Quote(entry))
			continue
		}
		r.ranges = append(r.ranges, rg)
	}
	switch {
	case len(bad) > 0:
		return r, errors.New("unreadable IP restriction entries: " + strings.Join(bad, ", "))
	case len(r.ranges) == 0:
		return r, errors.New("IP restriction " + strconv.Quote(s) + " lists no address")
	}
	return r, nil
}

// ValidateIPRestriction returns an invalidparameter error when s has an entry
// ParseIPRestriction cannot read.
func ValidateIPRestriction(s string) error {
	if _, err := ParseIPRestriction(s); err != nil {
		return invalidf("%v", err)
	}
	return nil
}

// AddressInSubnet reports whether addr matches the restriction string subnets
// (Moodle's address_in_subnet). An unreadable addr, and 0.0.0.0, match nothing.
func AddressInSubnet(addr, subnets string) bool {
	r, _ := ParseIPRestriction(subnets)
	ip, ok := parseRemoteAddr(addr)
	return ok && r.contains(ip)
}

// Restricted reports whether r limits the addresses at all.
func (r IPRestriction) Restricted() bool { return r.restricted }

// Allows reports whether addr passes r: always when r is not restricted,
// otherwise when an entry contains it.
func (r IPRestriction) Allows(addr netip.Addr) bool {
	return !r.restricted || r.contains(addr.Unmap().WithZone(""))
}

// AllowsString is Allows for an address in text form; an unreadable address
// passes only an unrestricted r.
func (r IPRestriction) AllowsString(addr string) bool {
	if !r.restricted {
		return true
	}
	ip, ok := parseRemoteAddr(addr)
	return ok && r.contains(ip)
}

func (r IPRestriction) contains(ip netip.Addr) bool {
	if !ip.IsValid() || ip.IsUnspecified() {
		return false
	}
	for _, rg := range r.ranges {
		if rg.lo.BitLen() == ip.BitLen() && rg.lo.Compare(ip) <= 0 && ip.Compare(rg.hi) <= 0 {
			return true
		}
	}
	return false
}

// parseRemoteAddr reads a remote address, with or without a port, and
// unmaps IPv4-mapped IPv6 addresses.
func parseRemoteAddr(s string) (netip.Addr, bool) {
	s = strings.TrimSpace(s)
	ip, err := netip.ParseAddr(s)
	if err != nil {
		ap, err := netip.ParseAddrPort(s)
		if err != nil {
			return netip.Addr{}, false
		}
		ip = ap.Addr()
	}
	return ip.Unmap().WithZone(""), true
}

func parseIP(s string) (netip.Addr, bool) {
	ip, err := netip.ParseAddr(strings.TrimSpace(s))
	if err != nil || ip.Zone() != "" {
		return netip.Addr{}, false
	}
	return ip.Unmap(), true
}

func parseIPEntry(e string) (ipRange, bool) {
	switch {
	case strings.Contains(e, "/"):
		addr, mask, _ := strings.Cut(e, "/")
		ip, ok := parseIP(addr)
		bits, err := strconv.Atoi(strings.TrimSpace(mask))
		if !ok || err != nil || bits < 0 || bits > ip.BitLen() || strings.ContainsAny(mask, "+-/") {
			return ipRange{}, false
		}
		return prefixRange(netip.PrefixFrom(ip, bits))
	case strings.Contains(e, "-"):
		rg, ok := lastGroupRange(e)
		return rg, ok && rg.lo.Compare(rg.hi) <= 0
	}
	if ip, ok := parseIP(e); ok {
		return ipRange{ip, ip}, true
	}
	return groupPrefixRange(e)
}

// lastGroupRange reads "10.1.2.3-40" or "2001:db8::1-ff": the range from the
// first address to the same address with its last group replaced.
func lastGroupRange(e string) (ipRange, bool) {
	first, last, _ := strings.Cut(e, "-")
	lo, ok := parseIP(first)
	last = strings.TrimSpace(last)
	if !ok || last == "" || strings.Contains(last, "-") {
		return ipRange{}, false
	}
	if lo.Is4() {
		n, err := strconv.ParseUint(last, 10, 8)
		if err != nil {
			return ipRange{}, false
		}
		b := lo.As4()
		b[3] = byte(n)
		return ipRange{lo, netip.AddrFrom4(b)}, true
	}
	n, err := strconv.ParseUint(last, 16, 16)
	if err != nil || len(last) > 4 {
		return ipRange{}, false
	}
	b := lo.As16()
	b[14], b[15] = byte(n>>8), byte(n)
	return ipRange{lo, netip.AddrFrom16(b)}, true
}

// groupPrefixRange reads a prefix of whole groups: "10", "10.1", "10.1.2"
// (with or without a trailing dot) or "2001", "2001:db8" ... (with or
// without a trailing colon).
func groupPrefixRange(e string) (ipRange, bool) {
	sep, size, base, groups := ".", 8, 10, 4
	if strings.Contains(e, ":") {
		sep, size, base, groups = ":", 16, 16, 8
	}
	trimmed := strings.TrimSuffix(e, sep)
	parts := strings.Split(trimmed, sep)
	if len(parts) == groups { // a whole address with a trailing separator
		ip, ok := parseIP(trimmed)
		return ipRange{ip, ip}, ok
	}
	if len(parts) > groups {
		return ipRange{}, false
	}
	var b [16]byte
	for i, p := range parts {
		if p == "" || (base == 16 && len(p) > 4) {
			return ipRange{}, false
		}
		n, err := strconv.ParseUint(p, base, size)
		if err != nil {
			return ipRange{}, false
		}
		if size == 8 {
			b[i] = byte(n)
		} else {
			b[2*i], b[2*i+1] = byte(n>>8), byte(n)
		}
	}
	var ip netip.Addr
	if size == 8 {
		ip = netip.AddrFrom4([4]byte(b[:4]))
	} else {
		ip = netip.AddrFrom16(b)
	}
	return prefixRange(netip.PrefixFrom(ip, len(parts)*size))
}

// prefixRange returns the first and last address of p.
func prefixRange(p netip.Prefix) (ipRange, bool) {
	if !p.IsValid() {
		return ipRange{}, false
	}
	p = p.Masked()
	lo := p.Addr()
	b := lo.As16()
	offset := 0
	if lo.Is4() {
		offset = 96
	}
	for i := offset + p.Bits(); i < 128; i++ {
		b[i/8] |= 1 << (7 - i%8)
	}
	hi := netip.AddrFrom16(b)
	if lo.Is4() {
		hi = hi.Unmap()
	}
	return ipRange{lo, hi}, true
}
