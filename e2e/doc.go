// Package e2e tests the built otelcol-audit collector from the outside: real OTLP clients send
// audit events to it, it writes them to a real redis-server, and the tests read the streams.
package e2e // import "github.com/redisaudit/redisauditexporter/e2e"
