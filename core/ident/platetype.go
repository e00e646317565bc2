package ident

import (
	"fmt"
	"slices"
	"strings"

	"ticketbook/core/field"
)

// PlateType is a two-digit plate type code (号牌种类) from GA 24.7, the code
// traffic systems call hpzl. A plate is unique only together with its type.
type PlateType string

const (
	PlateLargeCar  PlateType = "01"
	PlateSmallCar  PlateType = "02"
	PlateEmbassy   PlateType = "03"
	PlateConsulate PlateType = "04"
	PlateTrailer   PlateType = "15"
	PlateLearner   PlateType = "16"
	PlatePolice    PlateType = "23"
	PlateHongKong  PlateType = "26"
	PlateMacau     PlateType = "27"
	PlateLargeNEV  PlateType = "51"
	PlateSmallNEV  PlateType = "52"
)

type plateTypeInfo struct {
	zh, en string
	// aliases are further ways people write the type, already in the form
	// Normalize produces (upper case, no spaces).
	aliases []string
}

var plateTypeInfos = map[PlateType]plateTypeInfo{
	PlateLargeCar:  {"大型汽车", "large car", []string{"大车", "大型车", "LARGEVEHICLE", "LARGE"}},
	PlateSmallCar:  {"小型汽车", "small car", []string{"小车", "小型车", "SMALLVEHICLE", "SMALL"}},
	PlateEmbassy:   {"使馆汽车", "embassy car", []string{"使馆车", "使馆", "EMBASSY", "EMBASSYVEHICLE"}},
	PlateConsulate: {"领馆汽车", "consulate car", []string{"领馆车", "领馆", "CONSULATE", "CONSULATEVEHICLE"}},
	PlateTrailer:   {"挂车", "trailer", []string{"TRAILERVEHICLE"}},
	PlateLearner:   {"教练汽车", "learner car", []string{"教练车", "LEARNER", "LEARNERVEHICLE", "COACHCAR", "TRAININGCAR"}},
	PlatePolice:    {"警用汽车", "police car", []string{"警车", "POLICE", "POLICEVEHICLE"}},
	PlateHongKong:  {"香港入出境车", "Hong Kong cross-border car", []string{"香港入出境汽车", "港车", "粤港车", "HONGKONG", "HONGKONGCAR", "HK"}},
	PlateMacau:     {"澳门入出境车", "Macau cross-border car", []string{"澳门入出境汽车", "澳车", "粤澳车", "MACAU", "MACAO", "MACAUCAR", "MACAOCAR"}},
	PlateLargeNEV:  {"大型新能源汽车", "large new-energy car", []string{"大型新能源车", "大型新能源", "LARGENEV", "LARGENEWENERGY", "LARGENEWENERGYVEHICLE"}},
	PlateSmallNEV:  {"小型新能源汽车", "small new-energy car", []string{"小型新能源车", "小型新能源", "SMALLNEV", "SMALLNEWENERGY", "SMALLNEWENERGYVEHICLE"}},
}

// plateTypeByName is built once from plateTypeInfos so that a name and its
// aliases can never drift apart from Name.
var plateTypeByName = func() map[string]PlateType {
	m := make(map[string]PlateType)
	for t, info := range plateTypeInfos {
		m[Normalize(info.zh)] = t
		m[Normalize(info.en)] = t
		for _, a := range info.aliases {
			m[Normalize(a)] = t
		}
	}
	return m
}()

// PlateTypes lists the known types, sorted by code.
func PlateTypes() []PlateType {
	out := make([]PlateType, 0, len(plateTypeInfos))
	for t := range plateTypeInfos {
		out = append(out, t)
	}
	slices.Sort(out)
	return out
}

// Name is the type's name in lang ("zh..." for Chinese, else English). A code
// this package does not know is shown as the code itself rather than blank.
func (t PlateType) Name(lang string) string {
	info, ok := plateTypeInfos[t]
	if !ok {
		return string(t)
	}
	if isZh(lang) {
		return info.zh
	}
	return info.en
}

// label is "02 (small car)", used in messages so the user sees both the code a
// form shows and the name they know.
func (t PlateType) label(lang string) string {
	if _, ok := plateTypeInfos[t]; !ok {
		return string(t)
	}
	if isZh(lang) {
		return string(t) + "（" + t.Name(lang) + "）"
	}
	return string(t) + " (" + t.Name(lang) + ")"
}

// ParsePlateType accepts a code with or without its leading zero ("2", "02")
// or a name in Chinese or English ("小型汽车", "small car", "small NEV").
// The words 号牌 / plate are ignored, since forms label the field that way.
func ParsePlateType(s string) (PlateType, error) {
	key := Normalize(s)
	if key == "" {
		return "", field.New("plate_type", "plate_type_empty",
			"is empty; choose a plate type such as 02 (small car) or 52 (small new-energy car)",
			"不能为空，请选择号牌种类，如02（小型汽车）或52（小型新能源汽车）")
	}
	if allDigits(key) && len(key) <= 2 {
		if len(key) == 1 {
			key = "0" + key
		}
		t := PlateType(key)
		if _, ok := plateTypeInfos[t]; ok {
			return t, nil
		}
		return "", unknownPlateType(s)
	}
	for _, suffix := range []string{"号牌", "PLATES", "PLATE"} {
		if k, ok := strings.CutSuffix(key, suffix); ok && k != "" {
			key = k
			break
		}
	}
	if t, ok := plateTypeByName[key]; ok {
		return t, nil
	}
	return "", unknownPlateType(s)
}

func unknownPlateType(s string) *field.Error {
	s = clip(strings.TrimSpace(s))
	var en, zh []string
	for _, t := range PlateTypes() {
		en = append(en, t.label("en"))
		zh = append(zh, t.label("zh"))
	}
	return field.New("plate_type", "plate_type_unknown",
		fmt.Sprintf("%q is not a plate type this app knows; use one of %s", s, strings.Join(en, ", ")),
		fmt.Sprintf("“%s”不是可识别的号牌种类，请使用：%s", s, strings.Join(zh, "、")))
}
