package content

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// Patterns of the identifiers a source may carry. They check the shape, not
// that the record exists: that is the reviewer's job (letdown content
// sources prints every link).
var (
	doiPattern       = regexp.MustCompile(`^10\.\d{4,9}/\S+$`)
	pmidPattern      = regexp.MustCompile(`^[1-9]\d{0,8}$`)
	pmcidPattern     = regexp.MustCompile(`^PMC\d+$`)
	guidelinePattern = regexp.MustCompile(`^(NICE (CG|NG|QS|PH)\d+|ABM Protocol #\d+)$`)
	nicePattern      = regexp.MustCompile(`^NICE ((CG|NG|QS|PH)\d+)$`)
)

// Link is the address that finds the source, for "Why?" and reviewers: the
// DOI resolver, PubMed, PubMed Central, the source's own URL, or the NICE
// page of a NICE guideline, in that order. Empty when the source has none.
func (s Source) Link() string {
	switch {
	case s.DOI != "":
		return "https://doi.org/" + s.DOI
	case s.PMID != "":
		return "https://pubmed.ncbi.nlm.nih.gov/" + s.PMID + "/"
	case s.PMCID != "":
		return "https://pmc.ncbi.nlm.nih.gov/articles/" + s.PMCID + "/"
	case s.URL != "":
		return s.URL
	}
	if m := nicePattern.FindStringSubmatch(s.Guideline); m != nil {
		return "https://www.nice.org.uk/guidance/" + strings.ToLower(m[1])
	}
	return ""
}

// Line is how "Why?" lists the source: its citation, then its link, which
// Telegram and Slack turn into a tap target by themselves.
func (s Source) Line() string {
	if l := s.Link(); l != "" {
		return s.Cite + " " + l
	}
	return s.Cite
}

// labelYearRE finds "Authors. Year" at the start of a citation.
var labelYearRE = regexp.MustCompile(`^(.*?)\. ((?:1[89]|20)\d\d)\b`)

// Label names the source in a few words, as the list of every source
// shows it: the first author and the year ("Kent 2008", "Mohd Shukri 2018",
// "NICE 2014"), or for a citation without a year its publisher and title
// up to the end of the title's first sentence ("NHS: Mastitis").
func (s Source) Label() string {
	if m := labelYearRE.FindStringSubmatch(s.Cite); m != nil {
		first, _, _ := strings.Cut(m[1], ",")
		// Drop the initials after a surname: "Kent JC" -> "Kent".
		if i := strings.LastIndex(first, " "); i > 0 && isInitials(first[i+1:]) {
			first = first[:i]
		}
		return first + " " + m[2]
	}
	publisher, rest, ok := strings.Cut(s.Cite, ". ")
	if !ok {
		return s.Cite
	}
	if i := strings.IndexAny(rest, ".?"); i >= 0 {
		rest = rest[:i]
	}
	return publisher + ": " + rest
}

// isInitials reports whether s is an author's initials, such as "JC".
func isInitials(s string) bool {
	if s == "" || len(s) > 3 {
		return false
	}
	for _, r := range s {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}

// ListLine is how the list of every source shows one: its label, then its
// link. An AI-written summary says so, since its label alone would not.
func (s Source) ListLine() string {
	line := s.Label()
	if s.Kind == KindAISummary {
		line += " (written by AI, not yet checked by people)"
	}
	if l := s.Link(); l != "" {
		line += " " + l
	}
	return line
}

// Identifiers lists every identifier the source carries, as a reviewer
// reads them: "doi:10.1089/bfm.2007.0028", "PMID 18333764", …
func (s Source) Identifiers() []string {
	var ids []string
	if s.DOI != "" {
		ids = append(ids, "doi:"+s.DOI)
	}
	if s.PMID != "" {
		ids = append(ids, "PMID "+s.PMID)
	}
	if s.PMCID != "" {
		ids = append(ids, s.PMCID)
	}
	if s.Guideline != "" {
		ids = append(ids, s.Guideline)
	}
	if s.URL != "" {
		ids = append(ids, s.URL)
	}
	return ids
}

// identifierProblems says what is wrong with a source's identifiers: none
// at all, or one that is not of its kind's shape.
func identifierProblems(s Source) []string {
	var msgs []string
	if s.DOI == "" && s.PMID == "" && s.PMCID == "" && s.URL == "" && s.Guideline == "" {
		msgs = append(msgs, "has no identifier: give a doi, pmid, pmcid, guideline number or stable url so the record can be found")
	}
	check := func(field, v string, re *regexp.Regexp, want string) {
		if v != "" && !re.MatchString(v) {
			msgs = append(msgs, fmt.Sprintf("%s %q is not %s", field, v, want))
		}
	}
	check("doi", s.DOI, doiPattern, "a DOI (10.NNNN/…, without https://doi.org/)")
	check("pmid", s.PMID, pmidPattern, "a PubMed id (digits only)")
	check("pmcid", s.PMCID, pmcidPattern, "a PubMed Central id (PMC followed by digits)")
	check("guideline", s.Guideline, guidelinePattern, `a guideline number ("NICE CG192" or "ABM Protocol #36")`)
	if s.URL != "" {
		if u, err := url.Parse(s.URL); err != nil || u.Scheme != "https" || u.Host == "" || strings.ContainsAny(s.URL, " \t\n") {
			msgs = append(msgs, fmt.Sprintf("url %q is not an https address", s.URL))
		}
	}
	return msgs
}

// CitedBy maps each source id to the steps and red flags that cite it, as
// "step tech-compression" and "red flag sepsis", in catalog order.
func CitedBy(c *Catalog) map[string][]string {
	by := map[string][]string{}
	for _, s := range c.Steps {
		for _, id := range s.Sources {
			by[id] = append(by[id], "step "+s.ID)
		}
	}
	for _, f := range c.RedFlags {
		for _, id := range f.Sources {
			by[id] = append(by[id], "red flag "+f.ID)
		}
	}
	return by
}

// SourcesByKind lists the catalog's sources strongest kind first, by id
// within a kind: the order a reviewer reads the bibliography in.
func SourcesByKind(c *Catalog) []Source {
	list := make([]Source, 0, len(c.Sources))
	for _, id := range sortedKeys(c.Sources) {
		list = append(list, c.Sources[id])
	}
	slices.SortStableFunc(list, func(a, b Source) int {
		return slices.Index(Kinds, a.Kind) - slices.Index(Kinds, b.Kind)
	})
	return list
}

// onlyThin reports whether every source of refs is a guide or an AI-written
// summary, so the step citing them rests on no research of its own.
func onlyThin(refs []string, sources map[string]Source) bool {
	if len(refs) == 0 {
		return false
	}
	for _, id := range refs {
		s, ok := sources[id]
		if !ok || !Thin(s.Kind) {
			return false
		}
	}
	return true
}
