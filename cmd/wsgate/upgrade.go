package main

import (
	"github.com/spf13/cobra"
)

func newUpgradeCmd(c *cli) *cobra.Command {
	var dryRun bool
	cmd := &cobra.Command{
		Use:   "upgrade",
		Short: "Load every component manifest into the function and service tables",
		Long: "upgrade reads the embedded components and those of components.paths, validates them, and " +
			"syncs external_functions, external_services and external_services_functions in one transaction. " +
			"It prints what changed; with --dry-run it prints what would change and writes nothing.",
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return c.withGateway(cmd, func(g *gateway) error {
				var progress = c.stderr
				if !isTerminal(c.stderr) {
					progress = nil
				}
				diff, err := g.upgrade(cmd.Context(), dryRun, progress)
				if err != nil {
					return err
				}
				if dryRun {
					c.printf("Dry run: nothing was written.\n")
				}
				diff.Print(c.stdout)
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&dryRun, "dry-run", false, "print what would change and write nothing")
	return cmd
}
