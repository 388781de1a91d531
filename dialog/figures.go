package dialog

import (
	"fmt"
	"strings"

	"github.com/letdownbot/letdown/content"
)

// FiguresText is a workspace's week of counts as its facilitator reads
// them, in d's language: conversations, tips that helped by topic,
// referrals by level, handoffs and how fast. Nothing in it names anyone.
func (d *Dialog) FiguresText(f Figures) string {
	var b strings.Builder
	b.WriteString(d.msg("stats_title"))
	b.WriteString("\n\n")
	fmt.Fprintf(&b, d.msg("stats_conversations"), f.Conversations)
	b.WriteString("\n\n")
	b.WriteString(d.msg("stats_helped"))
	d.figureLines(&b, f.Helped, content.Themes, "topic_")
	b.WriteString("\n\n")
	b.WriteString(d.msg("stats_referrals"))
	d.figureLines(&b, f.Referrals, []string{content.LevelEmergency, content.LevelToday, content.LevelSoon}, "level_")
	b.WriteString("\n\n")
	fmt.Fprintf(&b, d.msg("stats_handoffs"), f.Handoffs)
	if f.Handoffs > 0 && f.MedianWait > 0 {
		b.WriteString("\n")
		fmt.Fprintf(&b, d.msg("stats_wait"), int(f.MedianWait.Minutes()))
	}
	return b.String()
}

// figureLines writes one "• name: n" line for each of keys counted in m,
// in the order of keys, each named by its message (prefix + key); "none
// yet" when none is.
func (d *Dialog) figureLines(b *strings.Builder, m map[string]int64, keys []string, prefix string) {
	some := false
	for _, k := range keys {
		if n := m[k]; n > 0 {
			fmt.Fprintf(b, "\n• %s: %d", d.msg(prefix+k), n)
			some = true
		}
	}
	if !some {
		b.WriteString("\n• " + d.msg("stats_none"))
	}
}
