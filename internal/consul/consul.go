// Package consul registers the gateway with a local Consul agent, the way
// Wazo's services do (xivo's ServiceCatalogRegistration), and is off unless
// configured: once the gateway's /status is ok it registers the service with
// a TTL check, passes that check every refresh interval (fails it while
// /status is not ok), registers again when the agent forgets it, retries with
// backoff while the agent cannot be reached, and deregisters on shutdown.
package consul

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/hashicorp/consul/api"
)

// Config is what Wazo spreads over its consul: and service_discovery: keys,
// with the same defaults (see Defaults).
type Config struct {
	Enabled bool // service_discovery.enabled; false: Run does nothing

	// The agent (consul.scheme, consul.host + consul.port, consul.token).
	Scheme  string // http or https
	Address string // host:port of the agent
	Token   string // ACL token; empty: the agent's default

	// The service (service_discovery.*).
	ServiceName      string // the name consumers look up
	ServiceID        string // empty: <name>-<hostname>-<port>, stable across restarts
	AdvertiseAddress string // an address, or "auto": see AdvertiseInterface
	// AdvertiseInterface is the interface whose IPv4 address "auto" takes;
	// failing that, any eth*/en* interface's, then lo's, then 127.0.0.1.
	AdvertiseInterface string
	AdvertisePort      int
	TTL                time.Duration // the check turns critical when not passed for this long
	RefreshInterval    time.Duration // how often the check is passed; below TTL
	RetryInterval      time.Duration // first wait after a failure; it doubles up to MaxRetryInterval
	DeregisterAfter    time.Duration // Consul removes the service after this long critical; 0: never
	ExtraTags          []string      // tags besides the service name
	Meta               map[string]string
}

// MaxRetryInterval caps the backoff while the agent cannot be reached.
const MaxRetryInterval = 30 * time.Second

// requestTimeout bounds one request to the agent and one status probe.
const requestTimeout = 5 * time.Second

// Defaults returns Wazo's defaults (consul: {scheme: http, port: 8500},
// service_discovery: {enabled: false, advertise_address: auto,
// advertise_address_interface: eth0, ttl_interval: 30, refresh_interval: 25,
// retry_interval: 2, extra_tags: []}) with the gateway's name and port.
func Defaults() Config {
	return Config{
		Scheme:             "http",
		Address:            "127.0.0.1:8500",
		ServiceName:        "wsgate",
		AdvertiseAddress:   "auto",
		AdvertiseInterface: "eth0",
		AdvertisePort:      9506,
		TTL:                30 * time.Second,
		RefreshInterval:    25 * time.Second,
		RetryInterval:      2 * time.Second,
	}
}

// Validate reports a configuration Run cannot work with; a disabled
// configuration is always valid.
func (c Config) Validate() error {
	if !c.Enabled {
		return nil
	}
	switch {
	case c.Scheme != "http" && c.Scheme != "https":
		return fmt.Errorf("consul.scheme: %q is not http or https", c.Scheme)
	case c.Address == "":
		return errors.New("consul.host: empty")
	case c.ServiceName == "" || strings.Contains(c.ServiceName, "/"):
		return fmt.Errorf("service_discovery.service_name: %q is empty or has a slash", c.ServiceName)
	case strings.Contains(c.ServiceID, "/"):
		return fmt.Errorf("service_discovery.service_id: %q has a slash", c.ServiceID)
	case c.AdvertisePort < 1 || c.AdvertisePort > 65535:
		return fmt.Errorf("service_discovery.advertise_port: %d is not a port", c.AdvertisePort)
	case c.TTL <= 0:
		return errors.New("service_discovery.ttl_interval: must be positive")
	case c.RefreshInterval <= 0 || c.RefreshInterval >= c.TTL:
		return errors.New("service_discovery.refresh_interval: must be positive and below ttl_interval")
	case c.RetryInterval <= 0:
		return errors.New("service_discovery.retry_interval: must be positive")
	case c.DeregisterAfter < 0:
		return errors.New("service_discovery.deregister_critical_after: must not be negative")
	}
	return nil
}

// Run keeps the service registered until ctx is done, then deregisters it.
// status reports whether the gateway is healthy (its /status is ok; see
// HTTPStatus); it is asked before registering and before every pass. Run
// returns nil at once when cfg is disabled, an error when it is invalid, and
// nil after deregistering otherwise.
func Run(ctx context.Context, cfg Config, status func(context.Context) bool, log *slog.Logger) error {
	if !cfg.Enabled {
		return nil
	}
	if err := cfg.Validate(); err != nil {
		return err
	}
	if log == nil {
		log = slog.Default()
	}
	log = log.With("component", "consul")
	client, err := api.NewClient(&api.Config{Address: cfg.Address, Scheme: cfg.Scheme, Token: cfg.Token})
	if err != nil {
		return fmt.Errorf("consul: %w", err)
	}
	r := &registrar{cfg: cfg, agent: client.Agent(), status: status, log: log}
	r.id = cfg.ServiceID
	if r.id == "" {
		host, _ := os.Hostname()
		r.id = fmt.Sprintf("%s-%s-%d", cfg.ServiceName, host, cfg.AdvertisePort)
	}
	r.checkID = "service:" + r.id
	r.run(ctx)
	return nil
}

type registrar struct {
	cfg     Config
	agent   *api.Agent
	status  func(context.Context) bool
	log     *slog.Logger
	id      string
	checkID string
	warned  bool // about an advertised loopback address
}

func (r *registrar) run(ctx context.Context) {
	var (
		registered bool // the agent knows the service, as far as we know
		known      bool // a registration succeeded once: deregister at the end
		wait       time.Duration
		backoff    = r.cfg.RetryInterval
	)
	failed := func(what string, err error) {
		if ctx.Err() != nil {
			return // shutting down: the request was cut short, not refused
		}
		r.log.Warn("consul: "+what+" failed", "service_id", r.id, "agent", r.cfg.Address,
			"error", err, "retry_in", backoff)
		wait, backoff = backoff, min(2*backoff, max(MaxRetryInterval, r.cfg.RetryInterval))
	}
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		timer.Reset(wait)
		select {
		case <-ctx.Done():
			if known {
				r.deregister()
			}
			return
		case <-timer.C:
		}
		ok := r.healthy(ctx)
		if !registered {
			if !ok {
				r.log.Debug("consul: waiting for /status to be ok before registering")
				wait = r.cfg.RetryInterval
				continue
			}
			if err := r.register(ctx); err != nil {
				failed("registration", err)
				continue
			}
			registered, known = true, true
			r.log.Info("consul: registered", "service", r.cfg.ServiceName, "service_id", r.id,
				"agent", r.cfg.Address)
		}
		if err := r.update(ctx, ok); err != nil {
			// The agent may have restarted and forgotten the service:
			// register it again on the next round.
			registered = false
			failed("check update", err)
			continue
		}
		backoff = r.cfg.RetryInterval
		wait = r.cfg.RefreshInterval
	}
}

func (r *registrar) healthy(ctx context.Context) bool {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	return r.status(ctx)
}

// registration is what is sent to the agent: the service and its TTL check,
// passing from the start since status was ok just before.
func (r *registrar) registration() *api.AgentServiceRegistration {
	check := &api.AgentServiceCheck{
		CheckID: r.checkID,
		Name:    r.cfg.ServiceName + " /status",
		Notes:   "passed by " + r.cfg.ServiceName + " itself while its /status is ok",
		TTL:     r.cfg.TTL.String(),
		Status:  api.HealthPassing,
	}
	if r.cfg.DeregisterAfter > 0 {
		check.DeregisterCriticalServiceAfter = r.cfg.DeregisterAfter.String()
	}
	tags := append([]string{r.cfg.ServiceName}, r.cfg.ExtraTags...)
	addr := AdvertiseAddress(r.cfg.AdvertiseAddress, r.cfg.AdvertiseInterface)
	if addr == "127.0.0.1" && (r.cfg.AdvertiseAddress == "" || r.cfg.AdvertiseAddress == "auto") && !r.warned {
		r.warned = true
		r.log.Warn("consul: advertise_address auto found no interface address and advertises 127.0.0.1; "+
			"set service_discovery.advertise_address (under systemd, auto also needs AF_NETLINK in "+
			"RestrictAddressFamilies)", "interface", r.cfg.AdvertiseInterface)
	}
	return &api.AgentServiceRegistration{
		ID:      r.id,
		Name:    r.cfg.ServiceName,
		Tags:    tags,
		Address: addr,
		Port:    r.cfg.AdvertisePort,
		Meta:    r.cfg.Meta,
		Check:   check,
	}
}

func (r *registrar) register(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	return r.agent.ServiceRegisterOpts(r.registration(), api.ServiceRegisterOpts{}.WithContext(ctx))
}

func (r *registrar) update(ctx context.Context, ok bool) error {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	state, output := api.HealthPassing, "/status is ok"
	if !ok {
		state, output = api.HealthCritical, "/status is not ok"
	}
	return r.agent.UpdateTTLOpts(r.checkID, output, state, (&api.QueryOptions{}).WithContext(ctx))
}

// deregister removes the service and its check; it runs after ctx is done,
// so it has a deadline of its own.
func (r *registrar) deregister() {
	ctx, cancel := context.WithTimeout(context.Background(), requestTimeout)
	defer cancel()
	if err := r.agent.ServiceDeregisterOpts(r.id, (&api.QueryOptions{}).WithContext(ctx)); err != nil {
		r.log.Warn("consul: deregistration failed", "service_id", r.id, "error", err)
		return
	}
	r.log.Info("consul: deregistered", "service_id", r.id)
}

// AdvertiseAddress returns addr unless it is "auto" or empty; then the first
// IPv4 address of the interface iface, else of any eth* or en* interface,
// else of lo, else 127.0.0.1 (Wazo's order).
func AdvertiseAddress(addr, iface string) string {
	if addr != "" && addr != "auto" {
		return addr
	}
	if ip := interfaceIPv4(iface); ip != "" {
		return ip
	}
	ifaces, _ := net.Interfaces()
	for _, i := range ifaces {
		if strings.HasPrefix(i.Name, "eth") || strings.HasPrefix(i.Name, "en") {
			if ip := interfaceIPv4(i.Name); ip != "" {
				return ip
			}
		}
	}
	if ip := interfaceIPv4("lo"); ip != "" {
		return ip
	}
	return "127.0.0.1"
}

func interfaceIPv4(name string) string {
	if name == "" {
		return ""
	}
	i, err := net.InterfaceByName(name)
	if err != nil {
		return ""
	}
	addrs, err := i.Addrs()
	if err != nil {
		return ""
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok {
			if ip4 := n.IP.To4(); ip4 != nil {
				return ip4.String()
			}
		}
	}
	return ""
}

// HTTPStatus returns a status function for Run that asks url (the gateway's
// own /status, e.g. http://127.0.0.1:9506/status) and is true when it
// answers 200 with {"status":"ok"}, as Wazo's self-check asks the service
// over HTTP. client may be nil.
func HTTPStatus(client *http.Client, url string) func(context.Context) bool {
	if client == nil {
		client = &http.Client{Timeout: requestTimeout}
	}
	return func(ctx context.Context) bool {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return false
		}
		resp, err := client.Do(req)
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		var body struct {
			Status string `json:"status"`
		}
		if resp.StatusCode != http.StatusOK ||
			json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&body) != nil {
			return false
		}
		return body.Status == "ok"
	}
}
