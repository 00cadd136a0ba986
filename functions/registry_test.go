package functions

import (
	"context"
	"reflect"
	"sync"
	"testing"

	"wsgate"
)

func TestRegistry(t *testing.T) {
	r := NewRegistry()
	echo := func(ctx context.Context, p map[string]any) (any, error) {
		return map[string]any{"user": wsgate.CallerFrom(ctx).Username, "p": p["x"]}, nil
	}
	r.Register("core_user_external", "create_users", echo)
	r.Register(`\mod_x\external\get_things`, "", echo)

	if _, ok := r.Lookup(`\mod_x\external\get_things`, "execute"); !ok {
		t.Error(`"" did not register as execute`)
	}
	if _, ok := r.Lookup(`\mod_x\external\get_things`, ""); !ok {
		t.Error(`Lookup "" did not mean execute`)
	}
	h, ok := r.Lookup("core_user_external", "create_users")
	if !ok {
		t.Fatal("create_users not found")
	}
	ctx := wsgate.WithCaller(context.Background(), &wsgate.Caller{Username: "admin"})
	out, err := h(ctx, map[string]any{"x": 1})
	if err != nil || !reflect.DeepEqual(out, map[string]any{"user": "admin", "p": 1}) {
		t.Fatalf("handler: %#v, %v", out, err)
	}
	if _, ok := r.Lookup("core_user_external", "delete_users"); ok {
		t.Error("unknown method found")
	}
	want := []string{`\mod_x\external\get_things::execute`, "core_user_external::create_users"}
	if got := r.Names(); !reflect.DeepEqual(got, want) {
		t.Errorf("Names() = %v, want %v", got, want)
	}

	for _, m := range []string{"execute", ""} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("duplicate registration with methodname %q did not panic", m)
				}
			}()
			r.Register(`\mod_x\external\get_things`, m, echo)
		}()
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("nil handler did not panic")
			}
		}()
		r.Register("x", "y", nil)
	}()
}

func TestRegistryConcurrentReads(t *testing.T) {
	r := NewRegistry()
	r.Register("c", "m", func(context.Context, map[string]any) (any, error) { return nil, nil })
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 1000; j++ {
				if _, ok := r.Lookup("c", "m"); !ok {
					t.Error("lookup failed")
					return
				}
				_ = r.Names()
			}
		}()
	}
	wg.Wait()
}
