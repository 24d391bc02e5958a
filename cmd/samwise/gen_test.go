package main

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestGenRefusesSizesOutOfRangeWithoutTouchingTheDatabase(t *testing.T) {
	db := filepath.Join(t.TempDir(), "samwise.db")
	for _, n := range []string{"0", "-3", "10000001"} {
		out, err := runCLI(t, map[string]string{"SAMWISE_DATABASE": db}, "gen", "--accounts="+n)
		if err == nil || !strings.Contains(err.Error(), "--accounts must be between 1 and") {
			t.Errorf("--accounts %s: %v\n%s", n, err, out)
		}
	}
	if _, err := os.Stat(db); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the database was created for a refused run: %v", err)
	}
	if out, err := runCLI(t, nil, "gen"); err == nil {
		t.Errorf("gen without --accounts succeeded:\n%s", out)
	}
}

func TestGenWritesANewOrganisationAndRefusesToRepeatIt(t *testing.T) {
	env := map[string]string{"SAMWISE_DATABASE": filepath.Join(t.TempDir(), "samwise.db")}
	out, err := runCLI(t, env, "gen", "--accounts", "25", "--seed", "3")
	if err != nil {
		t.Fatalf("gen: %v\n%s", err, out)
	}
	for _, want := range []string{`organisation "gen-3-25"`, "accounts                       25", "touches", "rows/s",
		"gen: 25 of 25 accounts"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	out, err = runCLI(t, env, "gen", "--accounts", "25", "--seed", "3")
	if err == nil || !strings.Contains(err.Error(), "already holds data") {
		t.Errorf("repeated gen: %v\n%s", err, out)
	}
}

func TestDemoLoadsOnceAndThenSaysSo(t *testing.T) {
	env := map[string]string{"SAMWISE_DATABASE": filepath.Join(t.TempDir(), "samwise.db")}
	out, err := runCLI(t, env, "demo")
	if err != nil || !strings.Contains(out, `Loaded the demo portfolio into organisation "demo" (Demo Company): 12 people, 150 accounts`) {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	out, err = runCLI(t, env, "demo")
	if err != nil || !strings.Contains(out, "already has accounts; nothing loaded") {
		t.Errorf("second demo: %v\n%s", err, out)
	}
}
