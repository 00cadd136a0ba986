package services_test

import (
	"net/netip"
	"testing"

	"wsgate/services"
)

func TestAddressInSubnet(t *testing.T) {
	tests := []struct {
		name, restriction, addr string
		want                    bool
	}{
		{"single v4", "192.0.2.10", "192.0.2.10", true},
		{"single v4 other", "192.0.2.10", "192.0.2.11", false},
		{"list with spaces", " 10.0.0.1 , 192.0.2.10 ", "192.0.2.10", true},
		{"list miss", "10.0.0.1,10.0.0.2", "10.0.0.3", false},
		{"cidr /24 in", "192.0.2.0/24", "192.0.2.200", true},
		{"cidr /24 out", "192.0.2.0/24", "192.0.3.1", false},
		{"cidr unmasked base", "192.0.2.77/24", "192.0.2.1", true},
		{"cidr /32", "192.0.2.1/32", "192.0.2.1", true},
		{"cidr /32 other", "192.0.2.1/32", "192.0.2.2", false},
		{"cidr /0 any v4", "0.0.0.0/0", "203.0.113.9", true},
		{"cidr /0 v4 not v6", "0.0.0.0/0", "2001:db8::1", false},
		{"cidr mask with spaces", "10.0.0.0/ 8", "10.200.0.1", true},
		{"cidr bad mask", "10.0.0.0/33", "10.0.0.1", false},
		{"cidr dotted mask", "10.0.0.0/255.0.0.0", "10.0.0.1", false},
		{"range in", "192.0.2.10-20", "192.0.2.15", true},
		{"range low end", "192.0.2.10-20", "192.0.2.10", true},
		{"range high end", "192.0.2.10-20", "192.0.2.20", true},
		{"range out", "192.0.2.10-20", "192.0.2.21", false},
		{"range other net", "192.0.2.10-20", "192.0.3.15", false},
		{"range reversed", "192.0.2.20-10", "192.0.2.15", false},
		{"range bad end", "192.0.2.10-300", "192.0.2.15", false},
		{"prefix two groups", "192.168", "192.168.44.1", true},
		{"prefix trailing dot", "192.168.", "192.168.44.1", true},
		{"prefix three groups", "192.168.4.", "192.168.4.200", true},
		{"prefix miss", "192.168.4", "192.168.5.1", false},
		{"prefix one group", "10", "10.1.2.3", true},
		{"prefix one group dot", "10.", "11.1.2.3", false},
		{"address trailing dot", "192.0.2.10.", "192.0.2.10", true},
		{"v6 single", "2001:db8::1", "2001:db8::1", true},
		{"v6 single expanded", "2001:0db8:0:0:0:0:0:1", "2001:db8::1", true},
		{"v6 single other", "2001:db8::1", "2001:db8::2", false},
		{"v6 cidr in", "2001:db8::/32", "2001:db8:ffff::1", true},
		{"v6 cidr out", "2001:db8::/32", "2001:db9::1", false},
		{"v6 cidr /128", "2001:db8::5/128", "2001:db8::5", true},
		{"v6 cidr not v4", "::/0", "192.0.2.1", false},
		{"v6 range in", "2001:db8::10-1f", "2001:db8::1a", true},
		{"v6 range out", "2001:db8::10-1f", "2001:db8::20", false},
		{"v6 prefix", "2001:db8", "2001:db8:1::1", true},
		{"v6 prefix trailing colon", "2001:db8:", "2001:db8:1::1", true},
		{"v6 prefix miss", "2001:db8", "2001:db9::1", false},
		{"v4 rule, v6 addr", "192.0.2.0/24", "2001:db8::1", false},
		{"mapped v4 addr", "192.0.2.0/24", "::ffff:192.0.2.7", true},
		{"addr with port", "192.0.2.10", "192.0.2.10:4433", true},
		{"v6 addr with port", "2001:db8::1", "[2001:db8::1]:443", true},
		{"zero address never", "0.0.0.0/0", "0.0.0.0", false},
		{"empty addr", "192.0.2.10", "", false},
		{"garbage addr", "192.0.2.10", "not-an-ip", false},
		{"garbage entry skipped", "garbage, 192.0.2.10", "192.0.2.10", true},
		{"only garbage", "garbage", "192.0.2.10", false},
		{"only commas", " , ", "192.0.2.10", false},
		{"empty restriction matches nothing", "", "192.0.2.10", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := services.AddressInSubnet(tt.addr, tt.restriction); got != tt.want {
				t.Errorf("AddressInSubnet(%q, %q) = %v, want %v", tt.addr, tt.restriction, got, tt.want)
			}
		})
	}
}

func TestIPRestriction(t *testing.T) {
	tests := []struct {
		in         string
		valid      bool
		restricted bool
	}{
		{"", true, false},
		{"  ", true, false},
		{"192.0.2.1", true, true},
		{"192.0.2.0/24, 2001:db8::/32, 10.1.2.3-9, 172.16., 2001:db8:1", true, true},
		{"192.0.2.1,", true, true},
		{",", false, true},
		{"192.0.2.300", false, true},
		{"192.0.2.1/40", false, true},
		{"192.0.2.9-1", false, true},
		{"192.0.2.1-", false, true},
		{"192.0.2.1-2-3", false, true},
		{"1.2.3.4.5", false, true},
		{"fe80::1%eth0", false, true},
		{"2001:db8::1-12345", false, true},
		{"1.2.3.4/+8", false, true},
		{"1..2", false, true},
		{"host.example.org", false, true},
	}
	for _, tt := range tests {
		r, err := services.ParseIPRestriction(tt.in)
		if (err == nil) != tt.valid || r.Restricted() != tt.restricted {
			t.Errorf("ParseIPRestriction(%q) = restricted %v, err %v; want valid %v, restricted %v",
				tt.in, r.Restricted(), err, tt.valid, tt.restricted)
		}
		if (services.ValidateIPRestriction(tt.in) == nil) != tt.valid {
			t.Errorf("ValidateIPRestriction(%q) disagrees", tt.in)
		}
	}
	var zero services.IPRestriction
	if !zero.Allows(netip.MustParseAddr("192.0.2.1")) || !zero.AllowsString("garbage") {
		t.Error("the zero restriction refuses")
	}
	r, _ := services.ParseIPRestriction("192.0.2.0/24")
	if !r.Allows(netip.MustParseAddr("::ffff:192.0.2.1")) || r.Allows(netip.Addr{}) || r.AllowsString("") {
		t.Error("Allows mishandles mapped or invalid addresses")
	}
}

// FuzzIPRestriction checks that no restriction string or address panics, and
// that an address a restriction allows is allowed by its own entry list.
func FuzzIPRestriction(f *testing.F) {
	for _, s := range []string{"192.0.2.0/24", "10.1.2.3-9", "2001:db8::1-ff", "172.16.", "2001:db8:", "a-b/c",
		"::ffff:1.2.3.4/120", "1.2.3.4-", "-", "/", ":", "..", "1.2.3.4/999999999999999999999"} {
		f.Add(s, "192.0.2.5")
		f.Add(s, "2001:db8::5")
	}
	f.Fuzz(func(t *testing.T, restriction, addr string) {
		r, _ := services.ParseIPRestriction(restriction)
		got := r.AllowsString(addr)
		if got && r.Restricted() && !services.AddressInSubnet(addr, restriction) {
			t.Errorf("AllowsString and AddressInSubnet disagree on %q, %q", restriction, addr)
		}
	})
}
