package content

import (
	"strings"
	"testing"
)

// TestFillNumbers: the emergency replies name the numbers of her time
// zone's country, in her language, and every number where it is not known.
func TestFillNumbers(t *testing.T) {
	cats, err := All()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		lang, zone string
		want       string // the self-harm reply's first paragraph
	}{
		{"en", "Europe/Madrid", "I'm really glad you told me. Please call your emergency number now: 112."},
		{"en", "Europe/Berlin", "I'm really glad you told me. Please call your emergency number now: 112."},
		{"en", "Europe/London", "I'm really glad you told me. Please call your emergency number now: 999 or 112."},
		{"en", "America/Mexico_City", "I'm really glad you told me. Please call your emergency number now: 911."},
		{"en", "America/New_York", "I'm really glad you told me. Please call your emergency number now: 911. You can also call or text 988, a crisis line."},
		{"en", "", "I'm really glad you told me. Please call your emergency number now: 112, 911 or 999. In the US you can also call or text 988, a crisis line."},
		{"en", "UTC", "I'm really glad you told me. Please call your emergency number now: 112, 911 or 999. In the US you can also call or text 988, a crisis line."},
		{"en", "+05:30", "I'm really glad you told me. Please call your emergency number now: 112, 911 or 999. In the US you can also call or text 988, a crisis line."},
		{"en", "Asia/Tokyo", "I'm really glad you told me. Please call your emergency number now: 112, 911 or 999. In the US you can also call or text 988, a crisis line."},
		{"es", "Europe/Madrid", "Me alegra mucho que me lo hayas contado. Llama ahora a tu número de emergencias: 112."},
		{"es", "Europe/London", "Me alegra mucho que me lo hayas contado. Llama ahora a tu número de emergencias: 999 o 112."},
		{"es", "America/Mexico_City", "Me alegra mucho que me lo hayas contado. Llama ahora a tu número de emergencias: 911."},
		{"es", "America/Los_Angeles", "Me alegra mucho que me lo hayas contado. Llama ahora a tu número de emergencias: 911. También puedes llamar o escribir al 988, una línea de ayuda en crisis."},
		{"es", "", "Me alegra mucho que me lo hayas contado. Llama ahora a tu número de emergencias: 112, 911 o 999. En Estados Unidos también puedes llamar o escribir al 988, una línea de ayuda en crisis."},
	}
	for _, tt := range tests {
		cat := cats[tt.lang]
		var reply string
		for _, f := range cat.RedFlags {
			if f.ID == "self-harm" {
				reply = f.Reply
			}
		}
		got, _, _ := strings.Cut(cat.FillNumbers(reply, tt.zone), "\n")
		if got != tt.want {
			t.Errorf("%s FillNumbers(self-harm, %q) = %q, want %q", tt.lang, tt.zone, got, tt.want)
		}
	}
}

// TestFillNumbersEverywhere: no text of any catalog keeps a placeholder of
// the numbers once filled, for any zone.
func TestFillNumbersEverywhere(t *testing.T) {
	cats, err := All()
	if err != nil {
		t.Fatal(err)
	}
	for lang, cat := range cats {
		for _, zone := range []string{"", "Europe/Madrid", "America/New_York"} {
			for _, tx := range catalogTexts(cat) {
				got := cat.FillNumbers(tx.text, zone)
				if strings.Contains(got, "{emergency}") || strings.Contains(got, "{crisis}") || strings.Contains(got, "  ") {
					t.Errorf("%s %s %s %s filled for %q = %q", lang, tx.file, tx.id, tx.field, zone, got)
				}
			}
		}
	}
}

func TestCountry(t *testing.T) {
	for zone, want := range map[string]string{"Europe/Madrid": "ES", "America/Mexico_City": "MX", "America/New_York": "US", "UTC": "", "Mars/Olympus": "", "": ""} {
		if got := Country(zone); got != want {
			t.Errorf("Country(%q) = %q, want %q", zone, got, want)
		}
	}
	if len(Zones()) < 400 || Zones()[0] != "UTC" {
		t.Errorf("Zones() = %d zones starting %q, want zone.tab's 400 and more after UTC", len(Zones()), Zones()[0])
	}
}

func TestNumbersTable(t *testing.T) {
	if ps := numbersProblems(); len(ps) > 0 {
		t.Errorf("numbersProblems() = %v, want none", ps)
	}
}
