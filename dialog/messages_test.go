package dialog

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/letdownbot/letdown/content"
)

// Every fixed message the dialog says must be one the content validator
// requires, or a catalog could pass validation and still leave her with
// an empty reply.
func TestDialogMessagesAreRequired(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	use := regexp.MustCompile(`msg\("([a-z_]+)"\)|Messages\["([a-z_]+)"\]|sideMsg = map\[int64\]string\{([^}]*)\}`)
	quoted := regexp.MustCompile(`"([a-z_]+)"`)
	found := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range use.FindAllStringSubmatch(string(src), -1) {
			ids := []string{m[1], m[2]}
			for _, q := range quoted.FindAllStringSubmatch(m[3], -1) {
				ids = append(ids, q[1])
			}
			for _, id := range ids {
				if id == "" {
					continue
				}
				found++
				if _, ok := content.RequiredMessages[id]; !ok {
					t.Errorf("%s uses message %q, which content.RequiredMessages does not list", f, id)
				}
			}
		}
	}
	if found < 40 {
		t.Fatalf("found only %d message uses: the pattern no longer matches the code", found)
	}
}
