package protocols

import (
	"strconv"

	"wsgate"
)

// Default limits of the parse budget. Moodle's descriptions rarely nest
// beyond ten levels; 64 is PHP's max_input_nesting_level.
const (
	DefaultMaxNodes       = 100000
	DefaultMaxDepth       = 64
	DefaultMaxStringBytes = 10 << 20
)

// Limits bound what decoding one request may build, whatever the protocol.
// A zero field takes its default.
type Limits struct {
	// MaxNodes bounds the values of a request: every array, structure and
	// leaf of a form or JSON body, every value of XML-RPC, every element of
	// a SOAP envelope.
	MaxNodes int
	// MaxDepth bounds the arrays and structures around a value: a parameter
	// is at depth 0, a value inside MaxDepth arrays or structures is
	// accepted, one level more is refused.
	MaxDepth int
	// MaxStringBytes bounds the bytes of names, keys, text and XML
	// attributes the decoder reads into memory.
	MaxStringBytes int64
}

// withDefaults fills the zero fields.
func (l Limits) withDefaults() Limits {
	if l.MaxNodes <= 0 {
		l.MaxNodes = DefaultMaxNodes
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultMaxDepth
	}
	if l.MaxStringBytes <= 0 {
		l.MaxStringBytes = DefaultMaxStringBytes
	}
	return l
}

// Budget counts what the decoding of one request has built against its
// Limits. The decoders take from it before they allocate, so a request over
// a limit is refused before it costs more memory. A Budget serves one
// request: it is not safe for concurrent use.
type Budget struct {
	limits Limits
	nodes  int
	bytes  int64
}

// NewBudget returns a full budget of l (zero fields: the defaults).
func NewBudget(l Limits) *Budget { return &Budget{limits: l.withDefaults()} }

// Limits returns the budget's limits, defaults filled in.
func (b *Budget) Limits() Limits { return b.limits }

// Used returns the nodes and string bytes taken so far.
func (b *Budget) Used() (nodes int, stringBytes int64) { return b.nodes, b.bytes }

// Node takes one value at depth (the arrays and structures around it). Its
// error is wsgate.ErrRequestTooLarge naming the limit passed.
func (b *Budget) Node(depth int) error {
	if err := b.Depth(depth); err != nil {
		return err
	}
	if b.nodes++; b.nodes > b.limits.MaxNodes {
		return wsgate.ErrRequestTooLarge.Messagef("holds more than " + strconv.Itoa(b.limits.MaxNodes) + " values")
	}
	return nil
}

// Depth checks that a value may sit at depth, without taking a node (for
// decoders that learn the depth before they build). Its error is
// wsgate.ErrRequestTooLarge.
func (b *Budget) Depth(depth int) error {
	if depth > b.limits.MaxDepth {
		return wsgate.ErrRequestTooLarge.Messagef("nests deeper than " + strconv.Itoa(b.limits.MaxDepth) + " levels")
	}
	return nil
}

// Bytes takes n bytes of strings. Its error is wsgate.ErrRequestTooLarge.
func (b *Budget) Bytes(n int) error {
	if b.bytes += int64(n); b.bytes > b.limits.MaxStringBytes {
		return wsgate.ErrRequestTooLarge.Messagef("holds more than " +
			strconv.FormatInt(b.limits.MaxStringBytes, 10) + " bytes of text")
	}
	return nil
}
