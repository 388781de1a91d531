package memstore

import (
	"testing"

	"github.com/letdownbot/letdown/bot"
	"github.com/letdownbot/letdown/bot/bottest"
)

func TestTally(t *testing.T) {
	bottest.TestTally(t, func(t *testing.T) bot.Tally { return NewTally() })
}
