// Package pdf prints HTML documents to PDF with a headless Chromium and reads
// the text back out of a PDF (for tests and checks).
//
// FromHTML starts a fresh browser per call: printing is rare (a report, a
// plan export), and a browser per call keeps nothing shared between users.
// The document is loaded with page.SetDocumentContent, so it must be
// self-contained: inline the CSS; relative URLs do not resolve and the
// browser runs with background networking disabled.
//
// The package imports nothing of samwise.
package pdf

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	lpdf "github.com/ledongthuc/pdf"
)

// EnvChromium names a Chromium binary to use instead of /usr/bin/chromium.
const EnvChromium = "SAMWISE_CHROMIUM"

// ErrNoBrowser means no Chromium could be found.
var ErrNoBrowser = errors.New("pdf: no Chromium found (install chromium or set " + EnvChromium + ")")

// Timeout bounds one FromHTML call when ctx has no earlier deadline.
const Timeout = 60 * time.Second

// Chromium returns the browser FromHTML uses, or ErrNoBrowser.
func Chromium() (string, error) {
	for _, c := range []string{os.Getenv(EnvChromium), "/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"} {
		if c == "" {
			continue
		}
		if p, err := exec.LookPath(c); err == nil {
			return p, nil
		}
	}
	return "", ErrNoBrowser
}

// FromHTML prints a self-contained HTML document to an A4 PDF, with
// backgrounds and the document's own @page rules honoured.
func FromHTML(ctx context.Context, html []byte) ([]byte, error) {
	path, err := Chromium()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "samwise-pdf-")
	if err != nil {
		return nil, fmt.Errorf("pdf: profile dir: %w", err)
	}
	defer os.RemoveAll(dir)

	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(dir),
	)
	defer cancelAlloc()
	tab, cancelTab := chromedp.NewContext(allocCtx)
	defer cancelTab()

	if err := chromedp.Do(tab, chromedp.Navigate("about:blank")); err != nil {
		return nil, fmt.Errorf("pdf: start %s: %w", path, err)
	}
	tree, err := chromedp.Call(tab, page.GetFrameTree, cdp.Empty{})
	if err != nil {
		return nil, fmt.Errorf("pdf: frame: %w", err)
	}
	if _, err := chromedp.Call(tab, page.SetDocumentContent, page.SetDocumentContentParams{FrameID: tree.FrameTree.Frame.ID, HTML: string(html)}); err != nil {
		return nil, fmt.Errorf("pdf: load document: %w", err)
	}
	// Wait for web fonts and images already in the document.
	if _, err := chromedp.Run(tab, chromedp.Evaluate[bool](`document.fonts.ready.then(() => true)`, chromedp.EvalAwaitPromise)); err != nil {
		return nil, fmt.Errorf("pdf: wait for fonts: %w", err)
	}
	yes, margin := true, 0.4
	res, err := chromedp.Call(tab, page.PrintToPDF, page.PrintToPDFParams{
		PrintBackground:   &yes,
		PreferCSSPageSize: &yes,
		PaperWidth:        8.27, // A4, inches
		PaperHeight:       11.69,
		MarginTop:         &margin,
		MarginBottom:      &margin,
		MarginLeft:        &margin,
		MarginRight:       &margin,
	})
	if err != nil {
		return nil, fmt.Errorf("pdf: print: %w", err)
	}
	out := res.Data
	return out, nil
}

// Text extracts the plain text of a PDF, page by page, each row of text on
// its own line. It is meant for tests and checks of content, not layout:
// the order of the rows follows the PDF's coordinates, which some
// producers (Chromium among them) flip, so a page may read bottom up.
func Text(doc []byte) (text string, err error) {
	defer func() { // a malformed PDF must be an error, never a crash
		if p := recover(); p != nil {
			text, err = "", fmt.Errorf("pdf: malformed document: %v", p)
		}
	}()
	r, err := lpdf.NewReader(bytes.NewReader(doc), int64(len(doc)))
	if err != nil {
		return "", fmt.Errorf("pdf: read: %w", err)
	}
	var b strings.Builder
	for i := 1; i <= r.NumPage(); i++ {
		p := r.Page(i)
		if p.V.IsNull() {
			continue
		}
		rows, err := p.GetTextByRow()
		if err != nil {
			return "", fmt.Errorf("pdf: page %d: %w", i, err)
		}
		for _, row := range rows {
			var prev *lpdf.Text
			for j := range row.Content {
				w := &row.Content[j]
				// Glyph runs come separately (kerning); a space goes only
				// where the gap to the previous run is wider than a sliver
				// of the font size.
				if prev != nil && w.X-(prev.X+prev.W) > 0.2*max(prev.FontSize, 1) && !strings.HasSuffix(prev.S, " ") && !strings.HasPrefix(w.S, " ") {
					b.WriteByte(' ')
				}
				b.WriteString(w.S)
				prev = w
			}
			b.WriteByte('\n')
		}
	}
	return b.String(), nil
}
