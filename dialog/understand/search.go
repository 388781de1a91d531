package understand

import (
	"math"
	"slices"
	"sort"
)

// Doc is one text a question can be matched to: an example question, or a
// step's own words. Several docs may share a target (a step id).
type Doc struct {
	Target string
	Text   string
}

// Hit is a target a question matched: Score ranks (BM25), Cover is the
// share of the question's weight the best doc holds, 0 to 1, and is what a
// confidence threshold reads.
type Hit struct {
	Target string
	Score  float64
	Cover  float64
	// DocCover is the share of the best doc's own weight the question
	// holds: "next" holds little of "can I pump next to my baby".
	DocCover float64
	// Terms is how many weighty words the question had.
	Terms int
	Words []string
}

// Index is BM25 (Robertson and Zaragoza; as in Lucene and bleve) over
// stemmed words, built in memory at start-up: a few hundred short docs need
// nothing more.
type Index struct {
	a       *Analyzer
	targets []string
	lens    []float64
	avg     float64
	post    map[string][]posting
	stop    map[string]bool
	alike   map[string]string // stem → the stem the steps use
}

type posting struct {
	doc int
	tf  float64
}

// unseenWeight is the share of its weight a word of the question that no
// doc holds keeps in the question's total.
const unseenWeight = 0.3

const (
	bm25K1 = 1.2
	bm25B  = 0.75
)

// NewIndex indexes docs; words in stop carry no weight, and each word of
// alike is read as the word it maps to.
func NewIndex(a *Analyzer, docs []Doc, stop []string, alike map[string]string) *Index {
	ix := &Index{a: a, post: map[string][]posting{}, stop: map[string]bool{}, alike: map[string]string{}}
	for _, w := range stop {
		for _, s := range a.Phrase(w) {
			ix.stop[s] = true
		}
	}
	for w, to := range alike {
		from, into := a.Phrase(w), a.Phrase(to)
		if len(from) == 1 && len(into) == 1 {
			ix.alike[from[0]] = into[0]
		}
	}
	total := 0.0
	for i, d := range docs {
		tf := map[string]float64{}
		n := 0.0
		stems := ix.same(a.Phrase(d.Text))
		for i, s := range stems {
			if !ix.stop[s] {
				tf[s]++
				n++
			}
			if i > 0 && (!ix.stop[s] || !ix.stop[stems[i-1]]) {
				tf[bigram(stems[i-1], s)]++
			}
		}
		for s, f := range tf {
			ix.post[s] = append(ix.post[s], posting{i, f})
		}
		ix.targets = append(ix.targets, d.Target)
		ix.lens = append(ix.lens, n)
		total += n
	}
	if len(docs) > 0 {
		ix.avg = total / float64(len(docs))
	}
	return ix
}

func (ix *Index) idf(s string) float64 {
	n := float64(len(ix.targets))
	df := float64(len(ix.post[s]))
	return math.Log(1 + (n-df+0.5)/(df+0.5))
}

// same reads each stem of stems as the stem alike maps it to.
func (ix *Index) same(stems []string) []string {
	for i, s := range stems {
		if to, ok := ix.alike[s]; ok {
			stems[i] = to
		}
	}
	return stems
}

// Search returns the best n targets for t, best first.
func (ix *Index) Search(t Text, n int) []Hit {
	if len(ix.alike) > 0 {
		t = slices.Clone(t)
		for i := range t {
			if to, ok := ix.alike[t[i].Stem]; ok {
				t[i].Stem = to
			}
		}
	}
	seen := map[string]bool{}
	var terms []string
	for _, tok := range t {
		if !ix.stop[tok.Stem] && !tok.IsNum && !seen[tok.Stem] {
			seen[tok.Stem] = true
			terms = append(terms, tok.Stem)
		}
	}
	if len(terms) == 0 {
		return nil
	}
	unigrams := len(terms)
	for i := 1; i < len(t); i++ {
		if b := bigram(t[i-1].Stem, t[i].Stem); !seen[b] && len(ix.post[b]) > 0 {
			seen[b] = true
			terms = append(terms, b)
		}
	}
	weight := make([]float64, len(terms))
	total := 0.0
	for i, s := range terms {
		weight[i] = ix.idf(s)
		if len(ix.post[s]) == 0 {
			// A word no doc has cannot be matched: it says little of
			// what she asks, and counts for less against a doc's cover.
			weight[i] *= unseenWeight
		}
		if i < unigrams {
			total += weight[i]
		}
	}
	score := map[int]float64{}
	cover := map[int]float64{}
	held := map[int]float64{} // how many of a doc's words the question holds
	for i, s := range terms {
		for _, p := range ix.post[s] {
			l := ix.lens[p.doc]
			score[p.doc] += weight[i] * p.tf * (bm25K1 + 1) / (p.tf + bm25K1*(1-bm25B+bm25B*l/ix.avg))
			if i < unigrams {
				cover[p.doc] += weight[i]
				held[p.doc] += p.tf
			}
		}
	}
	best := map[string]Hit{}
	for doc, sc := range score {
		// A doc that holds more of the question ranks above one that
		// repeats a little of it.
		sc *= 0.5 + cover[doc]/total
		tg := ix.targets[doc]
		dc := 0.0
		if ix.lens[doc] > 0 {
			dc = held[doc] / ix.lens[doc]
		}
		if h, ok := best[tg]; !ok || sc > h.Score {
			best[tg] = Hit{Target: tg, Score: sc, Cover: max(h.Cover, cover[doc]/total), DocCover: max(h.DocCover, dc), Terms: unigrams}
		} else {
			h.Cover, h.DocCover = max(h.Cover, cover[doc]/total), max(h.DocCover, dc)
			best[tg] = h
		}
	}
	hits := make([]Hit, 0, len(best))
	for _, h := range best {
		hits = append(hits, h)
	}
	sort.Slice(hits, func(i, j int) bool {
		if hits[i].Score != hits[j].Score {
			return hits[i].Score > hits[j].Score
		}
		return hits[i].Target < hits[j].Target
	})
	if len(hits) > n {
		hits = hits[:n]
	}
	for i := range hits {
		for _, s := range terms[:unigrams] {
			for _, p := range ix.post[s] {
				if ix.targets[p.doc] == hits[i].Target {
					hits[i].Words = append(hits[i].Words, s)
					break
				}
			}
		}
	}
	return hits
}

// Weighty counts the words of t that carry weight in a match: not stop
// words, not numbers.
func (ix *Index) Weighty(t Text) int {
	n := 0
	for _, tok := range t {
		if !ix.stop[tok.Stem] && !tok.IsNum {
			n++
		}
	}
	return n
}

// Stop reports whether every word of s is a stop word.
func (ix *Index) Stop(s string) bool {
	for _, w := range ix.a.Phrase(s) {
		if !ix.stop[w] {
			return false
		}
	}
	return true
}

// bigram is the term two neighbouring words make: "hands on" says more
// than "hands" and "on" apart.
func bigram(a, b string) string { return a + " " + b }
