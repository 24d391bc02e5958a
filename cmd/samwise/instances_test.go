package main

import (
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// TestTwoServeProcessesShareOnePostgreSQLDatabase starts two instances on
// the same PostgreSQL database, as behind a load balancer: what one writes,
// the other serves, and a token made by the CLI works on both.
func TestTwoServeProcessesShareOnePostgreSQLDatabase(t *testing.T) {
	for _, d := range storetest.Dialects(t) {
		if d != store.Postgres {
			continue
		}
		url := storetest.URL(t, d)
		env := map[string]string{"SAMWISE_DATABASE": url}
		out, err := runCLI(t, env, "users", "create", "--admin", "--email", "ops@example.com", "--name", "Ops")
		if err != nil {
			t.Fatalf("users create: %v\n%s", err, out)
		}
		out, err = runCLI(t, env, "tokens", "create", "--user", "ops@example.com", "--scope", "read-write")
		if err != nil {
			t.Fatalf("tokens create: %v\n%s", err, out)
		}
		token := regexp.MustCompile(`sw_[A-Za-z0-9_-]+`).FindString(out)
		if token == "" {
			t.Fatalf("no token printed:\n%s", out)
		}
		a := startServe(t, env)
		b := startServe(t, env)

		req, _ := http.NewRequest("POST", a+"/api/v1/accounts", strings.NewReader(`{"name":"Shared Inc","lifecycle":"customer"}`))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("create on instance A = %d: %s", res.StatusCode, body)
		}
		var created struct{ ID int64 }
		json.Unmarshal(body, &created)

		req, _ = http.NewRequest("GET", b+"/api/v1/accounts?q=shared", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		res, err = http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ = io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || !strings.Contains(string(body), "Shared Inc") {
			t.Fatalf("instance B does not serve instance A's account: %d %s", res.StatusCode, body)
		}
		return
	}
	t.Skip("PostgreSQL not configured: set " + storetest.EnvPostgres)
}
