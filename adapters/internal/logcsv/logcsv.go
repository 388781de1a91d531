// Package logcsv writes her exported session log (bot.Export) as a CSV
// file for her lactation consultant. The file is made at send time from
// the compact log in the reply and kept nowhere.
package logcsv

import (
	"bytes"
	"encoding/csv"
	"strconv"

	"github.com/letdownbot/letdown/bot"
)

// Header is the file's first line.
var Header = []string{"date", "start", "side", "minutes", "ml_left", "ml_right"}

// File is the CSV of e, and a file name with the date of her last session.
func File(e bot.Export) (name string, data []byte, err error) {
	rows, err := e.Rows()
	if err != nil {
		return "", nil, err
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write(Header)
	for _, r := range rows {
		_ = w.Write([]string{r.Start.Format("2006-01-02"), r.Start.Format("15:04"), r.Side,
			strconv.Itoa(r.Minutes), strconv.Itoa(r.MlLeft), strconv.Itoa(r.MlRight)})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return "", nil, err
	}
	name = "letdown-log.csv"
	if len(rows) > 0 {
		name = "letdown-log-" + rows[len(rows)-1].Start.Format("2006-01-02") + ".csv"
	}
	return name, b.Bytes(), nil
}
