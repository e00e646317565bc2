package storage

import (
	"context"

	"ticketbook/core"
)

type custodyRepo struct{ handle }

const custodyCols = `id, vehicle_id, person_id, from_at, to_at, odometer_out, odometer_in, purpose, notes,
	created_at, updated_at`

func scanCustody(s scanner) (c core.Custody, err error) {
	err = s.Scan(&c.ID, &c.VehicleID, &c.PersonID, tsCol{&c.From}, tsPtrCol{&c.To}, &c.OdometerOut, &c.OdometerIn,
		&c.Purpose, &c.Notes, tsCol{&c.CreatedAt}, tsCol{&c.UpdatedAt})
	return c, err
}

func (r custodyRepo) Insert(ctx context.Context, c *core.Custody) error {
	t := now()
	var id int64
	err := r.write(ctx, func(q queryer) (err error) {
		id, err = insertID(ctx, q, `INSERT INTO custody (`+custodyCols+`) VALUES (NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			c.VehicleID, c.PersonID, ts(c.From), tsPtr(c.To), c.OdometerOut, c.OdometerIn, c.Purpose, c.Notes, ts(t), ts(t))
		return mapErr(ctx, q, err, nil, ref{vehicleE, &c.VehicleID}, ref{personE, &c.PersonID})
	})
	if err == nil {
		c.ID, c.CreatedAt, c.UpdatedAt = id, t, t
	}
	return err
}

func (r custodyRepo) Update(ctx context.Context, c *core.Custody) error {
	t := now()
	err := r.write(ctx, func(q queryer) error {
		res, err := q.ExecContext(ctx, `UPDATE custody SET vehicle_id = ?, person_id = ?, from_at = ?, to_at = ?,
			odometer_out = ?, odometer_in = ?, purpose = ?, notes = ?, updated_at = ? WHERE id = ?`,
			c.VehicleID, c.PersonID, ts(c.From), tsPtr(c.To), c.OdometerOut, c.OdometerIn, c.Purpose, c.Notes, ts(t), c.ID)
		if err != nil {
			return mapErr(ctx, q, err, nil, ref{vehicleE, &c.VehicleID}, ref{personE, &c.PersonID})
		}
		return updated(res, custodyE.notFound(c.ID))
	})
	if err == nil {
		c.UpdatedAt = t
	}
	return err
}

func (r custodyRepo) Get(ctx context.Context, id int64) (core.Custody, error) {
	return queryOne(ctx, r.read, scanCustody, custodyE.notFound(id),
		`SELECT `+custodyCols+` FROM custody WHERE id = ?`, id)
}

func (r custodyRepo) List(ctx context.Context, f core.CustodyFilter) ([]core.Custody, error) {
	var w where
	if f.VehicleID != 0 {
		w.add("vehicle_id = ?", f.VehicleID)
	}
	if f.PersonID != 0 {
		w.add("person_id = ?", f.PersonID)
	}
	if f.OpenOnly {
		w.add("to_at IS NULL")
	}
	if f.Covering != nil {
		// Start inclusive, end exclusive, as core.Custody.Covers.
		at := ts(*f.Covering)
		w.add("from_at <= ? AND (to_at IS NULL OR to_at > ?)", at, at)
	}
	return queryAll(ctx, r.read, scanCustody,
		`SELECT `+custodyCols+` FROM custody`+w.String()+` ORDER BY from_at DESC, id DESC`, w.args...)
}

type registrationRepo struct{ handle }

const registrationCols = `id, vehicle_id, person_id, method, status, applied, approved, cancelled, official_qr,
	provider_ref, notes, created_at, updated_at`

func scanRegistration(s scanner) (g core.Registration, err error) {
	err = s.Scan(&g.ID, &g.VehicleID, &g.PersonID, &g.Method, &g.Status, dateCol{&g.Applied}, dateCol{&g.Approved},
		dateCol{&g.Cancelled}, &g.OfficialQR, &g.ProviderRef, &g.Notes, tsCol{&g.CreatedAt}, tsCol{&g.UpdatedAt})
	return g, err
}

func (r registrationRepo) Insert(ctx context.Context, g *core.Registration) error {
	t := now()
	var id int64
	err := r.write(ctx, func(q queryer) (err error) {
		id, err = insertID(ctx, q, `INSERT INTO registrations (`+registrationCols+`)
			VALUES (NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			g.VehicleID, g.PersonID, g.Method, g.Status, date(g.Applied), date(g.Approved), date(g.Cancelled),
			g.OfficialQR, g.ProviderRef, g.Notes, ts(t), ts(t))
		return mapErr(ctx, q, err, nil, ref{vehicleE, &g.VehicleID}, ref{personE, &g.PersonID})
	})
	if err == nil {
		g.ID, g.CreatedAt, g.UpdatedAt = id, t, t
	}
	return err
}

func (r registrationRepo) Update(ctx context.Context, g *core.Registration) error {
	t := now()
	err := r.write(ctx, func(q queryer) error {
		res, err := q.ExecContext(ctx, `UPDATE registrations SET vehicle_id = ?, person_id = ?, method = ?, status = ?,
			applied = ?, approved = ?, cancelled = ?, official_qr = ?, provider_ref = ?, notes = ?, updated_at = ? WHERE id = ?`,
			g.VehicleID, g.PersonID, g.Method, g.Status, date(g.Applied), date(g.Approved), date(g.Cancelled),
			g.OfficialQR, g.ProviderRef, g.Notes, ts(t), g.ID)
		if err != nil {
			return mapErr(ctx, q, err, nil, ref{vehicleE, &g.VehicleID}, ref{personE, &g.PersonID})
		}
		return updated(res, registrationE.notFound(g.ID))
	})
	if err == nil {
		g.UpdatedAt = t
	}
	return err
}

func (r registrationRepo) Get(ctx context.Context, id int64) (core.Registration, error) {
	return queryOne(ctx, r.read, scanRegistration, registrationE.notFound(id),
		`SELECT `+registrationCols+` FROM registrations WHERE id = ?`, id)
}

func (r registrationRepo) List(ctx context.Context, f core.RegistrationFilter) ([]core.Registration, error) {
	var w where
	if f.VehicleID != 0 {
		w.add("vehicle_id = ?", f.VehicleID)
	}
	if f.PersonID != 0 {
		w.add("person_id = ?", f.PersonID)
	}
	if f.ActiveOnly {
		// Mirrors core.Registration.Active.
		in(&w, "status", []core.RegStatus{core.RegApplied, core.RegApproved})
	}
	return queryAll(ctx, r.read, scanRegistration,
		`SELECT `+registrationCols+` FROM registrations`+w.String()+` ORDER BY applied DESC, id DESC`, w.args...)
}
