package functions

import "testing"

var sinkAny any

func BenchmarkZMap8(b *testing.B) {
	keys := []string{"id", "username", "fullname", "email", "timecreated", "suspended", "description", "lang"}
	for b.Loop() {
		m := make(map[string]any, 8)
		for _, k := range keys {
			m[k] = k
		}
		sinkAny = m
	}
}
func BenchmarkZEmail(b *testing.B) {
	for b.Loop() {
		sinkAny = Clean(ParamEmail, "user55@example.com")
	}
}
func BenchmarkZUsername(b *testing.B) {
	for b.Loop() {
		sinkAny = Clean(ParamUsername, "user55")
	}
}
func BenchmarkZRecord(b *testing.B) {
	rd, recs := benchReturns(), benchRecords(1)
	for b.Loop() {
		sinkAny, _ = CleanReturn(rd, recs)
	}
}

func BenchmarkZMap8NoBox(b *testing.B) {
	keys := []string{"id", "username", "fullname", "email", "timecreated", "suspended", "description", "lang"}
	v := any(int64(5))
	for b.Loop() {
		m := make(map[string]any, 8)
		for _, k := range keys {
			m[k] = v
		}
		sinkAny = m
	}
}

func BenchmarkZLookup8(b *testing.B) {
	keys := []string{"id", "username", "fullname", "email", "timecreated", "suspended", "description", "lang"}
	m := benchRecords(1)[0].(map[string]any)
	for b.Loop() {
		for _, k := range keys {
			sinkAny = m[k]
		}
	}
}
