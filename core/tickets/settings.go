package tickets

import (
	"context"
	"fmt"
	"strings"

	"ticketbook/core/field"
	"ticketbook/core/provider"
	"ticketbook/core/rules"
)

// SettingDef is a preference that changes computed results; the CLI and the
// window both set them through SetSetting so they validate the same way.
type SettingDef struct {
	Key, Default, En, Zh string
	Check                func(string) (string, error)
}

var SettingDefs = []SettingDef{
	{SettingConvention, string(rules.ConventionNextDay),
		"how the 15 days to pay are counted: next_day (from the day after delivery; the late fee starts on day 16, as official help pages say) or same_day (the delivery day is day 1)",
		"15 日缴款期限的计算方式：next_day（自送达次日起算，第 16 日起加收滞纳金，与官方说明一致）或 same_day（送达当日为第 1 日）",
		func(s string) (string, error) { c, err := rules.ParseConvention(s); return string(c), err }},
	{SettingRegion, "",
		"your region's 6-digit administrative code (e.g. 440300 for Shenzhen) for regional rule overrides; empty for national rules",
		"所在地区的 6 位行政区划代码（如深圳 440300），用于地方规则；留空使用全国规则",
		func(s string) (string, error) {
			s = strings.TrimSpace(s)
			if s != "" && (len(s) != 6 || strings.Trim(s, "0123456789") != "") {
				return "", field.New("region", "region_format", "must be a 6-digit administrative code such as 440300, or empty", "应为 6 位行政区划代码（如 440300）或留空")
			}
			return s, nil
		}},
	{SettingOfficialHosts, "",
		"payment hosts a scanned link may point to without a scam warning, comma-separated (e.g. the provider's pay host)",
		"扫码得到的缴款链接可信的域名，逗号分隔（如服务商的缴款域名）；其他域名会提示可能是诈骗",
		func(s string) (string, error) {
			var hosts []string
			for _, h := range strings.Split(s, ",") {
				h = strings.ToLower(strings.TrimSpace(h))
				if h == "" {
					continue
				}
				if strings.ContainsAny(h, "/: ") || !strings.Contains(h, ".") {
					return "", field.New("official_hosts", "host_format", fmt.Sprintf("%q is not a host name such as pay.example.gov.cn", h),
						fmt.Sprintf("“%s”不是域名，应为 pay.example.gov.cn 这样的格式", h))
				}
				hosts = append(hosts, h)
			}
			return strings.Join(hosts, ","), nil
		}},
	{SettingProvider, ProviderDemo,
		"where sync goes: demo (the built-in demo provider with sample data), off (no sync), or the provider's https URL",
		"同步对象：demo（内置演示服务，示例数据）、off（不同步）或服务方的 https 地址",
		CheckProvider},
}

// Values of the provider setting besides a URL.
const (
	ProviderDemo = "demo"
	ProviderOff  = "off"
)

// CheckProvider accepts demo, off, an https URL, or an http URL to this
// machine (a reference provider run locally).
func CheckProvider(s string) (string, error) {
	s = strings.TrimSpace(s)
	switch strings.ToLower(s) {
	case ProviderDemo, "":
		return ProviderDemo, nil
	case ProviderOff, "none":
		return ProviderOff, nil
	}
	if _, err := provider.New(s, "", nil); err != nil {
		return "", field.New("provider", "provider_url",
			"must be demo, off, or the provider's address such as https://provider.example.com (plain http only to 127.0.0.1)",
			"应为 demo、off 或服务方地址，如 https://provider.example.com（http 仅限本机 127.0.0.1）")
	}
	return strings.TrimSuffix(s, "/"), nil
}

// OfficialHosts is the setting as a list, for the scanner's scam check.
func (s *Service) OfficialHosts(ctx context.Context) ([]string, error) {
	v, _, err := s.store.Settings().Get(ctx, SettingOfficialHosts)
	if err != nil || v == "" {
		return nil, err
	}
	return strings.Split(v, ","), nil
}

// SettingsMap is every setting with its stored value or default.
func (s *Service) SettingsMap(ctx context.Context) (map[string]string, error) {
	all, err := s.store.Settings().All(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, d := range SettingDefs {
		v, ok := all[d.Key]
		if !ok {
			v = d.Default
		}
		out[d.Key] = v
	}
	return out, nil
}

func (s *Service) SetSetting(ctx context.Context, key, value string) (string, error) {
	for _, d := range SettingDefs {
		if d.Key != key {
			continue
		}
		v, err := d.Check(value)
		if err != nil {
			return "", err
		}
		return v, s.store.Settings().Set(ctx, key, v)
	}
	keys := make([]string, len(SettingDefs))
	for i, d := range SettingDefs {
		keys[i] = d.Key
	}
	return "", field.New("setting", "setting_unknown", fmt.Sprintf("%q is not a setting; known: %s", key, strings.Join(keys, ", ")),
		fmt.Sprintf("“%s”不是设置项；可用：%s", key, strings.Join(keys, "、")))
}
