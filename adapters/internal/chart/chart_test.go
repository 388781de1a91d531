package chart

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/letdownbot/letdown/bot"
)

var update = flag.Bool("update", false, "rewrite the golden PNGs in testdata")

var words = bot.ChartWords{Title: "Your last 7 days", Sessions: "Sessions a day", Night: "night", Target: "target",
	Milk: "Milk (ml): L left, R right", Left: "L", Right: "R"}

func week(days ...bot.Day) bot.Week {
	w := bot.Week{Target: 8, Words: words}
	labels := []string{"Mon 16", "Tue 17", "Wed 18", "Thu 19", "Fri 20", "Sat 21", "Sun 22"}
	for i := range w.Days {
		if i < len(days) {
			w.Days[i] = days[i]
		}
		w.Days[i].Label = labels[i]
	}
	return w
}

// weeks are the goldens: an empty week, a typical one, a heavy logger's.
var weeks = map[string]bot.Week{
	"empty": week(),
	"typical": week(
		bot.Day{Sessions: 6, Night: 1, Minutes: 110, MlLeft: 160, MlRight: 140},
		bot.Day{Sessions: 7, Night: 1, Minutes: 130, MlLeft: 180, MlRight: 150},
		bot.Day{Sessions: 5, Minutes: 90, MlLeft: 120, MlRight: 130},
		bot.Day{Sessions: 8, Night: 2, Minutes: 150},
		bot.Day{Sessions: 8, Night: 1, Minutes: 160, MlLeft: 210, MlRight: 190},
		bot.Day{Sessions: 4, Minutes: 70, MlLeft: 90},
		bot.Day{Sessions: 2, Minutes: 40, MlLeft: 50, MlRight: 45},
	),
	"heavy": func() bot.Week {
		w := week(
			bot.Day{Sessions: 12, Night: 4, Minutes: 240, MlLeft: 480, MlRight: 455},
			bot.Day{Sessions: 11, Night: 3, Minutes: 230, MlLeft: 470, MlRight: 500},
			bot.Day{Sessions: 14, Night: 4, Minutes: 290, MlLeft: 520, MlRight: 515},
			bot.Day{Sessions: 10, Night: 3, Minutes: 200, MlLeft: 430, MlRight: 410},
			bot.Day{Sessions: 12, Night: 4, Minutes: 250, MlLeft: 495, MlRight: 470},
			bot.Day{Sessions: 13, Night: 5, Minutes: 270, MlLeft: 505, MlRight: 530},
			bot.Day{Sessions: 9, Night: 3, Minutes: 185, MlLeft: 380, MlRight: 360},
		)
		w.Target = 10
		return w
	}(),
}

func TestGolden(t *testing.T) {
	for name, w := range weeks {
		t.Run(name, func(t *testing.T) {
			got, err := PNG(context.Background(), w)
			if err != nil {
				t.Fatalf("PNG(%s) error: %v", name, err)
			}
			path := filepath.Join("testdata", name+".png")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (go test -update writes it)", err)
			}
			if d := differs(t, want, got); d > 0.005 {
				t.Errorf("PNG(%s) differs from %s in %.2f%% of pixels, want at most 0.5%%; look at it with -update and git diff", name, path, d*100)
			}
		})
	}
}

// differs decodes both images and returns the share of pixels that differ
// perceptibly (a channel off by more than 48 of 255): anti-aliasing and a
// font rasterizer's rounding pass, a moved bar or a changed number fails.
func differs(t *testing.T, want, got []byte) float64 {
	t.Helper()
	a, err := png.Decode(bytes.NewReader(want))
	if err != nil {
		t.Fatalf("golden: %v", err)
	}
	b, err := png.Decode(bytes.NewReader(got))
	if err != nil {
		t.Fatalf("rendered: %v", err)
	}
	if a.Bounds() != b.Bounds() {
		return 1
	}
	return diff(a, b, 48)
}

func diff(a, b image.Image, threshold uint32) float64 {
	r := a.Bounds()
	var off int
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			r1, g1, b1, _ := a.At(x, y).RGBA()
			r2, g2, b2, _ := b.At(x, y).RGBA()
			if far(r1, r2, threshold) || far(g1, g2, threshold) || far(b1, b2, threshold) {
				off++
			}
		}
	}
	return float64(off) / float64(r.Dx()*r.Dy())
}

func far(x, y, threshold uint32) bool {
	x, y = x>>8, y>>8
	if x > y {
		return x-y > threshold
	}
	return y-x > threshold
}

func TestDiffSeesAChange(t *testing.T) {
	a, _ := PNG(context.Background(), weeks["typical"])
	w := weeks["typical"]
	w.Days[3].Sessions = 1
	w.Days[3].Night = 0
	b, _ := PNG(context.Background(), w)
	if d := differs(t, a, b); d <= 0.005 {
		t.Errorf("a changed day differs in %.3f%% of pixels: the tolerance would hide it", d*100)
	}
}

func TestBusy(t *testing.T) {
	for range Limit {
		slots <- struct{}{}
	}
	defer func() {
		for range Limit {
			<-slots
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	if _, err := PNG(ctx, weeks["empty"]); !errors.Is(err, ErrBusy) {
		t.Errorf("PNG with every slot taken until ctx ends = %v, want ErrBusy", err)
	}
	defer func(w time.Duration) { MaxWait = w }(MaxWait)
	MaxWait = 10 * time.Millisecond
	if _, err := PNG(context.Background(), weeks["empty"]); !errors.Is(err, ErrBusy) {
		t.Errorf("PNG with every slot taken past MaxWait = %v, want ErrBusy", err)
	}
}

func BenchmarkPNG(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := PNG(context.Background(), weeks["typical"]); err != nil {
			b.Fatal(err)
		}
	}
}

// TestConcurrent renders from more goroutines than there are slots: the
// plotting library's shared font cache must hold, and every render end.
func TestConcurrent(t *testing.T) {
	// Every render must be drawn, however slow the machine (the race
	// detector slows each one several times): the wait is not what is tested.
	defer func(w time.Duration) { MaxWait = w }(MaxWait)
	MaxWait = 10 * time.Minute
	errs := make(chan error, 3*Limit)
	for range 3 * Limit {
		go func() {
			_, err := PNG(context.Background(), weeks["heavy"])
			errs <- err
		}()
	}
	for range 3 * Limit {
		if err := <-errs; err != nil {
			t.Errorf("PNG = %v", err)
		}
	}
}
