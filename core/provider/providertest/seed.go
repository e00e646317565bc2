package providertest

import (
	"fmt"
	"strings"
	"time"

	"ticketbook/core/ident"
	"ticketbook/core/provider"
)

// demoVIN completes a 17-character VIN whose position 9 is a placeholder
// with its ISO 3779 check digit, so the demo passes the client's validation.
func demoVIN(s string) string {
	c, ok := ident.VINCheckDigit(s)
	if !ok {
		panic("providertest: bad demo VIN " + s)
	}
	return s[:8] + string(c) + s[9:]
}

type demoRecord struct {
	plateType, plate string
	daysAgo          int
	clock            string // HH:MM:SS, Beijing time
	place, overlay   string // overlay: the ASCII caption the camera burns in
	code, desc       string
	fine             int64
	points           int
	photos           int
	// What has happened since:
	decidedDaysAgo int    // >0: decided that many days ago
	driver         string // licence file it was confirmed on
	paidDaysAgo    int    // >0: paid in the official app that many days ago
	appealDaysAgo  int    // >0: appeal pending, filed that many days ago
	inPerson       bool
}

const (
	fileZhang = "110104207316"
	fileLi    = "310115116842"
	fileWang  = "440305091275"
)

// SeedDemo fills an empty provider with the demo account: five bound
// vehicles, one friend's car (for a registration), three licences and
// fourteen records in every state the client must handle, dated relative
// to today. The same today always gives the same data, photos included.
func SeedDemo(p *Provider, today time.Time) error {
	y, m, d := today.In(cst).Date()
	base := time.Date(y, m, d, 0, 0, 0, 0, cst)
	day := func(ago int) string { return base.AddDate(0, 0, -ago).Format(dateLayout) }

	vehicles := []struct {
		v     provider.Vehicle
		bound bool
	}{
		{provider.Vehicle{PlateType: "02", Plate: "京AF0236", VIN: demoVIN("LFV2A21K0N3012345"), Engine: "DKX408721", OwnerName: "张伟", Use: "private"}, true},
		{provider.Vehicle{PlateType: "52", Plate: "京AD12345", VIN: demoVIN("LRW3E7FA0PC683214"), Engine: "TZ220XS0042718", OwnerName: "张伟", Use: "private"}, true},
		{provider.Vehicle{PlateType: "02", Plate: "沪B7K291", VIN: demoVIN("LSVNV2182M2100587"), Engine: "CSS216493", OwnerName: "李娜", Use: "private"}, true},
		{provider.Vehicle{PlateType: "02", Plate: "粤B3N5R8", VIN: demoVIN("LGBH52E00LY703318"), Engine: "MR20-862311", OwnerName: "深圳市鹏程科技有限公司", Use: "non_operating"}, true},
		{provider.Vehicle{PlateType: "52", Plate: "粤BF67890", VIN: demoVIN("LGXC74C40R0152836"), Engine: "BYD472ZQB-2209", OwnerName: "王芳", Use: "private"}, true},
		{provider.Vehicle{PlateType: "02", Plate: "京N5H2M7", VIN: demoVIN("LHGRT3850K8041762"), Engine: "L15B7-3320981", OwnerName: "赵磊", Use: "private"}, false},
	}
	licences := []provider.Licence{
		{Name: "张伟", LicenceFile: fileZhang, Class: "C1", FirstIssued: "2009-06-12", ValidUntil: "2035-06-12"},
		{Name: "李娜", LicenceFile: fileLi, Class: "C1", FirstIssued: "2015-03-20", ValidUntil: "2031-03-20"},
		{Name: "王芳", LicenceFile: fileWang, Class: "C2", FirstIssued: "2019-11-08", ValidUntil: "2031-11-08"},
	}
	const (
		redLight = "驾驶机动车违反道路交通信号灯通行的"
		parking  = "机动车违反规定停放、临时停车且驾驶人不在现场，妨碍其他车辆、行人通行的"
	)
	records := []demoRecord{
		{plateType: "02", plate: "京AF0236", daysAgo: 9, clock: "08:42:17", place: "北京市朝阳区建国路与东三环中路交叉口", overlay: "BEIJING CHAOYANG JIANGUO RD x E 3RD RING",
			code: "1625", desc: redLight, fine: 20000, points: 6, photos: 2},
		{plateType: "02", plate: "京AF0236", daysAgo: 3, clock: "14:05:51", place: "北京市东城区东直门南大街", overlay: "BEIJING DONGCHENG DONGZHIMEN S ST",
			code: "1039", desc: parking, fine: 20000, photos: 1},
		{plateType: "02", plate: "京AF0236", daysAgo: 16, clock: "19:31:02", place: "北京市海淀区中关村大街59号", overlay: "BEIJING HAIDIAN ZHONGGUANCUN ST 59",
			code: "1039", desc: parking, fine: 20000, photos: 1, decidedDaysAgo: 10},
		{plateType: "52", plate: "京AD12345", daysAgo: 27, clock: "07:58:40", place: "北京市西城区西二环复兴门桥", overlay: "BEIJING XICHENG W 2ND RING FUXINGMEN BR",
			code: "1352", desc: "不按所需行进方向驶入导向车道的", fine: 10000, points: 1, photos: 2, decidedDaysAgo: 20, driver: fileZhang},
		{plateType: "52", plate: "京AD12345", daysAgo: 6, clock: "23:14:09", place: "京藏高速公路北六环出口", overlay: "G6 JINGZANG EXPWY N 6TH RING EXIT",
			code: "1344", desc: "驾驶小型载客汽车在高速公路上行驶超过规定时速50%以上的", fine: 150000, points: 12, photos: 2, inPerson: true},
		{plateType: "52", plate: "京AD12345", daysAgo: 4, clock: "10:22:33", place: "北京市朝阳区东四环北路四元桥", overlay: "BEIJING CHAOYANG E 4TH RING SIYUAN BR",
			code: "6011", desc: "驾驶人未按规定使用安全带的", fine: 5000, points: 1, photos: 1, decidedDaysAgo: 2, driver: fileZhang},
		{plateType: "02", plate: "沪B7K291", daysAgo: 5, clock: "17:47:12", place: "上海市浦东新区世纪大道与东方路交叉口", overlay: "SHANGHAI PUDONG CENTURY AVE x DONGFANG RD",
			code: "1345", desc: "驾驶机动车在城市道路上行驶超过规定时速20%以上未达到50%的", fine: 20000, points: 3, photos: 2},
		{plateType: "02", plate: "沪B7K291", daysAgo: 64, clock: "12:09:55", place: "上海市黄浦区南京东路步行街入口", overlay: "SHANGHAI HUANGPU E NANJING RD",
			code: "1039", desc: parking, fine: 20000, photos: 1, decidedDaysAgo: 60},
		{plateType: "02", plate: "沪B7K291", daysAgo: 45, clock: "09:16:48", place: "上海市徐汇区漕溪北路与南丹路交叉口", overlay: "SHANGHAI XUHUI CAOXI N RD x NANDAN RD",
			code: "1625", desc: redLight, fine: 20000, points: 6, photos: 2, decidedDaysAgo: 40, driver: fileLi, paidDaysAgo: 35},
		{plateType: "02", plate: "粤B3N5R8", daysAgo: 11, clock: "08:03:27", place: "深圳市福田区深南大道与彩田路交叉口", overlay: "SHENZHEN FUTIAN SHENNAN BLVD x CAITIAN RD",
			code: "1042", desc: "驾驶机动车违反禁止标线指示的", fine: 10000, points: 1, photos: 2, appealDaysAgo: 2},
		{plateType: "02", plate: "粤B3N5R8", daysAgo: 2, clock: "15:40:19", place: "深圳市南山区科技园南区高新南七道", overlay: "SHENZHEN NANSHAN HI-TECH PARK S 7TH RD",
			code: "1039", desc: parking, fine: 20000, photos: 1},
		{plateType: "52", plate: "粤BF67890", daysAgo: 7, clock: "18:26:44", place: "深圳市南山区深南大道与科苑路交叉口", overlay: "SHENZHEN NANSHAN SHENNAN BLVD x KEYUAN RD",
			code: "1223", desc: "驾驶机动车有拨打、接听手持电话等妨碍安全驾驶行为的", fine: 20000, points: 3, photos: 1},
		{plateType: "52", plate: "粤BF67890", daysAgo: 18, clock: "21:12:06", place: "深圳市罗湖区人民南路与嘉宾路交叉口", overlay: "SHENZHEN LUOHU RENMIN S RD x JIABIN RD",
			code: "1625", desc: redLight, fine: 20000, points: 6, photos: 2, decidedDaysAgo: 12, driver: fileWang},
		{plateType: "02", plate: "京N5H2M7", daysAgo: 8, clock: "11:37:50", place: "北京市丰台区南三环西路", overlay: "BEIJING FENGTAI S 3RD RING W RD",
			code: "1039", desc: parking, fine: 20000, photos: 1},
	}

	return p.change(func() error {
		if !p.emptyLocked() {
			return ErrNotEmpty
		}
		p.st.Name, p.st.Demo = "演示账户 Demo account", true
		for _, v := range vehicles {
			if err := p.addVehicleLocked(v.v, v.bound); err != nil {
				return err
			}
		}
		for _, l := range licences {
			if err := p.addLicenceLocked(l); err != nil {
				return err
			}
		}
		for i, r := range records {
			if err := p.seedRecordLocked(i, r, base, day); err != nil {
				return err
			}
		}
		return nil
	})
}

func (p *Provider) seedRecordLocked(i int, r demoRecord, base time.Time, day func(int) string) error {
	clock, err := time.Parse("15:04:05", r.clock)
	if err != nil {
		return err
	}
	at := base.AddDate(0, 0, -r.daysAgo).Add(time.Duration(clock.Hour())*time.Hour +
		time.Duration(clock.Minute())*time.Minute + time.Duration(clock.Second())*time.Second)
	record := fmt.Sprintf("%s%s%06d", regionOf(r.plate), at.Format("060102"), 310+i*47)
	v := provider.Violation{RecordNumber: record, PlateType: r.plateType, Plate: r.plate, OccurredAt: at.UTC(),
		Place: r.place, Code: r.code, Description: r.desc, FineFen: r.fine, Points: r.points,
		NotifiedOn: day(max(r.daysAgo-2, 0)), InPersonOnly: r.inPerson}
	if r.decidedDaysAgo > 0 {
		v.Status, v.DecidedOn = "decided", day(r.decidedDaysAgo)
	}
	if r.driver != "" {
		v.DriverLicence = maskFile(r.driver)
	}
	serial, _ := strings.CutPrefix(r.plate, string([]rune(r.plate)[0]))
	plateText := serial[:1] + "." + serial[1:]
	var photos [][]byte
	for n := 0; n < r.photos; n++ {
		lines := []string{
			fmt.Sprintf("%s  REC %s  CAM %02d", at.Format("2006-01-02 15:04:05"), record, n+1),
			r.overlay,
			fmt.Sprintf("CODE %s  PLATE %s", r.code, plateText),
		}
		photos = append(photos, cameraPhoto(lines, plateText, r.plateType == "52", i*2+n))
	}
	w, err := p.addViolationLocked(v, photos)
	if err != nil {
		return err
	}
	if r.driver != "" {
		p.st.DriverOf[record] = r.driver
		if l := p.licenceLocked(r.driver); l != nil {
			l.Points += r.points
		}
	}
	switch {
	case r.paidDaysAgo > 0:
		paidAt := base.AddDate(0, 0, -r.paidDaysAgo).Add(20*time.Hour + 13*time.Minute)
		fee, _ := lateFee(w.FineFen, w.DecidedOn, paidAt.Format(dateLayout))
		p.st.Seq++
		pay := provider.Payment{ID: fmt.Sprintf("pay_%06d", p.st.Seq), IdempotencyKey: fmt.Sprintf("elsewhere-%06d", p.st.Seq),
			DecisionNumber: w.DecisionNumber, RecordNumber: record, FineFen: w.FineFen, LateFeeFen: fee,
			AmountFen: w.FineFen + fee, Method: "alipay",
			ReceiptNumber: fmt.Sprintf("%s%s%08d", w.DecisionNumber[:6], paidAt.Format("20060102"), p.st.Seq),
			PaidAt:        paidAt.UTC()}
		p.st.Payments = append(p.st.Payments, pay)
		w.Status, w.Payment = "paid", &pay
		p.bump(w)
	case r.appealDaysAgo > 0:
		p.st.Seq++
		a := provider.Appeal{ID: fmt.Sprintf("SS%s%06d", base.AddDate(0, 0, -r.appealDaysAgo).Format("20060102"), p.st.Seq),
			RecordNumber: record, Status: provider.AppealPending, EvidenceCount: 1, FiledOn: day(r.appealDaysAgo),
			Reason: "当时前方发生事故，交警现场指挥车辆借道通行，非主动违反禁止标线。"}
		w.Status, w.Appeal = "appealed", &a
		p.bump(w)
	}
	return nil
}
