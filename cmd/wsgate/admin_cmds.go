package main

import (
	"bufio"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"wsgate"
	"wsgate/admin/crud"
	adminservices "wsgate/admin/services"
	"wsgate/admin/serviceusers"
	"wsgate/admin/tokens"
	"wsgate/admin/users"
	"wsgate/services"
)

// withGateway loads the configuration, opens the gateway, runs fn and closes it.
func (c *cli) withGateway(cmd *cobra.Command, fn func(g *gateway) error) error {
	cfg, err := c.config()
	if err != nil {
		return err
	}
	g, err := openGateway(cmd.Context(), cfg, c.logger(cfg))
	if err != nil {
		return err
	}
	defer g.Close()
	return fn(g)
}

// cliCaller is who the command line acts as in the admin services: the
// operator of the machine, who may do anything.
var cliCaller = &wsgate.Caller{Username: "cli", Protocol: "cli", RemoteIP: "127.0.0.1", IsSiteAdmin: true}

// refusal returns err, a change refused by the admin services (which the
// command line makes its changes through, so it validates, records events
// and drops caches as the API does), with the fields it names:
// "Sent data is invalid: username is required".
func refusal(err error) error {
	var p *crud.Problem
	if !errors.As(err, &p) {
		return err
	}
	var fields []string
	for k, v := range p.ErrorDetails() {
		if s, ok := v.(string); ok && k != "debuginfo" {
			fields = append(fields, k+" "+s)
		}
	}
	if len(fields) == 0 {
		return err
	}
	sort.Strings(fields)
	return fmt.Errorf("%s: %s", p.Error(), strings.Join(fields, "; "))
}

func (c *cli) printf(format string, args ...any) { fmt.Fprintf(c.stdout, format, args...) }

// parseValidUntil reads an RFC 3339 time; "" means no expiry (0).
func parseValidUntil(s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return 0, usageError{fmt.Errorf("--valid-until: %q is not an RFC 3339 time such as 2027-01-31T00:00:00Z", s)}
	}
	return t.Unix(), nil
}

// checkIPList validates an IP restriction list as the authorizer reads it.
func checkIPList(s string) error {
	if s == "" {
		return nil
	}
	if _, err := services.ParseIPRestriction(s); err != nil {
		return usageError{fmt.Errorf("--ip: %v", err)}
	}
	return nil
}

func newUserCmd(c *cli) *cobra.Command {
	cmd := &cobra.Command{Use: "user", Short: "Manage the gateway's users", Args: noArgs,
		RunE: func(*cobra.Command, []string) error { return usageError{fmt.Errorf("user needs a verb: create")} }}
	var passwordStdin bool
	var roles []string
	var first, last, email string
	create := &cobra.Command{
		Use:   "create USERNAME",
		Short: "Create a user, optionally with a password read from stdin and roles",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			password := ""
			if passwordStdin {
				line, err := bufio.NewReader(c.stdin).ReadString('\n')
				if err != nil && line == "" {
					return usageError{fmt.Errorf("--password-stdin: no password on standard input")}
				}
				password = strings.TrimRight(line, "\r\n")
			}
			return c.withGateway(cmd, func(g *gateway) error {
				ctx := cmd.Context()
				in := users.Input{Username: args[0], FirstName: first, LastName: last, Email: email,
					Auth: services.AuthManual}
				if passwordStdin {
					in.Password = &password
				}
				roleIDs := make([]int64, 0, len(roles))
				for _, r := range roles {
					role, err := g.store.RoleByShortname(ctx, r)
					if err != nil {
						return fmt.Errorf("role %q: %w", r, err)
					}
					roleIDs = append(roleIDs, role.ID)
				}
				u, err := g.admin.Users.Create(ctx, cliCaller, in)
				if err != nil {
					return refusal(err)
				}
				for _, id := range roleIDs {
					if err := g.admin.UserRoles.Assign(ctx, cliCaller, u.ID, id); err != nil {
						return refusal(err)
					}
				}
				c.printf("created user %s (id %d)\n", u.Username, u.ID)
				return nil
			})
		},
	}
	create.Flags().BoolVar(&passwordStdin, "password-stdin", false, "read the password from the first line of standard input")
	create.Flags().StringArrayVar(&roles, "role", nil, "assign this role (repeatable; the built-in role is admin)")
	create.Flags().StringVar(&first, "firstname", "", "first name")
	create.Flags().StringVar(&last, "lastname", "", "last name")
	create.Flags().StringVar(&email, "email", "", "email address")
	cmd.AddCommand(create)
	return cmd
}

func newTokenCmd(c *cli) *cobra.Command {
	cmd := &cobra.Command{Use: "token", Short: "Manage web service tokens", Args: noArgs,
		RunE: func(*cobra.Command, []string) error {
			return usageError{fmt.Errorf("token needs a verb: create or list")}
		}}
	var user, service, validUntil, ip, name string
	var readOnly bool
	create := &cobra.Command{
		Use:   "create --user USERNAME --service SHORTNAME",
		Short: "Create a token and print it (alone) on standard output; it is shown only once",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			until, err := parseValidUntil(validUntil)
			if err != nil {
				return err
			}
			if err := checkIPList(ip); err != nil {
				return err
			}
			return c.withGateway(cmd, func(g *gateway) error {
				ctx := cmd.Context()
				u, err := g.store.UserByUsername(ctx, user)
				if err != nil {
					return fmt.Errorf("user %q: %w", user, err)
				}
				svc, err := g.store.ServiceByShortname(ctx, service)
				if err != nil {
					return fmt.Errorf("service %q: %w", service, err)
				}
				_, value, err := g.admin.Tokens.Create(ctx, cliCaller, tokens.Input{UserID: u.ID, ServiceID: svc.ID,
					IPRestriction: ip, ValidUntil: until, Name: name, ReadOnly: readOnly})
				if err != nil {
					return refusal(err)
				}
				c.printf("%s\n", value)
				return nil
			})
		},
	}
	create.Flags().StringVar(&user, "user", "", "the token's user (username)")
	create.Flags().StringVar(&service, "service", "", "the service's shortname")
	create.Flags().StringVar(&validUntil, "valid-until", "", "expiry, RFC 3339 (default: never)")
	create.Flags().StringVar(&ip, "ip", "", "allowed addresses: a comma-separated list of IPs, CIDR ranges and a.b.c.d-e ranges")
	create.Flags().StringVar(&name, "name", "", "a name for the token (default Webservice-XXXXX)")
	create.Flags().BoolVar(&readOnly, "read-only", false, "the token may call only functions of type read")
	_ = create.MarkFlagRequired("user")
	_ = create.MarkFlagRequired("service")
	cmd.AddCommand(create, newTokenListCmd(c))
	return cmd
}

func newServiceCmd(c *cli) *cobra.Command {
	cmd := &cobra.Command{Use: "service", Short: "Enable, disable and authorise users of services", Args: noArgs,
		RunE: func(*cobra.Command, []string) error {
			return usageError{fmt.Errorf("service needs a verb: enable, disable or authorise")}
		}}
	setEnabled := func(enabled bool) func(*cobra.Command, []string) error {
		return func(cmd *cobra.Command, args []string) error {
			return c.withGateway(cmd, func(g *gateway) error {
				svc, err := g.store.ServiceByShortname(cmd.Context(), args[0])
				if err != nil {
					return fmt.Errorf("service %q: %w", args[0], err)
				}
				err = g.admin.Services.Edit(cmd.Context(), cliCaller, svc.ID, func(in *adminservices.Input) {
					in.Enabled = enabled
				})
				if err != nil {
					return refusal(err)
				}
				state := map[bool]string{true: "enabled", false: "disabled"}[enabled]
				c.printf("service %s (%s) %s\n", svc.Shortname, svc.Name, state)
				return nil
			})
		}
	}
	var user, validUntil, ip string
	authorise := &cobra.Command{
		Use:   "authorise SHORTNAME --user USERNAME",
		Short: "Let a user use a restricted service (or change the limits of an authorised user)",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			until, err := parseValidUntil(validUntil)
			if err != nil {
				return err
			}
			if err := checkIPList(ip); err != nil {
				return err
			}
			return c.withGateway(cmd, func(g *gateway) error {
				ctx := cmd.Context()
				svc, err := g.store.ServiceByShortname(ctx, args[0])
				if err != nil {
					return fmt.Errorf("service %q: %w", args[0], err)
				}
				u, err := g.store.UserByUsername(ctx, user)
				if err != nil {
					return fmt.Errorf("user %q: %w", user, err)
				}
				err = g.admin.ServiceUsers.Authorise(ctx, cliCaller, svc.ID, u.ID,
					serviceusers.Limits{IPRestriction: ip, ValidUntil: until})
				if err != nil {
					return refusal(err)
				}
				c.printf("user %s may use service %s\n", u.Username, svc.Shortname)
				return nil
			})
		},
	}
	authorise.Flags().StringVar(&user, "user", "", "the user (username)")
	authorise.Flags().StringVar(&validUntil, "valid-until", "", "expiry, RFC 3339 (default: never)")
	authorise.Flags().StringVar(&ip, "ip", "", "allowed addresses (IPs, CIDR ranges, a.b.c.d-e ranges)")
	_ = authorise.MarkFlagRequired("user")
	cmd.AddCommand(
		&cobra.Command{Use: "enable SHORTNAME", Short: "Enable a service", Args: exactArgs(1), RunE: setEnabled(true)},
		&cobra.Command{Use: "disable SHORTNAME", Short: "Disable a service", Args: exactArgs(1), RunE: setEnabled(false)},
		authorise,
	)
	return cmd
}

// exactArgs requires n positional arguments, with a usage error otherwise.
func exactArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := cobra.ExactArgs(n)(cmd, args); err != nil {
			return usageError{err}
		}
		return nil
	}
}
