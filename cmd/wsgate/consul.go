package main

import (
	"net"
	"strconv"
	"time"

	"wsgate"
	"wsgate/internal/consul"
)

// ConsulConfig says where the Consul agent is (Wazo's consul: keys).
type ConsulConfig struct {
	Scheme string `mapstructure:"scheme"`
	Host   string `mapstructure:"host"`
	Port   int    `mapstructure:"port"`
	Token  string `mapstructure:"token"`
}

// ServiceDiscoveryConfig shapes the optional Consul registration (Wazo's
// service_discovery: keys, plus service_name, service_id and
// deregister_critical_after).
type ServiceDiscoveryConfig struct {
	Enabled                   bool          `mapstructure:"enabled"`
	ServiceName               string        `mapstructure:"service_name"`
	ServiceID                 string        `mapstructure:"service_id"`
	AdvertiseAddress          string        `mapstructure:"advertise_address"`
	AdvertiseAddressInterface string        `mapstructure:"advertise_address_interface"`
	AdvertisePort             int           `mapstructure:"advertise_port"`
	TTLInterval               time.Duration `mapstructure:"ttl_interval"`
	RefreshInterval           time.Duration `mapstructure:"refresh_interval"`
	RetryInterval             time.Duration `mapstructure:"retry_interval"`
	DeregisterCriticalAfter   time.Duration `mapstructure:"deregister_critical_after"`
	ExtraTags                 []string      `mapstructure:"extra_tags"`
}

// consulConfig turns the consul and service_discovery keys into the
// registration's settings. The advertised port is advertise_port, else
// boundPort (the port actually listened on), else the port of listen.
func (c *Config) consulConfig(boundPort int) consul.Config {
	sd := c.ServiceDiscovery
	port := sd.AdvertisePort
	if port == 0 {
		port = boundPort
	}
	if port == 0 {
		_, p, _ := net.SplitHostPort(c.Listen)
		port, _ = strconv.Atoi(p)
	}
	tags := sd.ExtraTags
	if c.Bus.OriginUUID != "" { // Wazo tags its services with its UUID
		tags = append([]string{c.Bus.OriginUUID}, tags...)
	}
	return consul.Config{
		Enabled: sd.Enabled,
		Scheme:  c.Consul.Scheme, Address: net.JoinHostPort(c.Consul.Host, strconv.Itoa(c.Consul.Port)),
		Token:       c.Consul.Token,
		ServiceName: sd.ServiceName, ServiceID: sd.ServiceID,
		AdvertiseAddress: sd.AdvertiseAddress, AdvertiseInterface: sd.AdvertiseAddressInterface,
		AdvertisePort: port,
		TTL:           sd.TTLInterval, RefreshInterval: sd.RefreshInterval, RetryInterval: sd.RetryInterval,
		DeregisterAfter: sd.DeregisterCriticalAfter,
		ExtraTags:       tags,
		Meta:            map[string]string{"version": wsgate.Version},
	}
}
