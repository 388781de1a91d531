package content

import (
	"bytes"
	_ "embed"
	"fmt"
	"regexp"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

//go:embed numbers.yaml
var numbersFile []byte

// fileNumbers is the table of emergency numbers, shared by every language.
const fileNumbers = "numbers.yaml"

// Numbers are what to call in an emergency where she is.
type Numbers struct {
	// Emergency are the emergency services' numbers, the best known first.
	Emergency []string `yaml:"emergency"`
	// Crisis is a line that takes calls and texts about thoughts of
	// self-harm; "" where none is listed.
	Crisis string `yaml:"crisis"`
}

// numbersTable is numbers.yaml read.
type numbersTable struct {
	Countries []struct {
		Where   []string `yaml:"where"`
		Numbers `yaml:",inline"`
	} `yaml:"countries"`
	Anywhere Numbers `yaml:"anywhere"`
}

var numbers = sync.OnceValues(func() (numbersTable, error) {
	var t numbersTable
	dec := yaml.NewDecoder(bytes.NewReader(numbersFile))
	dec.KnownFields(true)
	err := dec.Decode(&t)
	return t, err
})

// NumbersIn returns what to call in an emergency in the country of a time
// zone (an IANA name); known is false when the zone's country is not known
// or not listed, and the numbers are then those of anywhere: all of them.
func NumbersIn(zone string) (n Numbers, known bool) {
	t, _ := numbers()
	if country := Country(zone); country != "" {
		for _, c := range t.Countries {
			for _, w := range c.Where {
				if w == country {
					return c.Numbers, true
				}
			}
		}
	}
	return t.Anywhere, false
}

// FillNumbers puts into text the emergency numbers ({emergency}) and the
// crisis line ({crisis}) for someone in time zone zone, in the catalog's
// words. Without a crisis line, {crisis} goes with the space before or
// after it, so the sentences around it still read.
func (c *Catalog) FillNumbers(text, zone string) string {
	if !strings.Contains(text, "{") {
		return text
	}
	n, known := NumbersIn(zone)
	crisis := ""
	if n.Crisis != "" {
		id := "crisis_line"
		if !known {
			id = "crisis_line_anywhere"
		}
		crisis = strings.ReplaceAll(strings.TrimSpace(c.Messages[id]), "{line}", n.Crisis)
	}
	pairs := []string{"{emergency}", orList(n.Emergency, strings.TrimSpace(c.Messages["number_or"]))}
	if crisis == "" {
		pairs = append(pairs, " {crisis}", "", "{crisis} ", "", "{crisis}", "")
	} else {
		pairs = append(pairs, "{crisis}", crisis)
	}
	return strings.NewReplacer(pairs...).Replace(text)
}

// orList names numbers as a list read aloud: "112", "999 or 112",
// "112, 911 or 999".
func orList(nums []string, or string) string {
	switch len(nums) {
	case 0:
		return ""
	case 1:
		return nums[0]
	}
	return strings.Join(nums[:len(nums)-1], ", ") + " " + or + " " + nums[len(nums)-1]
}

var (
	countryPattern = regexp.MustCompile(`^[A-Z]{2}$`)
	phonePattern   = regexp.MustCompile(`^[0-9]{3,}$`)
)

// numbersProblems checks the table of numbers: every country one of
// zones.txt's, listed once, and every number digits only.
func numbersProblems() []Problem {
	t, err := numbers()
	if err != nil {
		return []Problem{{File: fileNumbers, Msg: err.Error()}}
	}
	var ps []Problem
	add := func(id, format string, args ...any) {
		ps = append(ps, Problem{File: fileNumbers, ID: id, Msg: fmt.Sprintf(format, args...)})
	}
	inZones := map[string]bool{}
	for _, c := range zoneData().country {
		inZones[c] = true
	}
	check := func(id string, n Numbers) {
		if len(n.Emergency) == 0 {
			add(id, "names no emergency number")
		}
		for _, num := range n.Emergency {
			if !phonePattern.MatchString(num) {
				add(id, "emergency number %q is not digits only", num)
			}
		}
		if n.Crisis != "" && !phonePattern.MatchString(n.Crisis) {
			add(id, "crisis line %q is not digits only", n.Crisis)
		}
	}
	seen := map[string]bool{}
	for i, c := range t.Countries {
		if len(c.Where) == 0 {
			add(fmt.Sprintf("countries[%d]", i), "lists no country")
		}
		for _, w := range c.Where {
			switch {
			case !countryPattern.MatchString(w) || !inZones[w]:
				add(w, "is not a country code of zones.txt")
			case seen[w]:
				add(w, "is listed twice")
			}
			seen[w] = true
		}
		if len(c.Where) > 0 {
			check(c.Where[0], c.Numbers)
		}
	}
	check("anywhere", t.Anywhere)
	if t.Anywhere.Crisis == "" {
		add("anywhere", "names no crisis line: someone whose country is not known needs one too")
	}
	return ps
}
