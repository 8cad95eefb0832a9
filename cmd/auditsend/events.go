package main

import (
	"fmt"
	"math/rand/v2"
	"strconv"
)

const (
	statusSuccess = "success"
	statusDenied  = "denied"
	statusError   = "error"

	firstUserID = 1001

	// errorPct is the chance in percent that a generated action fails on our side.
	errorPct = 2

	// pcgStream is the fixed second PCG word; -seed picks the first one.
	pcgStream = 0x61756469747365
)

// event is one audit event: who did what to which resource, from where, and how it ended.
// Empty optional fields are left out of the log record.
type event struct {
	userID        string
	action        string
	status        string
	resourceType  string
	resourceID    string
	clientAddress string
	userAgent     string
	reason        string
}

// exampleEvents returns the three events sent before any generated ones.
func exampleEvents() []event {
	return []event{
		{
			userID: "1001", action: "user.login", status: statusSuccess,
			clientAddress: "192.168.1.100",
			userAgent:     "Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0",
		},
		{
			userID: "1001", action: "document.view", status: statusSuccess,
			resourceType: "document", resourceID: "doc-123",
		},
		{
			userID: "1001", action: "document.delete", status: statusDenied,
			resourceType: "document", resourceID: "doc-123",
			reason: "insufficient_permissions",
		},
	}
}

// profile is what stays the same for one user across a burst.
type profile struct {
	userID    string
	address   string
	userAgent string
}

// generate returns n events spread over users distinct users (ids 1001..1000+users).
// It is pure: the same arguments always give the same events.
func generate(n, users int, seed uint64) []event {
	r := rand.New(rand.NewPCG(seed, pcgStream)) //nolint:gosec // sample data must be reproducible, not secret
	people := newProfiles(max(users, 1), r)
	events := make([]event, 0, max(n, 0))
	for range n {
		events = append(events, nextEvent(r, people))
	}
	return events
}

// newProfiles gives every user one address and one browser, as a real session would.
func newProfiles(users int, r *rand.Rand) []profile {
	people := make([]profile, users)
	for i := range people {
		people[i] = profile{
			userID:    strconv.Itoa(firstUserID + i),
			address:   documentationAddress(r),
			userAgent: userAgents[r.IntN(len(userAgents))],
		}
	}
	return people
}

func nextEvent(r *rand.Rand, people []profile) event {
	p := people[r.IntN(len(people))]
	spec := pickAction(r)
	e := event{
		userID:        p.userID,
		action:        spec.name,
		resourceType:  spec.resourceType,
		clientAddress: p.address,
		userAgent:     p.userAgent,
	}
	if spec.resourceID != nil {
		e.resourceID = spec.resourceID(r)
	}
	e.status, e.reason = outcome(r, spec)
	return e
}

// outcome draws the status; a denied or failed action always says why.
func outcome(r *rand.Rand, spec actionSpec) (status, reason string) {
	roll := r.IntN(100)
	switch {
	case roll < errorPct:
		return statusError, errorReasons[r.IntN(len(errorReasons))]
	case roll < errorPct+spec.denyPct:
		return statusDenied, spec.denyReasons[r.IntN(len(spec.denyReasons))]
	default:
		return statusSuccess, ""
	}
}

func pickAction(r *rand.Rand) actionSpec {
	n := r.IntN(totalWeight)
	for _, spec := range catalog {
		if n < spec.weight {
			return spec
		}
		n -= spec.weight
	}
	return catalog[len(catalog)-1]
}

// documentationAddress returns an address from the ranges reserved for documentation
// (RFC 5737), so generated data can never point at a real host.
func documentationAddress(r *rand.Rand) string {
	nets := [...]string{"192.0.2", "198.51.100", "203.0.113"}
	return fmt.Sprintf("%s.%d", nets[r.IntN(len(nets))], 1+r.IntN(254))
}
