package content

import (
	"strings"
	"testing"
)

func TestEmbeddedParity(t *testing.T) {
	cats, err := All()
	if err != nil {
		t.Fatalf("All() = %v", err)
	}
	if got := CheckParity(cats); len(got) != 0 {
		t.Errorf("CheckParity(All()) = %v, want no problems", got)
	}
	if cats["es"].Lang != "es" || cats[DefaultLang].Lang != "en" {
		t.Errorf("All() langs = %q, %q, want es, en", cats["es"].Lang, cats[DefaultLang].Lang)
	}
}

func TestCheckParityFindsMissingIDs(t *testing.T) {
	en := &Catalog{
		Lang:      "en",
		Messages:  map[string]string{"hello": "Hi", "bye": "Bye"},
		Commands:  []Command{{Name: "help"}, {Name: "lang"}},
		Questions: []Question{{ID: "pump", Options: []Option{{Value: "yes"}, {Value: "no"}}}},
		Steps:     []Step{{ID: "warm"}, {ID: "massage"}},
		RedFlags:  []RedFlag{{ID: "fever"}},
		Says:      map[string][]string{"btn_done": {"done"}},
	}
	es := &Catalog{
		Lang:      "es",
		Messages:  map[string]string{"hello": "Hola"},
		Commands:  []Command{{Name: "help"}},
		Questions: []Question{{ID: "pump", Options: []Option{{Value: "yes"}}}},
		Steps:     []Step{{ID: "warm"}},
		Says:      map[string][]string{"btn_done": {"listo"}, "btn_extra": {"más"}},
	}
	var got []string
	for _, p := range CheckParity(map[string]*Catalog{"en": en, "es": es}) {
		got = append(got, p.File+": "+p.ID)
	}
	want := []string{
		"en/says.yaml: btn_extra",
		"es/messages.yaml: bye",
		"es/commands.yaml: lang",
		"es/triage.yaml: pump/no",
		"es/steps.yaml: massage",
		"es/redflags.yaml: fever",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("CheckParity = \n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestCheckTranslatedFindsEnglishLeftInSpanish(t *testing.T) {
	cats, err := All()
	if err != nil {
		t.Fatalf("All() = %v", err)
	}
	if got := CheckTranslated(cats); len(got) != 0 {
		t.Errorf("CheckTranslated(All()) = %v, want none", got)
	}
	es := *cats["es"]
	es.Messages = map[string]string{"btn_next": cats["en"].Messages["btn_next"], "btn_lang_en": "English"}
	es.Steps = append([]Step(nil), es.Steps...)
	es.Steps[0].Why = cats["en"].Steps[0].Why
	var got []string
	for _, p := range CheckTranslated(map[string]*Catalog{"en": cats["en"], "es": &es}) {
		got = append(got, p.File+": "+p.ID+": "+p.Msg)
	}
	want := []string{
		"es/messages.yaml: btn_next: text is the same as in en/messages.yaml: translate it",
		"es/steps.yaml: " + es.Steps[0].ID + ": why is the same as in en/steps.yaml: translate it",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("CheckTranslated = \n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
