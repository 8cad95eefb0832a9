package redisconn // import "github.com/redisaudit/redisauditexporter/internal/redisconn"

import (
	"context"
	"fmt"

	"github.com/redis/go-redis/v9"
)

// NewClient builds a client from the block. It does not connect: go-redis dials lazily, so a
// Redis that is down at start-up only fails the first command, which callers retry.
func (c *Config) NewClient(ctx context.Context) (*redis.Client, error) {
	tlsCfg, err := c.TLS.LoadTLSConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("tls: %w", err)
	}
	return redis.NewClient(&redis.Options{
		Addr:            c.Endpoint,
		Username:        c.Username,
		Password:        string(c.Password),
		DB:              c.DB,
		TLSConfig:       tlsCfg,
		DialTimeout:     c.DialTimeout,
		ReadTimeout:     c.ReadTimeout,
		WriteTimeout:    c.WriteTimeout,
		PoolSize:        c.PoolSize,
		MinIdleConns:    c.MinIdleConns,
		ConnMaxIdleTime: c.ConnMaxIdleTime,
		// exporterhelper owns retries with backoff; a second retry loop inside the client
		// would multiply the wait and hide the error class from it.
		MaxRetries: -1,
		// Let the caller's deadline (exporterhelper's timeout) bound each command.
		ContextTimeoutEnabled: true,
	}), nil
}
