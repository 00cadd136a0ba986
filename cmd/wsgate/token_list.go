package main

import (
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"wsgate/services"
)

// newTokenListCmd is `wsgate token list [--expiring 7d] [--unused 30d]`:
// the token report on the terminal, soonest expiry first, never the values.
func newTokenListCmd(c *cli) *cobra.Command {
	var expiring, unused string
	cmd := &cobra.Command{
		Use:   "list [--expiring 7d] [--unused 30d]",
		Short: "List tokens, soonest expiry first (never their values)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var within, idle time.Duration
			for _, f := range []struct {
				name, value string
				d           *time.Duration
			}{{"--expiring", expiring, &within}, {"--unused", unused, &idle}} {
				if f.value == "" {
					continue
				}
				d, err := parseDays(f.value)
				if err != nil {
					return usageError{fmt.Errorf("%s: %v", f.name, err)}
				}
				*f.d = d
			}
			return c.withGateway(cmd, func(g *gateway) error {
				ctx := cmd.Context()
				toks, err := g.store.ListTokens(ctx)
				if err != nil {
					return err
				}
				users, err := g.store.ListUsers(ctx, services.UserFilter{})
				if err != nil {
					return err
				}
				svcs, err := g.store.ListServices(ctx)
				if err != nil {
					return err
				}
				username := map[int64]string{}
				for _, u := range users {
					username[u.ID] = u.Username
				}
				shortname := map[int64]string{}
				for _, s := range svcs {
					shortname[s.ID] = s.Shortname
				}
				services.SortByExpiry(toks)
				now := time.Now()
				w := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
				fmt.Fprintln(w, "ID\tNAME\tUSER\tSERVICE\tVALID UNTIL\tLAST ACCESS\tFROM")
				for _, t := range toks {
					if expiring != "" && !t.ExpiresWithin(now, within) || unused != "" && !t.UnusedFor(now, idle) {
						continue
					}
					fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Name, username[t.UserID], shortname[t.ServiceID],
						unixOr(t.ValidUntil, "never"), unixOr(t.LastAccess, "never"), orDash(t.LastAccessIP))
				}
				return w.Flush()
			})
		},
	}
	cmd.Flags().StringVar(&expiring, "expiring", "", "only tokens that expire within this time (7d, 36h), or have expired")
	cmd.Flags().StringVar(&unused, "unused", "", "only tokens not used for this time (30d), or never used")
	return cmd
}

// parseDays reads a duration that may count days ("7d") as well as what
// time.ParseDuration reads ("36h").
func parseDays(s string) (time.Duration, error) {
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil || days < 0 {
			return 0, fmt.Errorf("%q is not a number of days such as 7d", s)
		}
		return time.Duration(days) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("%q is not a duration such as 7d or 36h", s)
	}
	return d, nil
}

// unixOr formats Unix seconds as RFC 3339 (UTC), or none for 0.
func unixOr(sec int64, none string) string {
	if sec == 0 {
		return none
	}
	return time.Unix(sec, 0).UTC().Format(time.RFC3339)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
