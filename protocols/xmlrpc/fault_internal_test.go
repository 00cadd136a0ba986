package xmlrpc

import (
	"crypto/md5" //nolint:gosec // Moodle's fault code
	"fmt"
	"math/big"
	"testing"
)

// TestPHPBaseConvert checks the float emulation of base_convert against
// exact arithmetic: the first 8 digits agree but in rare rounding cases.
func TestPHPBaseConvert(t *testing.T) {
	const n = 20000
	differ := 0
	for i := range n {
		sum := md5.Sum(fmt.Appendf(nil, "code%d", i)) //nolint:gosec // see import
		exact := new(big.Int).SetBytes(sum[:]).String()
		php := phpHexToDecimal(fmt.Sprintf("%x", sum))
		if len(php) != len(exact) {
			t.Fatalf("code%d: %s has %d digits, exact %s %d", i, php, len(php), exact, len(exact))
		}
		if php[:8] != exact[:8] {
			differ++
		}
	}
	if differ > n/1000 {
		t.Errorf("%d of %d fault codes differ from exact arithmetic", differ, n)
	}
	t.Logf("%d of %d fault codes differ from exact arithmetic", differ, n)
	if got := phpHexToDecimal("ff"); got != "255" {
		t.Errorf("small value: %s", got)
	}
}
