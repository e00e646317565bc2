package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	sqlite3 "modernc.org/sqlite/lib"

	"ticketbook/core"
)

type vehicleRepo struct{ handle }

const vehicleCols = `id, plate_type, plate, vin, vin_unchecked, engine, owner_name, owner_kind,
	owner_person_id, nickname, use, notes, archived, created_at, updated_at`

func scanVehicle(s scanner) (v core.Vehicle, err error) {
	err = s.Scan(&v.ID, &v.PlateType, &v.Plate, &v.VIN, &v.VINUnchecked, &v.Engine, &v.OwnerName, &v.OwnerKind,
		&v.OwnerPersonID, &v.Nickname, &v.Use, &v.Notes, &v.Archived, tsCol{&v.CreatedAt}, tsCol{&v.UpdatedAt})
	return v, err
}

func (r vehicleRepo) fail(ctx context.Context, q queryer, err error, v *core.Vehicle) error {
	return mapErr(ctx, q, err, []unique{{"vehicles.plate_type, vehicles.plate", core.Conflict("plate",
		fmt.Sprintf("a vehicle with plate %s and plate type %s is already recorded", v.Plate, v.PlateType),
		fmt.Sprintf("号牌 %s（号牌种类 %s）的车辆已登记", v.Plate, v.PlateType))}},
		ref{personE, v.OwnerPersonID})
}

func (r vehicleRepo) Insert(ctx context.Context, v *core.Vehicle) error {
	t := now()
	var id int64
	err := r.write(ctx, func(q queryer) (err error) {
		id, err = insertID(ctx, q, `INSERT INTO vehicles (`+vehicleCols+`)
			VALUES (NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			v.PlateType, v.Plate, v.VIN, v.VINUnchecked, v.Engine, v.OwnerName, v.OwnerKind,
			v.OwnerPersonID, v.Nickname, v.Use, v.Notes, v.Archived, ts(t), ts(t))
		return r.fail(ctx, q, err, v)
	})
	if err == nil {
		v.ID, v.CreatedAt, v.UpdatedAt = id, t, t
	}
	return err
}

func (r vehicleRepo) Update(ctx context.Context, v *core.Vehicle) error {
	t := now()
	err := r.write(ctx, func(q queryer) error {
		res, err := q.ExecContext(ctx, `UPDATE vehicles SET plate_type = ?, plate = ?, vin = ?, vin_unchecked = ?,
			engine = ?, owner_name = ?, owner_kind = ?, owner_person_id = ?, nickname = ?, use = ?, notes = ?,
			archived = ?, updated_at = ? WHERE id = ?`,
			v.PlateType, v.Plate, v.VIN, v.VINUnchecked, v.Engine, v.OwnerName, v.OwnerKind,
			v.OwnerPersonID, v.Nickname, v.Use, v.Notes, v.Archived, ts(t), v.ID)
		if err != nil {
			return r.fail(ctx, q, err, v)
		}
		return updated(res, vehicleE.notFound(v.ID))
	})
	if err == nil {
		v.UpdatedAt = t
	}
	return err
}

func (r vehicleRepo) Get(ctx context.Context, id int64) (core.Vehicle, error) {
	return queryOne(ctx, r.read, scanVehicle, vehicleE.notFound(id),
		`SELECT `+vehicleCols+` FROM vehicles WHERE id = ?`, id)
}

func (r vehicleRepo) FindByPlate(ctx context.Context, plate string) ([]core.Vehicle, error) {
	return queryAll(ctx, r.read, scanVehicle,
		`SELECT `+vehicleCols+` FROM vehicles WHERE plate = ? ORDER BY plate_type, id`, plate)
}

func (r vehicleRepo) List(ctx context.Context, f core.VehicleFilter) ([]core.Vehicle, error) {
	var w where
	if !f.IncludeArchived {
		w.add("archived = 0")
	}
	w.search(f.Search, "plate", "vin", "nickname", "owner_name")
	return queryAll(ctx, r.read, scanVehicle,
		`SELECT `+vehicleCols+` FROM vehicles`+w.String()+` ORDER BY plate, plate_type, id`, w.args...)
}

// vehicleRefs are what keeps a vehicle from being deleted, checked in this
// order so the user hears about the weightiest first.
var vehicleRefs = []struct{ table, en, zh string }{
	{"violations", "violations", "违法记录"},
	{"custody", "custody records", "用车记录"},
	{"registrations", "registrations", "备案记录"},
}

func (r vehicleRepo) Delete(ctx context.Context, id int64) error {
	return r.write(ctx, func(q queryer) error {
		var plate string
		err := q.QueryRowContext(ctx, `SELECT plate FROM vehicles WHERE id = ?`, id).Scan(&plate)
		if errors.Is(err, sql.ErrNoRows) {
			return vehicleE.notFound(id)
		} else if err != nil {
			return err
		}
		for _, ref := range vehicleRefs {
			var used bool
			err := q.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM `+ref.table+` WHERE vehicle_id = ?)`, id).Scan(&used)
			if err != nil {
				return err
			}
			if used {
				return core.InUse("vehicle",
					fmt.Sprintf("vehicle %s has %s and cannot be deleted; archive it instead", plate, ref.en),
					fmt.Sprintf("车辆 %s 有%s，不能删除；请改为归档", plate, ref.zh))
			}
		}
		// The foreign keys stay the backstop should a new table refer to
		// vehicles before this list learns of it.
		_, err = q.ExecContext(ctx, `DELETE FROM vehicles WHERE id = ?`, id)
		if sqliteCode(err) == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY {
			return core.InUse("vehicle",
				fmt.Sprintf("vehicle %s is still referred to by other records and cannot be deleted; archive it instead", plate),
				fmt.Sprintf("车辆 %s 仍被其他记录引用，不能删除；请改为归档", plate))
		}
		return err
	})
}
