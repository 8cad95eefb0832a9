// Package redisauditexporter writes audit log records to Redis Streams: every event to a main
// stream, and under the same entry ID to a per-user and a per-action stream.
//
//go:generate bash internal/tools/mdatagen.sh .
package redisauditexporter // import "github.com/redisaudit/redisauditexporter"
