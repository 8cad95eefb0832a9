// Command demoshow prints what the demo wrote to Redis, readably: the newest entries of the
// main stream, one user's history, and every per-action stream with its length. It reads the
// key layout from internal/streams, as every reader of the streams should.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/redisaudit/redisauditexporter/internal/streams"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:6379", "Redis host:port")
	user := flag.String("user", "1001", "user whose history to show")
	newest := flag.Int64("newest", 8, "how many of the main stream's newest entries to show")
	flag.Parse()

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	rdb := redis.NewClient(&redis.Options{Addr: *addr})
	err := show(ctx, rdb, streams.NewDefaultConfig(), *user, *newest)
	cancel()
	_ = rdb.Close()
	if err != nil {
		fmt.Fprintln(os.Stderr, "demoshow:", err)
		os.Exit(1)
	}
}

func show(ctx context.Context, rdb *redis.Client, layout streams.Config, user string, n int64) error {
	mainLen, err := rdb.XLen(ctx, layout.Main.Key).Result()
	if err != nil {
		return err
	}
	latest, err := rdb.XRevRangeN(ctx, layout.Main.Key, "+", "-", n).Result()
	if err != nil {
		return err
	}
	fmt.Printf("\n== %s: %d entries, newest %d ==\n", layout.Main.Key, mainLen, len(latest))
	printEntries(latest)

	userKey := layout.UserKey(user)
	history, err := rdb.XRange(ctx, userKey, "-", "+").Result()
	if err != nil {
		return err
	}
	fmt.Printf("\n== %s: history of user %s, %d entries ==\n", userKey, user, len(history))
	printEntries(history)

	return printFamily(ctx, rdb, layout.PerAction)
}

func printEntries(entries []redis.XMessage) {
	w := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tTIME\tUSER\tACTION\tRESOURCE\tSTATUS\tREASON\tIP")
	for _, e := range entries {
		v := func(name string) string { s, _ := e.Values[name].(string); return s }
		resource := strings.Trim(v("resource_type")+"/"+v("resource_id"), "/")
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", e.ID, v("timestamp"), v("user_id"),
			v("action"), resource, v("status"), v("reason"), v("ip"))
	}
	_ = w.Flush()
}

// printFamily lists the streams of a family with SCAN, which never blocks Redis as KEYS can.
func printFamily(ctx context.Context, rdb *redis.Client, family streams.Family) error {
	var keys []string
	iter := rdb.ScanType(ctx, 0, streams.FamilyPattern(family), 100, "stream").Iterator()
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
	}
	if err := iter.Err(); err != nil {
		return err
	}
	sort.Strings(keys)
	fmt.Printf("\n== per-action streams (%s*): %d ==\n", family.Prefix, len(keys))
	w := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "STREAM\tLENGTH")
	for _, k := range keys {
		n, err := rdb.XLen(ctx, k).Result()
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%s\t%d\n", k, n)
	}
	return w.Flush()
}
