// Package httpbody reads a platform's request body under a size limit and
// answers what goes wrong, the same way for every webhook.
package httpbody

import (
	"errors"
	"io"
	"net/http"
)

// Read returns r's body of at most limit bytes. When it cannot, it has
// already answered: 413 for a body over the limit, 400 for one that could
// not be read; ok is false and the caller must do nothing more.
func Read(w http.ResponseWriter, r *http.Request, limit int64) (body []byte, ok bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
			return nil, false
		}
		http.Error(w, "could not read body", http.StatusBadRequest)
		return nil, false
	}
	return body, true
}
