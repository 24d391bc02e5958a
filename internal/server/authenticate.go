package server

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"

	"github.com/samwise-sam/samwise/internal/auth"
	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/web"
)

// authenticate finds who is calling — an API token in the Authorization
// header, or a session cookie — and puts the principal in the request's
// context. It never rejects a request for being anonymous (routes decide
// that by their rule), but a bearer token that is unknown, expired or
// revoked is answered 401 at once: a script should not silently run as
// nobody.
func authenticate(next http.Handler, db *store.DB, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if h := r.Header.Get("Authorization"); h != "" {
			secret, ok := strings.CutPrefix(h, "Bearer ")
			if !ok {
				unauthorized(w, "The Authorization header must be \"Bearer\" followed by an API token.")
				return
			}
			tok, user, err := db.TokenBySecret(ctx, strings.TrimSpace(secret))
			if err != nil {
				log.InfoContext(ctx, "token refused", "err", err) // never the secret itself
				unauthorized(w, "The API token is unknown, expired or revoked.")
				return
			}
			next.ServeHTTP(w, r.WithContext(auth.NewContext(ctx, &auth.Principal{User: &user, Token: &tok})))
			return
		}
		if c, err := r.Cookie(web.SessionCookie); err == nil && c.Value != "" {
			_, user, err := db.SessionByToken(ctx, c.Value)
			if err == nil {
				next.ServeHTTP(w, r.WithContext(auth.NewContext(ctx, &auth.Principal{User: &user})))
				return
			}
			// Expired or unknown: forget the cookie and carry on as nobody.
			web.ClearSessionCookie(w, r)
		}
		next.ServeHTTP(w, r)
	})
}

func unauthorized(w http.ResponseWriter, detail string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("WWW-Authenticate", `Bearer realm="samwise"`)
	w.WriteHeader(http.StatusUnauthorized)
	json.NewEncoder(w).Encode(map[string]any{"title": "Unauthorized", "status": http.StatusUnauthorized, "detail": detail})
}
