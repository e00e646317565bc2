// Package demo fills an empty database with a realistic small fleet, dated
// around a given day, so a new user (and the screenshots) see every kind of
// situation Ticketbook handles: an overdue fine, a camera record on a
// borrowed car, a shop employee moving a customer's car, a driver near 12
// points, an appeal, a paid ticket.
package demo

import (
	"context"
	"fmt"
	"time"

	"ticketbook/core"
	"ticketbook/core/fleet"
	"ticketbook/core/tickets"
)

// Seed adds the demo records through the same services the user's actions go
// through; it refuses a database that already has vehicles.
func Seed(ctx context.Context, f *fleet.Service, t *tickets.Service, today time.Time) error {
	existing, err := f.ListVehicles(ctx, core.VehicleFilter{IncludeArchived: true})
	if err != nil {
		return err
	}
	if len(existing) > 0 {
		return core.Conflict("db", "the database already has vehicles; demo data goes into an empty database only",
			"数据库中已有车辆；演示数据只能写入空数据库")
	}
	s := seeder{ctx: ctx, f: f, t: t, today: core.DateOf(today), loc: today.Location()}
	s.run()
	return s.err
}

type seeder struct {
	ctx   context.Context
	f     *fleet.Service
	t     *tickets.Service
	today core.Date
	loc   *time.Location
	err   error
}

func (s *seeder) day(offset int) core.Date { return s.today.AddDays(offset) }

func (s *seeder) at(offset int, hour, min int) time.Time {
	d := s.day(offset)
	return time.Date(d.Year, d.Month, d.Day, hour, min, 0, 0, s.loc)
}

func (s *seeder) person(p core.Person) int64 {
	if s.err != nil {
		return 0
	}
	p, s.err = s.f.AddPerson(s.ctx, p)
	return p.ID
}

func (s *seeder) vehicle(v core.Vehicle) int64 {
	if s.err != nil {
		return 0
	}
	v, s.err = s.f.AddVehicle(s.ctx, v)
	return v.ID
}

func (s *seeder) custody(c core.Custody) {
	if s.err == nil {
		_, _, s.err = s.f.StartCustody(s.ctx, c)
	}
}

func (s *seeder) registration(r core.Registration) {
	if s.err == nil {
		_, s.err = s.f.AddRegistration(s.ctx, r)
	}
}

func (s *seeder) violation(v core.Violation) int64 {
	if s.err != nil {
		return 0
	}
	v, _, s.err = s.t.AddViolation(s.ctx, v)
	return v.ID
}

// anniversary is a first-issued date in year whose scoring cycle began
// daysAgo days before today, so the demo's points fall in the current cycle.
func (s *seeder) anniversary(year, daysAgo int) core.Date {
	d := s.day(daysAgo)
	return core.Date{Year: year, Month: d.Month, Day: min(d.Day, 28)}
}

func ptr[T any](v T) *T { return &v }

// decision makes a 16-digit decision number with a valid check digit
// (digits 7-15 as an integer, mod 7).
func decision(region string, serial int) string {
	body := fmt.Sprintf("%s1%08d", region, serial)
	var n int64
	for _, r := range body[6:15] {
		n = n*10 + int64(r-'0')
	}
	return fmt.Sprintf("%s%d", body, n%7)
}

func (s *seeder) run() {
	boss := s.person(core.Person{Name: "王建国", IDNumber: "11010519491231002X", LicenceClass: "C1", FirstIssued: core.Date{Year: 1998, Month: 4, Day: 12}, Phone: "13800138000", Role: core.RoleOwner})
	lina := s.person(core.Person{Name: "李娜", IDNumber: "110101199003071233", LicenceClass: "C1", FirstIssued: core.Date{Year: 2012, Month: 7, Day: 1}, Phone: "13912345678", Role: core.RoleEmployee})
	zhangwei := s.person(core.Person{Name: "张伟", IDNumber: "440301198506152011", LicenceClass: "B2", FirstIssued: core.Date{Year: 2008, Month: 9, Day: 1}, Phone: "13700001111", Role: core.RoleEmployee})
	zhaoqiang := s.person(core.Person{Name: "赵强", IDNumber: "440304199208083314", LicenceClass: "C1", FirstIssued: s.anniversary(2014, -200), Phone: "13600002222", Role: core.RoleEmployee})
	chenjing := s.person(core.Person{Name: "陈静", IDNumber: "310115197801014563", LicenceClass: "C2", FirstIssued: core.Date{Year: 2005, Month: 3, Day: 15}, Role: core.RoleFamily})

	family := s.vehicle(core.Vehicle{Plate: "粤B·D12345", PlateType: "52", OwnerName: "王建国", OwnerKind: core.OwnerOwn, OwnerPersonID: &boss, Nickname: "家用车", Use: core.UsePrivate})
	van := s.vehicle(core.Vehicle{Plate: "粤B6K2M8", OwnerName: "深圳顺达物流有限公司", OwnerKind: core.OwnerCompany, Nickname: "白色面包车", Use: core.UseNonOperating, VIN: "1M8GDM9AXKP042788"})
	nev := s.vehicle(core.Vehicle{Plate: "粤BF01234", OwnerName: "深圳顺达物流有限公司", OwnerKind: core.OwnerCompany, Nickname: "新能源商务车", Use: core.UseNonOperating})
	customer := s.vehicle(core.Vehicle{Plate: "粤B5T2Q8", OwnerName: "刘先生", OwnerKind: core.OwnerCustomer, Nickname: "客户车·喷漆", Use: core.UsePrivate, Engine: "AB123456"})
	borrowed := s.vehicle(core.Vehicle{Plate: "沪A8K3M1", OwnerName: "陈静", OwnerKind: core.OwnerFamily, OwnerPersonID: &chenjing, Nickname: "妈妈的车", Use: core.UsePrivate})
	truck := s.vehicle(core.Vehicle{Plate: "粤B7H9J2", OwnerName: "深圳顺达物流有限公司", OwnerKind: core.OwnerCompany, Nickname: "货车", Use: core.UseTransport})
	repaired := s.vehicle(core.Vehicle{Plate: "粤B3N5P7", OwnerName: "黄女士", OwnerKind: core.OwnerCustomer, Nickname: "客户车·保养", Use: core.UsePrivate})

	// Company drivers are registered on the company cars.
	s.registration(core.Registration{VehicleID: van, PersonID: lina, Method: core.RegWindow, Applied: s.day(-400), Approved: s.day(-398)})
	s.registration(core.Registration{VehicleID: nev, PersonID: zhaoqiang, Method: core.RegWindow, Applied: s.day(-380), Approved: s.day(-379)})
	s.registration(core.Registration{VehicleID: van, PersonID: zhaoqiang, Method: core.RegWindow, Applied: s.day(-200), Approved: s.day(-199)})
	// The shop registered its employee on the customer's car only after the offence.
	s.registration(core.Registration{VehicleID: customer, PersonID: zhangwei, Method: core.RegSMS, Applied: s.day(-9), Approved: s.day(-8)})
	// A finished job whose registration should now be cancelled.
	s.registration(core.Registration{VehicleID: repaired, PersonID: zhangwei, Method: core.RegQR, Applied: s.day(-60), Approved: s.day(-59)})

	s.custody(core.Custody{VehicleID: customer, PersonID: zhangwei, From: s.at(-12, 9, 0), To: ptr(s.at(-12, 11, 30)), OdometerOut: ptr(int64(42100)), OdometerIn: ptr(int64(42118)), Purpose: "移车到喷漆间"})
	s.custody(core.Custody{VehicleID: borrowed, PersonID: lina, From: s.at(-16, 18, 0), To: ptr(s.at(-13, 20, 0)), Purpose: "借车回老家"})
	s.custody(core.Custody{VehicleID: van, PersonID: lina, From: s.at(-40, 8, 0), To: ptr(s.at(-38, 19, 0)), OdometerOut: ptr(int64(88000)), OdometerIn: ptr(int64(88640)), Purpose: "广州送货"})
	s.custody(core.Custody{VehicleID: van, PersonID: zhaoqiang, From: s.at(-3, 8, 0), OdometerOut: ptr(int64(89210)), Purpose: "东莞送货"})

	// Overdue: decided five weeks ago, the late fee is running.
	s.violation(core.Violation{VehicleID: van, OccurredAt: s.at(-39, 14, 20), Place: "广州市广园快速路", Code: "1352", Description: "超速（未达20%）", FineFen: 20000, Points: 3,
		DecisionNumber: decision("440100", 2451), DecidedOn: s.day(-36), ReceivedOn: s.day(-35), DriverID: &lina})
	// Due this week.
	s.violation(core.Violation{VehicleID: family, OccurredAt: s.at(-20, 8, 45), Place: "深南大道与科苑路交叉口", Code: "1039", Description: "违反禁止标线指示停车", FineFen: 15000, Points: 0,
		DecisionNumber: decision("440300", 88012), DecidedOn: s.day(-11), ReceivedOn: s.day(-10), DriverID: &boss})
	// Camera record on the borrowed family car: who was driving comes from custody.
	s.violation(core.Violation{VehicleID: borrowed, OccurredAt: s.at(-15, 10, 5), Place: "沪宁高速 K210", Code: "1625", Description: "驾驶机动车违反道路交通信号灯通行", FineFen: 20000, Points: 6,
		NotifiedOn: s.day(-12), RecordNumber: "3101159900123456"})
	// The shop employee caught moving the customer's car, before his registration.
	s.violation(core.Violation{VehicleID: customer, OccurredAt: s.at(-12, 10, 10), Place: "南山大道", Code: "1345", Description: "不按导向车道行驶", FineFen: 10000, Points: 3,
		NotifiedOn: s.day(-7)})
	// A driver close to 12 points: two decided records in the cycle, one new.
	s.violation(core.Violation{VehicleID: nev, OccurredAt: s.at(-150, 7, 30), Place: "北环大道", Code: "1625", Description: "闯红灯", FineFen: 20000, Points: 6,
		DecisionNumber: decision("440300", 70001), DecidedOn: s.day(-140), ReceivedOn: s.day(-139), DriverID: &zhaoqiang, Status: core.StatusPaid})
	s.violation(core.Violation{VehicleID: nev, OccurredAt: s.at(-60, 17, 0), Place: "滨河大道", Code: "1363", Description: "驾驶时拨打接听手持电话", FineFen: 5000, Points: 3,
		DecisionNumber: decision("440300", 70002), DecidedOn: s.day(-55), ReceivedOn: s.day(-54), DriverID: &zhaoqiang, Status: core.StatusPaid})
	s.violation(core.Violation{VehicleID: van, OccurredAt: s.at(-2, 9, 15), Place: "莞深高速 K18", Code: "1625", Description: "驾驶机动车违反道路交通信号灯通行", FineFen: 20000, Points: 6,
		NotifiedOn: s.day(-1)})
	// A truck: transport vehicles go to a window.
	s.violation(core.Violation{VehicleID: truck, OccurredAt: s.at(-25, 22, 40), Place: "机荷高速", Code: "1211", Description: "货车超载", FineFen: 50000, Points: 3,
		NotifiedOn: s.day(-22), DriverID: &zhangwei, Status: core.StatusPaid, DecisionNumber: decision("440300", 66001), DecidedOn: s.day(-20)})
	// An appeal pending: a mis-read plate.
	s.violation(core.Violation{VehicleID: family, OccurredAt: s.at(-30, 12, 0), Place: "福田区福华路", Code: "1039", Description: "违停（号牌识别有误）", FineFen: 20000, Points: 0,
		DecisionNumber: decision("440300", 88100), DecidedOn: s.day(-28), ReceivedOn: s.day(-27), Status: core.StatusAppealed, AppealedOn: s.day(-26), DriverID: &boss,
		Notes: "照片中的车辆不是本车，已提交申诉"})
	// Paid, with a receipt.
	paid := s.violation(core.Violation{VehicleID: family, OccurredAt: s.at(-70, 19, 30), Place: "滨海大道", Code: "1039", Description: "违停", FineFen: 20000, Points: 0,
		DecisionNumber: decision("440300", 87001), DecidedOn: s.day(-66), ReceivedOn: s.day(-65), DriverID: &boss})
	if s.err == nil {
		_, s.err = s.t.RecordPayment(s.ctx, core.Payment{ViolationID: paid, FineFen: 20000, Method: core.PayAlipay,
			PaidAt: ptr(s.at(-60, 20, 12).UTC()), ReceiptNumber: "440300-2026-0012345", IdempotencyKey: core.NewIdempotencyKey()})
	}
}
