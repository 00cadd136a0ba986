package protocols

import (
	"sync"

	"wsgate/functions"
)

// WriteAnswer hands write the bytes of an answer: for a kept answer (enc set)
// the bytes kept under key, encoded once (functions.Encodings); otherwise
// what encode appends to a pooled buffer, which goes back to the pool once
// write returns. write must not keep the bytes.
func WriteAnswer[K comparable](enc *functions.Encodings, key K, encode func([]byte) []byte, write func([]byte)) {
	if enc != nil {
		write(enc.Bytes(key, func() []byte { return encode(nil) }))
		return
	}
	bp := answerBufs.Get().(*[]byte)
	body := encode((*bp)[:0])
	write(body)
	if cap(body) <= maxPooledAnswer {
		*bp = body
		answerBufs.Put(bp)
	}
}

// answerBufs keeps answer buffers between calls; buffers that grew beyond
// maxPooledAnswer are left to the garbage collector.
var answerBufs = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

const maxPooledAnswer = 1 << 20
