package services

// CacheStats is what the authorizer's cache holds, for metrics.
type CacheStats struct {
	Tokens, UnknownTokens, Users int
	// Invalidations counts every invalidation since start (each forces reloads).
	Invalidations uint64
}

// Stats reports the size of the authorization cache.
func (a *Authorizer) Stats() CacheStats {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return CacheStats{Tokens: len(a.tokens), UnknownTokens: len(a.unknown), Users: len(a.users), Invalidations: a.gen}
}
