package unpost

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/letdownbot/letdown/adapters/memstore"
)

func TestErase(t *testing.T) {
	ctx := context.Background()
	m := memstore.New()
	for _, ref := range []string{"a", "b", "c"} {
		if err := m.AddMark(ctx, "ho:x", ref, time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	var tried []string
	stop := errors.New("try again")
	del := func(ref string) error {
		tried = append(tried, ref)
		if ref == "b" && len(tried) == 2 {
			return stop
		}
		return nil
	}
	if err := Erase(ctx, m, "ho:x", del); !errors.Is(err, stop) {
		t.Fatalf("Erase() = %v, want %v", err, stop)
	}
	if err := Erase(ctx, m, "ho:x", del); err != nil {
		t.Fatalf("Erase() again = %v, want nil", err)
	}
	if want := []string{"a", "b", "b", "c"}; !slices.Equal(tried, want) {
		t.Errorf("deleted %q, want %q", tried, want)
	}
	if refs, err := m.TakeMarks(ctx, "ho:x"); err != nil || len(refs) != 0 {
		t.Errorf("TakeMarks() after = %q, %v, want none", refs, err)
	}
}
