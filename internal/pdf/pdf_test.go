package pdf_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/samwise-sam/samwise/internal/pdf"
)

func needBrowser(t *testing.T) {
	t.Helper()
	if _, err := pdf.Chromium(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
}

func TestFromHTMLPrintsTextThatCanBeReadBack(t *testing.T) {
	needBrowser(t)
	html := `<!doctype html><html><head><meta charset="utf-8"><style>h1{color:#123}</style></head>
<body><h1>Operations Review Report</h1><p>Acme Corporation — 12 touches</p><p>Second paragraph</p></body></html>`
	doc, err := pdf.FromHTML(context.Background(), []byte(html))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(doc), "%PDF-") {
		t.Fatalf("not a PDF: %q", doc[:min(len(doc), 20)])
	}
	text, err := pdf.Text(doc)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Operations Review Report", "Acme Corporation", "12 touches", "Second paragraph"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
}

func TestFromHTMLStopsWhenTheContextEnds(t *testing.T) {
	needBrowser(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := pdf.FromHTML(ctx, []byte("<p>x</p>")); err == nil {
		t.Fatal("printed with a cancelled context")
	}
}

func TestTextRejectsWhatIsNotAPDF(t *testing.T) {
	for _, in := range []string{"", "hello", "%PDF-1.4\n garbage"} {
		if _, err := pdf.Text([]byte(in)); err == nil {
			t.Errorf("Text(%q) succeeded", in)
		}
	}
}

func FuzzText(f *testing.F) {
	f.Add([]byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"))
	f.Add([]byte("hello"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = pdf.Text(b) // must not panic or hang
	})
}
