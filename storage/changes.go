package storage

import (
	"context"

	"ticketbook/core"
)

type changeRepo struct{ handle }

func (r changeRepo) Add(ctx context.Context, c *core.Change) error {
	if c.At.IsZero() {
		c.At = now()
	}
	return r.write(ctx, func(q queryer) error {
		id, err := insertID(ctx, q, `INSERT INTO changes (entity, entity_id, at, field, old, new) VALUES (?, ?, ?, ?, ?, ?)`,
			c.Entity, c.EntityID, ts(c.At), c.Field, c.Old, c.New)
		c.ID = id
		return err
	})
}

func (r changeRepo) List(ctx context.Context, entity string, id int64) ([]core.Change, error) {
	return queryAll(ctx, r.read, func(s scanner) (c core.Change, err error) {
		err = s.Scan(&c.ID, &c.Entity, &c.EntityID, tsCol{&c.At}, &c.Field, &c.Old, &c.New)
		return c, err
	}, `SELECT id, entity, entity_id, at, field, old, new FROM changes WHERE entity = ? AND entity_id = ? ORDER BY id`, entity, id)
}
