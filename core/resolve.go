package core

import (
	"context"
	"fmt"
	"strings"

	"ticketbook/core/field"
	"ticketbook/core/ident"
)

// ResolveVehicle finds the vehicle a user means by a plate as typed; the
// plate type is needed only when the same plate exists with several types.
func ResolveVehicle(ctx context.Context, r Repos, plate string, plateType string) (Vehicle, error) {
	p, err := ident.ParsePlate(plate)
	if err != nil {
		return Vehicle{}, err
	}
	var want ident.PlateType
	if strings.TrimSpace(plateType) != "" {
		if want, err = ident.ParsePlateType(plateType); err != nil {
			return Vehicle{}, err
		}
	}
	found, err := r.Vehicles().FindByPlate(ctx, p.Text)
	if err != nil {
		return Vehicle{}, err
	}
	var matches []Vehicle
	for _, v := range found {
		if want == "" || v.PlateType == want {
			matches = append(matches, v)
		}
	}
	switch len(matches) {
	case 0:
		return Vehicle{}, NotFound("plate",
			fmt.Sprintf("no vehicle with plate %s is recorded; add it first with `ticketbook vehicle add`", p.Text),
			fmt.Sprintf("没有号牌为 %s 的车辆，请先用 `ticketbook vehicle add` 添加", p.Text))
	case 1:
		return matches[0], nil
	}
	return Vehicle{}, Ambiguous("plate_type",
		fmt.Sprintf("plate %s is recorded with several plate types; say which with --plate-type", p.Text),
		fmt.Sprintf("号牌 %s 有多种号牌种类，请用 --plate-type 指明", p.Text))
}

// ResolvePerson finds a person by exact name or ID number. Two people may
// share a name; then the ID number must be used.
func ResolvePerson(ctx context.Context, r Repos, fieldName, ref string) (Person, error) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return Person{}, field.New(fieldName, "required", "is required", "必填")
	}
	key := ref
	if n, err := ident.ParseIDNumber(ref); err == nil {
		key = string(n)
	}
	found, err := r.People().FindByRef(ctx, key)
	if err != nil {
		return Person{}, err
	}
	switch len(found) {
	case 0:
		return Person{}, NotFound(fieldName,
			fmt.Sprintf("nobody named or numbered %q is recorded; add them first with `ticketbook person add`", ref),
			fmt.Sprintf("找不到姓名或证件号为“%s”的人员，请先用 `ticketbook person add` 添加", ref))
	case 1:
		return found[0], nil
	}
	return Person{}, Ambiguous(fieldName,
		fmt.Sprintf("%d people are named %q; give the ID number instead", len(found), ref),
		fmt.Sprintf("有 %d 人名为“%s”，请改用身份证号码", len(found), ref))
}
