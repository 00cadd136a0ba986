package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"wsgate/internal/db"
)

func newMigrateCmd(c *cli) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "migrate",
		Short: "Change the store's schema: up, down, version",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usageError{fmt.Errorf("migrate needs up, down or version")}
		},
	}
	run := func(op func(d *db.DB) error) func(*cobra.Command, []string) error {
		return func(cmd *cobra.Command, _ []string) error {
			cfg, err := c.config()
			if err != nil {
				return err
			}
			d, err := db.Open(cmd.Context(), cfg.Database.URL)
			if err != nil {
				return err
			}
			defer d.Close()
			return op(d)
		}
	}
	printVersion := func(d *db.DB) error {
		v, dirty, err := d.MigrationVersion()
		if err != nil {
			return err
		}
		state := ""
		if dirty {
			state = " (dirty)"
		}
		fmt.Fprintf(c.stdout, "%s schema version %d%s\n", d.Dialect, v, state)
		return nil
	}
	cmd.AddCommand(
		&cobra.Command{Use: "up", Short: "Apply every pending migration", Args: noArgs,
			RunE: run(func(d *db.DB) error {
				if err := d.MigrateUp(); err != nil {
					return err
				}
				return printVersion(d)
			})},
		&cobra.Command{Use: "down", Short: "Revert every migration (drops all tables)", Args: noArgs,
			RunE: run(func(d *db.DB) error {
				if err := d.MigrateDown(); err != nil {
					return err
				}
				return printVersion(d)
			})},
		&cobra.Command{Use: "version", Short: "Print the applied schema version", Args: noArgs,
			RunE: run(printVersion)},
	)
	return cmd
}
