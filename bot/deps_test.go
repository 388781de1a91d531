package bot_test

import (
	"os/exec"
	"strings"
	"testing"
)

// The core must not depend on any platform SDK, store client or adapter:
// dependencies point cmd → adapters → bot → dialog → content.
func TestCoreImportsNoAdapterOrSDK(t *testing.T) {
	forbidden := []string{
		"github.com/letdownbot/letdown/adapters",
		"github.com/letdownbot/letdown/cmd",
		"github.com/go-telegram/",
		"github.com/slack-go/",
		"github.com/redis/",
		"github.com/alicebob/miniredis",
	}
	for _, pkg := range []string{"./", "../dialog", "../content"} {
		out, err := exec.Command("go", "list", "-deps", pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", pkg, err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			for _, f := range forbidden {
				if strings.HasPrefix(dep, f) {
					t.Errorf("%s depends on %s", pkg, dep)
				}
			}
		}
	}
}
