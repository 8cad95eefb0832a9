// Package auditretentionprocessor archives audit stream entries older than a maximum age and
// then removes them from Redis, in a background job beside the redisaudit exporter.
package auditretentionprocessor // import "github.com/redisaudit/redisauditexporter/auditretentionprocessor"

//go:generate bash ../internal/tools/mdatagen.sh .
