package content

import (
	"encoding/base64"
	"hash/fnv"
)

// StepKeyLen is the length of a StepKey.
const StepKeyLen = 4

// StepKey is the compact form a conversation stores a step by: four
// URL-safe characters (24 bits of the FNV-1a hash of its id). A stored key
// is looked up among the current catalog's steps, so reordering or
// renaming steps never points her at the wrong one: a key that matches no
// step is dropped. The validator refuses two steps with one key.
func StepKey(id string) string {
	h := fnv.New32a()
	h.Write([]byte(id))
	sum := h.Sum32()
	b := [3]byte{byte(sum >> 16), byte(sum >> 8), byte(sum)}
	return base64.RawURLEncoding.EncodeToString(b[:])
}
