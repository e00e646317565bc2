package screens

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"ticketbook/core/field"
	"ticketbook/core/tickets"
	"ticketbook/ui/widgets"
)

// Preference keys the shell reads at start.
const (
	PrefLanguage = "language" // "", "zh" or "en"; "" follows the system
	PrefTheme    = "theme"    // "", "light" or "dark"; "" follows the system
)

// Settings shows where the data is and lets the user choose language, theme
// and the settings that change computed results.
type Settings struct {
	env   Env
	prefs fyne.Preferences

	Language, Theme, Convention *widget.Select
	Region                      *widget.Entry
	RegionError                 *widget.Label
	Saved                       *widget.Label
	Data                        *DataTools

	// Provider is where sync goes: the demo provider, off, or a URL typed
	// in ProviderURL; Token takes a new token (a password entry: a stored
	// token is only ever shown masked, in TokenInfo).
	Provider                             *widget.Select
	ProviderURL, Token                   *widget.Entry
	TokenInfo, ProviderError, ProviderOK *widget.Label
	SaveProvider                         *widget.Button
	DemoBadge                            *widgets.Badge
	tokenRow                             fyne.CanvasObject
	content                              fyne.CanvasObject
	// OnLook is called after the language or theme changed, so the shell can
	// rebuild itself in the new language.
	OnLook func()
}

var (
	langCodes  = []string{"", "zh", "en"}
	themeCodes = []string{"", "light", "dark"}
	convCodes  = []string{"next_day", "same_day"}
	// providerKinds index the Provider choice; "" is a URL.
	providerKinds = []string{tickets.ProviderDemo, tickets.ProviderOff, ""}
)

func NewSettings(env Env, prefs fyne.Preferences, dataPath string) *Settings {
	tx := env.Text
	s := &Settings{env: env, prefs: prefs}
	s.Language = widget.NewSelect([]string{tx.T("settings.lang.system"), "中文", "English"}, nil)
	s.Language.SetSelectedIndex(indexOf(langCodes, prefs.String(PrefLanguage)))
	s.Language.OnChanged = func(string) { s.savePref(PrefLanguage, langCodes[s.Language.SelectedIndex()]) }
	s.Theme = widget.NewSelect([]string{tx.T("settings.theme.system"), tx.T("settings.theme.light"), tx.T("settings.theme.dark")}, nil)
	s.Theme.SetSelectedIndex(indexOf(themeCodes, prefs.String(PrefTheme)))
	s.Theme.OnChanged = func(string) { s.savePref(PrefTheme, themeCodes[s.Theme.SelectedIndex()]) }
	s.Convention = widget.NewSelect([]string{tx.T("settings.convention.next_day"), tx.T("settings.convention.same_day")}, nil)
	s.Convention.OnChanged = func(string) {
		s.saveSetting(tickets.SettingConvention, convCodes[s.Convention.SelectedIndex()])
	}
	s.Region = widget.NewEntry()
	s.Region.SetPlaceHolder("440300")
	s.RegionError = widget.NewLabel("")
	s.RegionError.Importance = widget.DangerImportance
	saveRegion := widget.NewButton(tx.T("form.save"), s.SaveRegion)
	s.Saved = widget.NewLabel("")
	where := widget.NewLabel(dataPath)
	where.Wrapping = fyne.TextWrapBreak
	provider := s.providerForm()
	form := widget.NewForm(
		widget.NewFormItem(tx.T("settings.language"), s.Language),
		widget.NewFormItem(tx.T("settings.theme"), s.Theme),
		widget.NewFormItem(tx.T("settings.convention"), s.Convention),
		widget.NewFormItem(tx.T("settings.region"), container.NewBorder(nil, s.RegionError, nil, saveRegion, s.Region)),
		widget.NewFormItem(tx.T("settings.data"), where),
		widget.NewFormItem(tx.T("settings.provider"), provider),
	)
	if env.Services.Sync == nil {
		form.Items[len(form.Items)-1].Widget = widget.NewLabel(tx.T("settings.provider.unavailable"))
	}
	s.Data = NewDataTools(env)
	s.content = container.NewVScroll(container.NewVBox(form, s.Saved, widget.NewSeparator(), s.Data.Content()))
	return s
}

func (s *Settings) Content() fyne.CanvasObject { return s.content }

func (s *Settings) providerForm() fyne.CanvasObject {
	tx := s.env.Text
	s.Provider = widget.NewSelect([]string{tx.T("settings.provider.demo"), tx.T("settings.provider.off"),
		tx.T("settings.provider.url")}, func(string) { s.providerChoice() })
	s.ProviderURL = widget.NewEntry()
	s.ProviderURL.SetPlaceHolder("https://")
	s.Token = widget.NewPasswordEntry()
	s.Token.SetPlaceHolder(tx.T("settings.token.hint"))
	s.TokenInfo = widget.NewLabel("")
	s.TokenInfo.Importance = widget.LowImportance
	s.TokenInfo.Wrapping = fyne.TextWrapWord
	s.ProviderError = widget.NewLabel("")
	s.ProviderError.Importance = widget.DangerImportance
	s.ProviderError.Wrapping = fyne.TextWrapWord
	s.ProviderOK = widget.NewLabel("")
	s.SaveProvider = widget.NewButton(tx.T("settings.provider.save"), s.SaveProviderNow)
	s.DemoBadge = widgets.NewBadge(tx.T("sync.badge"))
	s.DemoBadge.Hide()
	s.tokenRow = widget.NewForm(widget.NewFormItem(tx.T("settings.token"), s.Token))
	s.Provider.SetSelectedIndex(0)
	s.ProviderError.Hide()
	return container.NewVBox(container.NewBorder(nil, nil, nil, s.DemoBadge, s.Provider), s.ProviderURL, s.tokenRow, s.TokenInfo,
		s.ProviderError, container.NewBorder(nil, nil, s.SaveProvider, nil, s.ProviderOK))
}

// providerChoice enables the URL and token only for a real provider.
func (s *Settings) providerChoice() {
	url := providerKinds[max(s.Provider.SelectedIndex(), 0)] == ""
	violationEnable(s.ProviderURL, url)
	violationEnable(s.Token, url)
	violationShow(s.ProviderURL, url)
	violationShow(s.tokenRow, url)
}

// ApplyProvider shows the stored provider and its masked token.
func (s *Settings) ApplyProvider(st SyncStatus) {
	on := s.Provider.OnChanged
	s.Provider.OnChanged = nil
	switch {
	case st.Demo:
		s.Provider.SetSelectedIndex(0)
	case st.Off:
		s.Provider.SetSelectedIndex(1)
	default:
		s.Provider.SetSelectedIndex(2)
		s.ProviderURL.SetText(st.Provider)
	}
	s.Provider.OnChanged = on
	s.providerChoice()
	violationShow(s.DemoBadge, st.Demo)
	s.TokenInfo.SetText(TokenText(s.env.Text, st))
	violationShow(s.TokenInfo, s.TokenInfo.Text != "")
}

// SaveProviderNow stores the provider choice and, if one was typed, the
// token; the token entry is emptied again.
func (s *Settings) SaveProviderNow() {
	sync := s.env.Services.Sync
	if sync == nil {
		return
	}
	target, token := providerKinds[max(s.Provider.SelectedIndex(), 0)], ""
	if target == "" {
		target, token = strings.TrimSpace(s.ProviderURL.Text), strings.TrimSpace(s.Token.Text)
		if target == "" {
			target = "-" // refused by the check with its own sentence
		}
	}
	s.ProviderError.SetText("")
	s.ProviderError.Hide()
	s.ProviderOK.SetText("")
	ctx := s.env.Ctx()
	s.env.Run(func() func() {
		st, err := sync.SetProvider(ctx, target, token)
		return func() {
			if err != nil {
				// Refusals (a bad URL, a token with spaces, no keyring and
				// no writable file) stay next to the fields.
				s.ProviderError.SetText(field.Localize(err, string(s.env.Text.Lang)))
				s.ProviderError.Show()
				return
			}
			s.Token.SetText("")
			s.ApplyProvider(st)
			s.ProviderOK.SetText(s.env.Text.T("settings.provider.saved"))
			s.env.syncChanged()
		}
	})
}

// Refresh loads the stored settings.
func (s *Settings) Refresh() {
	s.env.Run(func() func() {
		m, err := s.env.Services.Tickets.SettingsMap(s.env.Ctx())
		var st SyncStatus
		var serr error
		if s.env.Services.Sync != nil {
			st, serr = s.env.Services.Sync.Status(s.env.Ctx())
		}
		return func() {
			if err == nil {
				err = serr
			}
			if err != nil {
				s.env.Present(err)
				return
			}
			if s.env.Services.Sync != nil {
				s.ApplyProvider(st)
			}
			// Set without firing OnChanged: loading is not a change by the user.
			on := s.Convention.OnChanged
			s.Convention.OnChanged = nil
			s.Convention.SetSelectedIndex(max(indexOf(convCodes, m[tickets.SettingConvention]), 0))
			s.Convention.OnChanged = on
			s.Region.SetText(m[tickets.SettingRegion])
		}
	})
}

// SaveRegion stores the region code as typed, or shows why it is refused.
func (s *Settings) SaveRegion() { s.saveSetting(tickets.SettingRegion, s.Region.Text) }

func (s *Settings) savePref(key, value string) {
	if s.prefs.String(key) == value {
		return
	}
	s.prefs.SetString(key, value)
	if s.OnLook != nil {
		s.OnLook()
	}
}

func (s *Settings) saveSetting(key, value string) {
	s.env.Run(func() func() {
		_, err := s.env.Services.Tickets.SetSetting(s.env.Ctx(), key, value)
		return func() {
			if key == tickets.SettingRegion {
				s.RegionError.SetText("")
			}
			if err != nil {
				if key == tickets.SettingRegion && field.Is(err) {
					s.RegionError.SetText(reason(err, string(s.env.Text.Lang)))
					return
				}
				s.env.Present(err)
				return
			}
			s.Saved.SetText(s.env.Text.T("settings.saved"))
		}
	})
}

func indexOf(xs []string, x string) int {
	for i, v := range xs {
		if v == x {
			return i
		}
	}
	return 0
}
