package files_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
)

var benchSizes = []int64{1 << 20, 100 << 20}

// BenchmarkUpload: upload.php into the disk backend (MB/s from SetBytes),
// with the peak heap above idle during one upload.
func BenchmarkUpload(b *testing.B) {
	for _, size := range benchSizes {
		b.Run(sizeName(size), func(b *testing.B) {
			e := newEnv(b, dbtest.Open(b, db.SQLite, true))
			e.upload.MaxBytes, e.upload.MaxBodyBytes, e.upload.Quota = size, 2*size, 0
			u := e.newUser("bench", true, true)
			b.SetBytes(size)
			peak := peakHeap(func() {
				if streamUpload(b, e.srv.URL, u.token, size) != 200 {
					b.Fatal("upload failed")
				}
			})
			b.ResetTimer()
			for range b.N {
				if streamUpload(b, e.srv.URL, u.token, size) != 200 {
					b.Fatal("upload failed")
				}
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
		})
	}
}

// BenchmarkDownload: pluginfile.php from the disk backend.
func BenchmarkDownload(b *testing.B) {
	for _, size := range benchSizes {
		b.Run(sizeName(size), func(b *testing.B) {
			e := newEnv(b, dbtest.Open(b, db.SQLite, true))
			e.upload.MaxBytes, e.upload.MaxBodyBytes, e.upload.Quota = size, 2*size, 0
			u := e.newUser("bench", true, true)
			if streamUpload(b, e.srv.URL, u.token, size) != 200 {
				b.Fatal("upload failed")
			}
			recs, _ := e.files.UserFiles(b.Context(), u.id)
			url := fmt.Sprintf("%s/webservice/pluginfile.php/%d/user/draft/%d/big.bin?token=%s", e.srv.URL, u.id, recs[0].ItemID, u.token)
			b.SetBytes(size)
			b.ResetTimer()
			for range b.N {
				resp, err := http.Get(url)
				if err != nil {
					b.Fatal(err)
				}
				n, _ := io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if n != size {
					b.Fatalf("read %d bytes", n)
				}
			}
		})
	}
}

// BenchmarkIOCopy is the baseline: the same bytes through the same kind
// of sockets with a handler that only copies them.
func BenchmarkIOCopy(b *testing.B) {
	for _, size := range benchSizes {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost {
				_, _ = io.Copy(io.Discard, r.Body)
				return
			}
			_, _ = io.Copy(w, &pattern{n: size})
		}))
		b.Run("up/"+sizeName(size), func(b *testing.B) {
			b.SetBytes(size)
			for range b.N {
				resp, err := http.Post(srv.URL, "application/octet-stream", &pattern{n: size})
				if err != nil {
					b.Fatal(err)
				}
				resp.Body.Close()
			}
		})
		b.Run("down/"+sizeName(size), func(b *testing.B) {
			b.SetBytes(size)
			for range b.N {
				resp, err := http.Get(srv.URL)
				if err != nil {
					b.Fatal(err)
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		})
		srv.Close()
	}
}
