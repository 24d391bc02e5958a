package main

import (
	"bytes"
	"context"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for a server goroutine writing while the
// test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func getenvFrom(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// runCLI runs samwise with args and returns what it printed.
func runCLI(t *testing.T, env map[string]string, args ...string) (string, error) {
	t.Helper()
	var out, errOut syncBuffer
	err := run(context.Background(), args, getenvFrom(env), &out, &errOut)
	return out.String() + errOut.String(), err
}

// startServe runs `samwise serve` on a free port until the test ends and
// returns its base URL once /healthz answers.
func startServe(t *testing.T, env map[string]string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var out, errOut syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), getenvFrom(env), &out, &errOut)
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v\n%s", err, errOut.String())
		}
	})
	re := regexp.MustCompile(`serving (http://[0-9.:]+)`)
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-done:
			t.Fatalf("serve stopped: %v\n%s%s", err, out.String(), errOut.String())
		default:
		}
		if m := re.FindStringSubmatch(out.String()); m != nil {
			if res, err := http.Get(m[1] + "/healthz"); err == nil {
				res.Body.Close()
				if res.StatusCode == 200 {
					return m[1]
				}
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("serve did not become healthy:\n%s%s", out.String(), errOut.String())
	return ""
}

func TestHelpListsTheSubcommands(t *testing.T) {
	out, err := runCLI(t, nil, "--help")
	if err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{"serve", "migrate", "version"} {
		if !strings.Contains(out, cmd) {
			t.Errorf("--help lacks %q:\n%s", cmd, out)
		}
	}
	out, err = runCLI(t, nil, "serve", "--help")
	if err != nil || !strings.Contains(out, "--addr") {
		t.Errorf("serve --help: %v\n%s", err, out)
	}
}

func TestAnUnknownCommandFailsWithUsage(t *testing.T) {
	out, err := runCLI(t, nil, "frobnicate")
	if err == nil {
		t.Fatalf("unknown command succeeded:\n%s", out)
	}
}

func TestMigrateCreatesTheDatabaseAndReportsStatus(t *testing.T) {
	db := filepath.Join(t.TempDir(), "data", "samwise.db")
	env := map[string]string{"SAMWISE_DATABASE": db}
	if out, err := runCLI(t, env, "migrate"); err != nil {
		t.Fatalf("migrate: %v\n%s", err, out)
	}
	out, err := runCLI(t, env, "migrate", "status")
	if err != nil || !strings.Contains(out, "00001") || strings.Contains(out, "pending") {
		t.Errorf("status: %v\n%s", err, out)
	}
}

func TestServeAnswersHealthAndReadiness(t *testing.T) {
	db := filepath.Join(t.TempDir(), "samwise.db")
	base := startServe(t, map[string]string{}, "--database", db)
	res, err := http.Get(base + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Errorf("readyz = %d", res.StatusCode)
	}
}
