package main

import (
	"io"
	"log/slog"

	"github.com/spf13/cobra"

	"wsgate"
	"wsgate/internal/httplog"
)

// cli carries what every subcommand shares: the streams, the environment and
// the --config flag.
type cli struct {
	stdin      io.Reader
	stdout     io.Writer
	stderr     io.Writer
	environ    []string
	configPath string
}

// usageError is a bad command line; the binary exits with status 2 on it.
type usageError struct{ error }

// config loads the configuration named by --config.
func (c *cli) config() (*Config, error) {
	cfg, _, err := LoadConfig(c.configPath, c.environ)
	return cfg, err
}

// logger builds the structured logger the configuration asks for.
func (c *cli) logger(cfg *Config) *slog.Logger {
	return httplog.New(c.stderr, cfg.Log.Level, cfg.Log.Format)
}

func newRootCmd(c *cli) *cobra.Command {
	root := &cobra.Command{
		Use:           "wsgate",
		Short:         "wsgate: an external function registry and gateway (REST, XML-RPC, SOAP)",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.PersistentFlags().StringVar(&c.configPath, "config", "",
		"configuration file (default "+DefaultConfigFile+" when it exists)")
	root.AddCommand(newServeCmd(c), newMigrateCmd(c), newVersionCmd(c), newUpgradeCmd(c),
		newUserCmd(c), newTokenCmd(c), newServiceCmd(c), newLimitCmd(c))
	return root
}

func newVersionCmd(c *cli) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := io.WriteString(c.stdout, "wsgate "+wsgate.Version+"\n")
			return err
		},
	}
}

// noArgs refuses positional arguments with a usage error.
func noArgs(cmd *cobra.Command, args []string) error {
	if err := cobra.NoArgs(cmd, args); err != nil {
		return usageError{err}
	}
	return nil
}
