package storage

import (
	"context"
	"database/sql"
	"errors"
)

type settingsRepo struct{ handle }

func (r settingsRepo) Get(ctx context.Context, key string) (string, bool, error) {
	var v string
	err := r.read.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	return v, err == nil, err
}

func (r settingsRepo) Set(ctx context.Context, key, value string) error {
	return r.write(ctx, func(q queryer) error {
		_, err := q.ExecContext(ctx, `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`, key, value, ts(now()))
		return err
	})
}

func (r settingsRepo) All(ctx context.Context) (map[string]string, error) {
	rows, err := r.read.QueryContext(ctx, `SELECT key, value FROM settings ORDER BY key`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, err
		}
		out[k] = v
	}
	return out, rows.Err()
}
