package main

import (
	"fmt"
	"math/rand/v2"
)

// actionSpec describes one kind of generated audit event.
type actionSpec struct {
	name         string
	verb         string // past tense, used in the record body
	weight       int    // relative frequency in a burst
	resourceType string // empty when the action has no target
	resourceID   func(*rand.Rand) string
	denyPct      int // chance in percent of a denied outcome
	denyReasons  []string
}

// catalog is weighted like a typical SaaS tenant: reads dominate, and the
// sensitive actions are rare but denied far more often.
var catalog = []actionSpec{
	{
		name: "user.login", verb: "logged in", weight: 14, denyPct: 8,
		denyReasons: []string{"invalid_credentials", "mfa_required", "account_locked"},
	},
	{name: "user.logout", verb: "logged out", weight: 8},
	{
		name: "user.password_change", verb: "changed their password", weight: 2, denyPct: 10,
		denyReasons: []string{"mfa_required", "password_policy_violation"},
	},
	{
		name: "document.view", verb: "viewed", weight: 28, denyPct: 4,
		resourceType: "document", resourceID: numbered("doc-%d", 100, 40),
		denyReasons: []string{"insufficient_permissions"},
	},
	{
		name: "document.edit", verb: "edited", weight: 12, denyPct: 6,
		resourceType: "document", resourceID: numbered("doc-%d", 100, 40),
		denyReasons: []string{"insufficient_permissions", "document_locked"},
	},
	{
		name: "document.delete", verb: "deleted", weight: 4, denyPct: 25,
		resourceType: "document", resourceID: numbered("doc-%d", 100, 40),
		denyReasons: []string{"insufficient_permissions", "retention_hold"},
	},
	{
		name: "document.share", verb: "shared", weight: 6, denyPct: 12,
		resourceType: "document", resourceID: numbered("doc-%d", 100, 40),
		denyReasons: []string{"insufficient_permissions", "external_sharing_disabled"},
	},
	{
		name: "billing.invoice_view", verb: "viewed", weight: 8, denyPct: 5,
		resourceType: "invoice", resourceID: numbered("inv-%d", 20250001, 300),
		denyReasons: []string{"insufficient_permissions"},
	},
	{
		name: "billing.refund", verb: "refunded", weight: 2, denyPct: 30,
		resourceType: "payment", resourceID: numbered("pay-%d", 70000, 500),
		denyReasons: []string{
			"insufficient_permissions", "approval_required", "refund_window_expired",
		},
	},
	{
		name: "admin.role_grant", verb: "granted", weight: 1, denyPct: 35,
		resourceType: "role", resourceID: oneOf("viewer", "editor", "billing_admin", "org_admin"),
		denyReasons: []string{"insufficient_permissions", "mfa_required"},
	},
	{
		name: "report.export", verb: "exported", weight: 3, denyPct: 8,
		resourceType: "report", resourceID: numbered("rpt-%d", 1, 60),
		denyReasons: []string{"insufficient_permissions", "export_quota_exceeded"},
	},
}

// errorReasons are failures on the service side rather than refusals.
var errorReasons = []string{"upstream_timeout", "storage_unavailable", "internal_error"}

var userAgents = []string{
	"Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/124.0 Safari/537.36",
	"Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) Version/17.4 Safari/605.1.15",
	"Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) Mobile/15E148",
	"acme-sync/2.3.1 (+https://example.com/sync)",
}

var totalWeight = sumWeights()

func sumWeights() int {
	total := 0
	for _, spec := range catalog {
		total += spec.weight
	}
	return total
}

// numbered draws ids from a small pool so that views, edits and deletes hit the same
// resources, as they do in real traffic.
func numbered(format string, first, n int) func(*rand.Rand) string {
	return func(r *rand.Rand) string { return fmt.Sprintf(format, first+r.IntN(n)) }
}

func oneOf(ids ...string) func(*rand.Rand) string {
	return func(r *rand.Rand) string { return ids[r.IntN(len(ids))] }
}

// verbFor returns the past-tense verb of a cataloged action, for the record body.
func verbFor(action string) (string, bool) {
	for _, spec := range catalog {
		if spec.name == action {
			return spec.verb, true
		}
	}
	return "", false
}
