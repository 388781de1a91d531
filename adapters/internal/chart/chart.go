// Package chart draws her week (bot.Week) as a PNG to read on a phone
// at night: a dark background, large type, and every value written out,
// so nothing depends on colour alone. Night sessions are a separate,
// outlined part of each bar and are also counted in words under the day.
//
// Rendering is bounded: at most Limit renders run at once, across the
// process; a caller over the cap waits up to MaxWait, or gives up with its
// context, and sends the text instead.
package chart

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image/color"
	"runtime"
	"strconv"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/letdownbot/letdown/bot"
)

// The picture's size: a phone's portrait screen, at 96 dots an inch.
const (
	Width  = 9 * vg.Inch
	Height = 11 * vg.Inch
	dpi    = 96
)

// Limit is the most renders at once. A render takes a few milliseconds
// of one CPU and a few megabytes: more at once than CPUs only queues.
var Limit = max(2, runtime.GOMAXPROCS(0))

var slots = make(chan struct{}, Limit)

// MaxWait is the longest a render waits for a free slot: past it, the
// sender sends the text instead of a picture late.
var MaxWait = 5 * time.Second

// The palette: light on near-black. Shades differ in lightness too, and
// every bar carries its number, so a reader who cannot tell the colours
// apart loses nothing.
var (
	background = color.RGBA{0x12, 0x14, 0x1c, 0xff}
	ink        = color.RGBA{0xee, 0xee, 0xf2, 0xff}
	faint      = color.RGBA{0x55, 0x5a, 0x6a, 0xff}
	dayBar     = color.RGBA{0x6f, 0xa8, 0xdc, 0xff}
	nightBar   = color.RGBA{0x2a, 0x3f, 0x7a, 0xff}
	leftBar    = color.RGBA{0xe8, 0xb0, 0x6a, 0xff}
	rightBar   = color.RGBA{0x9c, 0x6b, 0x30, 0xff}
)

// ErrBusy is returned when ctx ends, or MaxWait passes, while waiting for
// a free slot.
var ErrBusy = errors.New("chart: every render slot is busy")

// PNG draws w as a PNG image. It waits for a free render slot; a failure
// (or a panic in the plotting library) is an error, so the caller can
// send the text instead.
func PNG(ctx context.Context, w bot.Week) (out []byte, err error) {
	wait := time.NewTimer(MaxWait)
	defer wait.Stop()
	select {
	case slots <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("%w: %w", ErrBusy, ctx.Err())
	case <-wait.C:
		return nil, ErrBusy
	}
	defer func() { <-slots }()
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("chart: render failed: %v", r)
		}
	}()
	return render(w)
}

func render(w bot.Week) ([]byte, error) {
	sessions, err := sessionsPlot(w)
	if err != nil {
		return nil, err
	}
	milk, err := milkPlot(w)
	if err != nil {
		return nil, err
	}
	img := vgimg.NewWith(vgimg.UseWH(Width, Height), vgimg.UseDPI(dpi), vgimg.UseBackgroundColor(background))
	dc := draw.Crop(draw.New(img), vg.Points(14), -vg.Points(14), vg.Points(8), -vg.Points(8))
	// The title across the top, then the two panels, sessions larger.
	title := plot.New()
	style(title)
	title.Title.Text = w.Words.Title
	title.Title.TextStyle.Font.Size = 34
	top := dc
	top.Min.Y = top.Max.Y - vg.Points(60)
	drawTitle(top, title)
	rest := dc
	rest.Max.Y -= vg.Points(60)
	split := rest.Min.Y + (rest.Max.Y-rest.Min.Y)*0.42
	upper, lower := rest, rest
	upper.Min.Y = split
	lower.Max.Y = split
	sessions.Draw(upper)
	milk.Draw(lower)
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// drawTitle writes the title centred in c.
func drawTitle(c draw.Canvas, p *plot.Plot) {
	sty := p.Title.TextStyle
	sty.XAlign, sty.YAlign = draw.XCenter, draw.YCenter
	c.FillText(sty, vg.Point{X: c.Center().X, Y: c.Center().Y}, p.Title.Text)
}

// style makes p readable at night: dark, large, light ink.
func style(p *plot.Plot) {
	p.BackgroundColor = background
	p.Title.TextStyle.Color = ink
	p.Title.TextStyle.Font.Size = 26
	p.Title.Padding = vg.Points(10)
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Color = faint
		a.Label.TextStyle.Color = ink
		a.Label.TextStyle.Font.Size = 22
		a.Tick.Label.Color = ink
		a.Tick.Label.Font.Size = 18
		a.Tick.Color = faint
		a.LineStyle.Color = faint
	}
	p.X.Padding = vg.Points(6)
}

// days names the x axis, one tick a day at 0..6, with extra words under
// the day name when there are any.
func days(w bot.Week, under func(bot.Day) string) plot.ConstantTicks {
	ticks := make(plot.ConstantTicks, len(w.Days))
	for i, d := range w.Days {
		label := d.Label
		if u := under(d); u != "" {
			label += "\n" + u
		}
		ticks[i] = plot.Tick{Value: float64(i), Label: label}
	}
	return ticks
}

// sessionsPlot is the sessions a day: day sessions stacked on night ones,
// the total written on top, the night count written under the day, and
// the target as a dashed line with its name.
func sessionsPlot(w bot.Week) (*plot.Plot, error) {
	p := plot.New()
	style(p)
	p.Title.Text = w.Words.Sessions
	var night, day plotter.Values
	top := float64(max(w.Target, 1))
	for _, d := range w.Days {
		night = append(night, float64(d.Night))
		day = append(day, float64(d.Sessions-d.Night))
		top = max(top, float64(d.Sessions))
	}
	width := vg.Points(46)
	nb, err := plotter.NewBarChart(night, width)
	if err != nil {
		return nil, err
	}
	nb.Color = nightBar
	nb.LineStyle = draw.LineStyle{Color: ink, Width: vg.Points(2), Dashes: []vg.Length{vg.Points(4), vg.Points(3)}}
	db, err := plotter.NewBarChart(day, width)
	if err != nil {
		return nil, err
	}
	db.Color = dayBar
	db.LineStyle.Width = 0
	db.StackOn(nb)
	p.Add(nb, db)

	var xys plotter.XYs
	var labels []string
	for i, d := range w.Days {
		xys = append(xys, plotter.XY{X: float64(i), Y: float64(d.Sessions)})
		labels = append(labels, strconv.Itoa(d.Sessions))
	}
	if err := addLabels(p, xys, labels, 24); err != nil {
		return nil, err
	}

	target := plotter.XYs{{X: -0.5, Y: float64(w.Target)}, {X: 6.5, Y: float64(w.Target)}}
	line, err := plotter.NewLine(target)
	if err != nil {
		return nil, err
	}
	line.LineStyle = draw.LineStyle{Color: ink, Width: vg.Points(2), Dashes: []vg.Length{vg.Points(10), vg.Points(6)}}
	p.Add(line)
	name, err := plotter.NewLabels(plotter.XYLabels{
		XYs:    plotter.XYs{{X: -0.45, Y: float64(w.Target)}},
		Labels: []string{w.Words.Target + " " + strconv.Itoa(w.Target)},
	})
	if err != nil {
		return nil, err
	}
	for i := range name.TextStyle {
		name.TextStyle[i].Color = ink
		name.TextStyle[i].Font.Size = 18
	}
	name.Offset = vg.Point{Y: vg.Points(6)}
	p.Add(name)

	p.X.Min, p.X.Max = -0.6, 6.6
	p.Y.Min, p.Y.Max = 0, top*1.2+0.5
	p.X.Tick.Marker = days(w, func(d bot.Day) string {
		if d.Night == 0 {
			return ""
		}
		return strconv.Itoa(d.Night) + " " + w.Words.Night
	})
	p.Y.Tick.Marker = plot.ConstantTicks{{Value: 0, Label: "0"}, {Value: float64(w.Target), Label: strconv.Itoa(w.Target)}}
	return p, nil
}

// milkPlot is the millilitres a day, a left and a right bar side by side,
// each marked with its side's letter and amount, and the minutes under
// the day.
func milkPlot(w bot.Week) (*plot.Plot, error) {
	p := plot.New()
	style(p)
	p.Title.Text = w.Words.Milk
	var left, right plotter.Values
	top := 10.0
	for _, d := range w.Days {
		left = append(left, float64(d.MlLeft))
		right = append(right, float64(d.MlRight))
		top = max(top, float64(d.MlLeft), float64(d.MlRight))
	}
	width := vg.Points(30)
	lb, err := plotter.NewBarChart(left, width)
	if err != nil {
		return nil, err
	}
	lb.Color, lb.LineStyle.Width, lb.Offset = leftBar, 0, -width/2-vg.Points(1)
	rb, err := plotter.NewBarChart(right, width)
	if err != nil {
		return nil, err
	}
	rb.Color, rb.Offset = rightBar, width/2+vg.Points(1)
	rb.LineStyle = draw.LineStyle{Color: ink, Width: vg.Points(1.5)}
	p.Add(lb, rb)
	var xys plotter.XYs
	var labels []string
	for i, d := range w.Days {
		if d.MlLeft > 0 {
			xys = append(xys, plotter.XY{X: float64(i) - 0.17, Y: float64(d.MlLeft)})
			labels = append(labels, w.Words.Left+"\n"+strconv.Itoa(d.MlLeft))
		}
		if d.MlRight > 0 {
			xys = append(xys, plotter.XY{X: float64(i) + 0.17, Y: float64(d.MlRight)})
			labels = append(labels, w.Words.Right+"\n"+strconv.Itoa(d.MlRight))
		}
	}
	if len(xys) > 0 {
		if err := addLabels(p, xys, labels, 18); err != nil { // two to a day
			return nil, err
		}
	}
	p.X.Min, p.X.Max = -0.6, 6.6
	p.Y.Min, p.Y.Max = 0, top*1.35
	p.X.Tick.Marker = days(w, func(d bot.Day) string {
		if d.Minutes == 0 {
			return ""
		}
		return strconv.Itoa(d.Minutes) + " min"
	})
	p.Y.Tick.Marker = plot.ConstantTicks{{Value: 0, Label: "0"}}
	return p, nil
}

// addLabels writes labels centred just above the points.
func addLabels(p *plot.Plot, xys plotter.XYs, labels []string, size vg.Length) error {
	l, err := plotter.NewLabels(plotter.XYLabels{XYs: xys, Labels: labels})
	if err != nil {
		return err
	}
	for i := range l.TextStyle {
		l.TextStyle[i].Color = ink
		l.TextStyle[i].Font.Size = size
		l.TextStyle[i].XAlign = draw.XCenter
	}
	l.Offset = vg.Point{Y: vg.Points(6)}
	p.Add(l)
	return nil
}
