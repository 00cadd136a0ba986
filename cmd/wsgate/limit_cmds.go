package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"wsgate/admin/ratelimits"
	"wsgate/services"
)

// limitTarget is what a limit command names: one of a service, a token, a
// user, or a function (for its weight).
type limitTarget struct {
	service, user, function string
	token                   int64
}

func (t *limitTarget) flags(cmd *cobra.Command) {
	cmd.Flags().StringVar(&t.service, "service", "", "the service's shortname (its default, counted per token)")
	cmd.Flags().Int64Var(&t.token, "token", 0, "the token's id (its own limit)")
	cmd.Flags().StringVar(&t.user, "user", "", "the user's username (their limit over all their tokens)")
	cmd.Flags().StringVar(&t.function, "function", "", "the function's name (its weight)")
}

// count returns how many targets were named.
func (t *limitTarget) count() int {
	n := 0
	for _, set := range []bool{t.service != "", t.token != 0, t.user != "", t.function != ""} {
		if set {
			n++
		}
	}
	return n
}

// resolve returns the scope and id of a rule target.
func (t *limitTarget) resolve(ctx context.Context, g *gateway) (string, int64, error) {
	switch {
	case t.service != "":
		svc, err := g.store.ServiceByShortname(ctx, t.service)
		if err != nil {
			return "", 0, fmt.Errorf("service %q: %w", t.service, err)
		}
		return services.LimitService, svc.ID, nil
	case t.user != "":
		u, err := g.store.UserByUsername(ctx, t.user)
		if err != nil {
			return "", 0, fmt.Errorf("user %q: %w", t.user, err)
		}
		return services.LimitUser, u.ID, nil
	}
	if _, err := g.store.TokenByID(ctx, t.token); err != nil {
		return "", 0, fmt.Errorf("token %d: %w", t.token, err)
	}
	return services.LimitToken, t.token, nil
}

func newLimitCmd(c *cli) *cobra.Command {
	cmd := &cobra.Command{Use: "limit", Short: "Set, show and clear call rate limits and function weights", Args: noArgs,
		RunE: func(*cobra.Command, []string) error {
			return usageError{fmt.Errorf("limit needs a verb: set, show or clear")}
		}}
	cmd.AddCommand(newLimitSetCmd(c), newLimitShowCmd(c), newLimitClearCmd(c))
	return cmd
}

func newLimitSetCmd(c *cli) *cobra.Command {
	var t limitTarget
	var perSecond, perMinute, perHour, perDay, weight int64
	set := &cobra.Command{
		Use:   "set (--service S | --token ID | --user U) [--per-second N] [--per-minute N] [--per-hour N] [--per-day N] | --function F --weight N",
		Short: "Set the limits of a service, token or user (windows not given have no limit), or a function's weight",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if t.count() != 1 {
				return usageError{fmt.Errorf("name exactly one of --service, --token, --user, --function")}
			}
			if t.function != "" && weight < 1 {
				return usageError{fmt.Errorf("--function needs --weight of at least 1")}
			}
			if t.function == "" && weight != 0 {
				return usageError{fmt.Errorf("--weight goes with --function")}
			}
			return c.withGateway(cmd, func(g *gateway) error {
				ctx := cmd.Context()
				if t.function != "" {
					return c.setWeight(ctx, g, t.function, weight)
				}
				scope, id, err := t.resolve(ctx, g)
				if err != nil {
					return err
				}
				in := ratelimits.RuleInput{Scope: scope, TargetID: id, PerSecond: perSecond, PerMinute: perMinute,
					PerHour: perHour, PerDay: perDay}
				if old, err := g.store.RateLimitOf(ctx, scope, id); err == nil {
					err = g.admin.RateLimits.Edit(ctx, cliCaller, old.ID, func(r *ratelimits.RuleInput) { *r = in })
					if err != nil {
						return refusal(err)
					}
				} else if _, err := g.admin.RateLimits.Create(ctx, cliCaller, in); err != nil {
					return refusal(err)
				}
				l, err := g.store.RateLimitOf(ctx, scope, id)
				if err != nil {
					return err
				}
				c.printf("%s\n", describeLimit(t.label(scope, id), l))
				return nil
			})
		},
	}
	t.flags(set)
	set.Flags().Int64Var(&perSecond, "per-second", 0, "calls per second (0: no limit)")
	set.Flags().Int64Var(&perMinute, "per-minute", 0, "calls per minute (0: no limit)")
	set.Flags().Int64Var(&perHour, "per-hour", 0, "calls per hour (0: no limit)")
	set.Flags().Int64Var(&perDay, "per-day", 0, "calls per day, UTC (0: no limit)")
	set.Flags().Int64Var(&weight, "weight", 0, "what one call of --function spends (at least 1)")
	return set
}

func (c *cli) setWeight(ctx context.Context, g *gateway, function string, weight int64) error {
	if err := g.admin.RateWeights.Set(ctx, cliCaller, function, weight); err != nil {
		return refusal(err)
	}
	c.printf("function %s: weight %d\n", function, weight)
	return nil
}

func newLimitShowCmd(c *cli) *cobra.Command {
	var t limitTarget
	show := &cobra.Command{
		Use:   "show [--service S | --token ID | --user U | --function F]",
		Short: "Show every rate limit and weight, or those of one target",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if t.count() > 1 {
				return usageError{fmt.Errorf("name at most one of --service, --token, --user, --function")}
			}
			return c.withGateway(cmd, func(g *gateway) error {
				ctx := cmd.Context()
				if t.function != "" {
					w, err := g.store.FunctionWeightOf(ctx, t.function)
					if err != nil {
						c.printf("function %s: weight 1 (the default)\n", t.function)
						return nil
					}
					c.printf("function %s: weight %d\n", w.Function, w.Weight)
					return nil
				}
				if t.count() == 1 {
					scope, id, err := t.resolve(ctx, g)
					if err != nil {
						return err
					}
					l, err := g.store.RateLimitOf(ctx, scope, id)
					if err != nil {
						c.printf("%s: no limit of its own\n", t.label(scope, id))
						return nil
					}
					c.printf("%s\n", describeLimit(t.label(scope, id), l))
					return nil
				}
				return c.showAllLimits(ctx, g)
			})
		},
	}
	t.flags(show)
	return show
}

// showAllLimits prints every rule and every weight.
func (c *cli) showAllLimits(ctx context.Context, g *gateway) error {
	rules, err := g.store.RateLimits(ctx)
	if err != nil {
		return err
	}
	weights, err := g.store.FunctionWeights(ctx)
	if err != nil {
		return err
	}
	if len(rules) == 0 && len(weights) == 0 {
		c.printf("No rate limits.\n")
	}
	for _, l := range rules {
		c.printf("%s\n", describeLimit(targetLabel(ctx, g, l.Scope, l.TargetID), l))
	}
	for _, w := range weights {
		c.printf("function %s: weight %d\n", w.Function, w.Weight)
	}
	return nil
}

func newLimitClearCmd(c *cli) *cobra.Command {
	var t limitTarget
	clearCmd := &cobra.Command{
		Use:   "clear (--service S | --token ID | --user U | --function F)",
		Short: "Remove the limits of a target, or put a function back to weight 1",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if t.count() != 1 {
				return usageError{fmt.Errorf("name exactly one of --service, --token, --user, --function")}
			}
			return c.withGateway(cmd, func(g *gateway) error {
				ctx := cmd.Context()
				if t.function != "" {
					if err := g.admin.RateWeights.Delete(ctx, cliCaller, t.function); err != nil {
						return fmt.Errorf("function %s: %w", t.function, refusal(err))
					}
					c.printf("function %s: weight 1\n", t.function)
					return nil
				}
				scope, id, err := t.resolve(ctx, g)
				if err != nil {
					return err
				}
				l, err := g.store.RateLimitOf(ctx, scope, id)
				if err != nil {
					return fmt.Errorf("%s has no limit of its own", t.label(scope, id))
				}
				if err := g.admin.RateLimits.Delete(ctx, cliCaller, l.ID); err != nil {
					return refusal(err)
				}
				c.printf("%s: limits cleared\n", t.label(scope, id))
				return nil
			})
		},
	}
	t.flags(clearCmd)
	return clearCmd
}

// label names the target as the user gave it.
func (t *limitTarget) label(scope string, id int64) string {
	switch scope {
	case services.LimitService:
		return "service " + t.service
	case services.LimitUser:
		return "user " + t.user
	}
	return "token " + strconv.FormatInt(id, 10)
}

// targetLabel names a rule's target from the store.
func targetLabel(ctx context.Context, g *gateway, scope string, id int64) string {
	switch scope {
	case services.LimitService:
		if s, err := g.store.ServiceByID(ctx, id); err == nil && s.Shortname != "" {
			return "service " + s.Shortname
		}
	case services.LimitUser:
		if u, err := g.store.UserByID(ctx, id); err == nil {
			return "user " + u.Username
		}
	}
	return scope + " " + strconv.FormatInt(id, 10)
}

// describeLimit prints a rule: "token 7: 5/minute, 1000/day".
func describeLimit(label string, l services.RateLimit) string {
	var parts []string
	for _, w := range []struct {
		n    int64
		unit string
	}{{l.PerSecond, "second"}, {l.PerMinute, "minute"}, {l.PerHour, "hour"}, {l.PerDay, "day"}} {
		if w.n > 0 {
			parts = append(parts, strconv.FormatInt(w.n, 10)+"/"+w.unit)
		}
	}
	return label + ": " + strings.Join(parts, ", ")
}
