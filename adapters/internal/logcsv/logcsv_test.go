package logcsv

import (
	"testing"
	"time"

	"github.com/letdownbot/letdown/dialog"
)

func TestFile(t *testing.T) {
	at := time.Date(2026, 11, 22, 4, 30, 0, 0, time.UTC)
	e := dialog.Export{Zone: "America/New_York", Log: dialog.EncodeLog([]dialog.Session{
		{at.Unix() / 60, 15, 1, 0, 0},
		{at.Unix()/60 + 600, 20, 3, 40, 35},
	})}
	name, data, err := File(e)
	if err != nil {
		t.Fatal(err)
	}
	want := "date,start,side,minutes,ml_left,ml_right\n" +
		"2026-11-21,23:30,left,15,0,0\n" +
		"2026-11-22,09:30,both,20,40,35\n"
	if string(data) != want || name != "letdown-log-2026-11-22.csv" {
		t.Errorf("File() = %q, %q, want %q, %q", name, data, "letdown-log-2026-11-22.csv", want)
	}
	if _, _, err := File(dialog.Export{Log: []byte{9}}); err == nil {
		t.Errorf("File(corrupt log) = nil error, want one")
	}
}
