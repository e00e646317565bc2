package screens

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"ticketbook/core/field"
	"ticketbook/core/tickets"
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
	content                     fyne.CanvasObject
	// OnLook is called after the language or theme changed, so the shell can
	// rebuild itself in the new language.
	OnLook func()
}

var (
	langCodes  = []string{"", "zh", "en"}
	themeCodes = []string{"", "light", "dark"}
	convCodes  = []string{"next_day", "same_day"}
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
	provider := widget.NewLabel(tx.T("settings.provider.none"))
	provider.Wrapping = fyne.TextWrapWord
	form := widget.NewForm(
		widget.NewFormItem(tx.T("settings.language"), s.Language),
		widget.NewFormItem(tx.T("settings.theme"), s.Theme),
		widget.NewFormItem(tx.T("settings.convention"), s.Convention),
		widget.NewFormItem(tx.T("settings.region"), container.NewBorder(nil, s.RegionError, nil, saveRegion, s.Region)),
		widget.NewFormItem(tx.T("settings.data"), where),
		widget.NewFormItem(tx.T("settings.provider"), provider),
	)
	s.Data = NewDataTools(env)
	s.content = container.NewVScroll(container.NewVBox(form, s.Saved, widget.NewSeparator(), s.Data.Content()))
	return s
}

func (s *Settings) Content() fyne.CanvasObject { return s.content }

// Refresh loads the stored settings.
func (s *Settings) Refresh() {
	s.env.Run(func() func() {
		m, err := s.env.Services.Tickets.SettingsMap(s.env.Ctx())
		return func() {
			if err != nil {
				s.env.Present(err)
				return
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
