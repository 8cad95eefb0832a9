package redisauditexporter // import "github.com/redisaudit/redisauditexporter"

import "strings"

// patternSet matches names exactly or, for an entry ending in '*', by prefix.
type patternSet struct {
	exact    map[string]struct{}
	prefixes []string
}

func newPatternSet(patterns []string) patternSet {
	var p patternSet
	for _, pattern := range patterns {
		if prefix, ok := strings.CutSuffix(pattern, "*"); ok {
			p.prefixes = append(p.prefixes, prefix)
			continue
		}
		if p.exact == nil {
			p.exact = make(map[string]struct{})
		}
		p.exact[pattern] = struct{}{}
	}
	return p
}

func (p patternSet) empty() bool { return len(p.exact) == 0 && len(p.prefixes) == 0 }

func (p patternSet) match(name string) bool {
	if _, ok := p.exact[name]; ok {
		return true
	}
	for _, prefix := range p.prefixes {
		if strings.HasPrefix(name, prefix) {
			return true
		}
	}
	return false
}
