package storage

import (
	"context"
	"fmt"
	"strings"

	"ticketbook/core"
)

type personRepo struct{ handle }

const personCols = `id, name, id_number, licence_file, licence_class, first_issued, valid_until,
	phone, role, notes, created_at, updated_at`

func scanPerson(s scanner) (p core.Person, err error) {
	err = s.Scan(&p.ID, &p.Name, &p.IDNumber, &p.LicenceFile, &p.LicenceClass, dateCol{&p.FirstIssued},
		dateCol{&p.ValidUntil}, &p.Phone, &p.Role, &p.Notes, tsCol{&p.CreatedAt}, tsCol{&p.UpdatedAt})
	return p, err
}

func (r personRepo) fail(ctx context.Context, q queryer, err error, p *core.Person) error {
	// The number is masked: error text ends up in logs and screenshots.
	return mapErr(ctx, q, err, []unique{{"people.id_number", core.Conflict("id_number",
		fmt.Sprintf("a person with ID number %s is already recorded", p.MaskedIDNumber()),
		fmt.Sprintf("身份证号码为 %s 的人员已登记", p.MaskedIDNumber()))}})
}

func (r personRepo) Insert(ctx context.Context, p *core.Person) error {
	t := now()
	var id int64
	err := r.write(ctx, func(q queryer) (err error) {
		id, err = insertID(ctx, q, `INSERT INTO people (`+personCols+`)
			VALUES (NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			p.Name, p.IDNumber, p.LicenceFile, p.LicenceClass, date(p.FirstIssued), date(p.ValidUntil),
			p.Phone, p.Role, p.Notes, ts(t), ts(t))
		return r.fail(ctx, q, err, p)
	})
	if err == nil {
		p.ID, p.CreatedAt, p.UpdatedAt = id, t, t
	}
	return err
}

func (r personRepo) Update(ctx context.Context, p *core.Person) error {
	t := now()
	err := r.write(ctx, func(q queryer) error {
		res, err := q.ExecContext(ctx, `UPDATE people SET name = ?, id_number = ?, licence_file = ?,
			licence_class = ?, first_issued = ?, valid_until = ?, phone = ?, role = ?, notes = ?, updated_at = ?
			WHERE id = ?`,
			p.Name, p.IDNumber, p.LicenceFile, p.LicenceClass, date(p.FirstIssued), date(p.ValidUntil),
			p.Phone, p.Role, p.Notes, ts(t), p.ID)
		if err != nil {
			return r.fail(ctx, q, err, p)
		}
		return updated(res, personE.notFound(p.ID))
	})
	if err == nil {
		p.UpdatedAt = t
	}
	return err
}

func (r personRepo) Get(ctx context.Context, id int64) (core.Person, error) {
	return queryOne(ctx, r.read, scanPerson, personE.notFound(id),
		`SELECT `+personCols+` FROM people WHERE id = ?`, id)
}

func (r personRepo) FindByRef(ctx context.Context, ref string) ([]core.Person, error) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return nil, nil // would otherwise match everyone without an ID number
	}
	return queryAll(ctx, r.read, scanPerson,
		`SELECT `+personCols+` FROM people WHERE name = ? OR id_number = upper(?) ORDER BY name, id`, ref, ref)
}

func (r personRepo) List(ctx context.Context, f core.PersonFilter) ([]core.Person, error) {
	var w where
	w.search(f.Search, "name", "phone", "id_number")
	return queryAll(ctx, r.read, scanPerson,
		`SELECT `+personCols+` FROM people`+w.String()+` ORDER BY name, id`, w.args...)
}
