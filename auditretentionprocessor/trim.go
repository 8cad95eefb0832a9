package auditretentionprocessor // import "github.com/redisaudit/redisauditexporter/auditretentionprocessor"

import (
	"context"
	"fmt"
	"path/filepath"
)

// archiveClass archives the old entries of every stream of a class, page by page, and trims
// them once their archive files are committed. A batch that grows past the commit limits is
// committed and trimmed on the way, so a large backlog leaves Redis in steps.
func (p *retentionProcessor) archiveClass(ctx context.Context, cr classRun) error {
	dir := filepath.Join(p.cfg.Archive.Directory, cr.class.name)
	batch := newArchiveBatch(dir)
	defer func() { batch.abort() }()
	for _, key := range cr.keys {
		pg := newPager(p.client, key, cr.cutoff, p.cfg.PageSize)
		for !pg.done {
			page, err := pg.next(ctx)
			if err != nil {
				return err
			}
			if len(page) == 0 {
				break
			}
			if err := batch.addPage(key, page); err != nil {
				return fmt.Errorf("archive %s entries: %w", cr.class.name, err)
			}
			if err := p.afterPage(ctx, cr.class, key); err != nil {
				return err
			}
			if batch.full(p.limits) {
				if err := p.commitAndTrim(ctx, cr, batch); err != nil {
					return err
				}
				batch = newArchiveBatch(dir)
			}
		}
	}
	return p.commitAndTrim(ctx, cr, batch)
}

// commitAndTrim commits a batch, then trims each stream up to each page the batch holds.
func (p *retentionProcessor) commitAndTrim(
	ctx context.Context, cr classRun, batch *archiveBatch,
) error {
	if batch.entries == 0 {
		return nil
	}
	if err := batch.commit(cr.lk.check); err != nil {
		return fmt.Errorf("archive %s entries: %w", cr.class.name, err)
	}
	cr.stats.archived[cr.class.name] += int64(batch.entries)
	p.telemetry.AuditretentionEntriesArchived.Add(ctx, int64(batch.entries), cr.class.attrs)
	if p.hooks.afterCommit != nil {
		if err := p.hooks.afterCommit(ctx, cr.class.name); err != nil {
			return err
		}
	}
	for _, m := range batch.marks {
		if err := p.trim(ctx, cr, m); err != nil {
			return err
		}
	}
	return nil
}

// deleteClass removes the old entries of every stream of a class without archiving them. It
// pages like archiveClass, so each XTRIM removes at most one page and stalls Redis briefly.
func (p *retentionProcessor) deleteClass(ctx context.Context, cr classRun) error {
	for _, key := range cr.keys {
		pg := newPager(p.client, key, cr.cutoff, p.cfg.PageSize)
		for !pg.done {
			page, err := pg.next(ctx)
			if err != nil {
				return err
			}
			if len(page) == 0 {
				break
			}
			if err := p.afterPage(ctx, cr.class, key); err != nil {
				return err
			}
			minID := page[len(page)-1].id.next().String()
			if err := p.trim(ctx, cr, trimMark{key: key, minID: minID}); err != nil {
				return err
			}
		}
	}
	return nil
}

// trim removes the entries of m.key below m.minID with an exact XTRIM MINID, but only while
// the lock is held: a replica that lost it stops before its next trim.
func (p *retentionProcessor) trim(ctx context.Context, cr classRun, m trimMark) error {
	if err := cr.lk.check(); err != nil {
		return err
	}
	n, err := p.client.XTrimMinID(ctx, m.key, m.minID).Result()
	if err != nil {
		return fmt.Errorf("trim stream %q below %s: %w", m.key, m.minID, err)
	}
	if p.hooks.trimmed != nil {
		p.hooks.trimmed(m.key, m.minID, n)
	}
	cr.stats.trimmed[cr.class.name] += n
	p.telemetry.AuditretentionEntriesTrimmed.Add(ctx, n, cr.class.attrs)
	return nil
}

func (p *retentionProcessor) afterPage(ctx context.Context, c streamClass, key string) error {
	if p.hooks.afterPage == nil {
		return nil
	}
	return p.hooks.afterPage(ctx, c.name, key)
}
