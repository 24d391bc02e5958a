package web

import (
	"net/http"
	"time"
)

// SessionCookie is the name of the cookie that carries a session secret.
// The server's authentication middleware reads it; sign-in pages write it.
const SessionCookie = "samwise_session"

// SetSessionCookie hands the browser a session secret: HttpOnly (scripts
// never see it), SameSite=Lax (not sent on cross-site posts), and Secure
// whenever the request came over HTTPS, directly or through a proxy that
// says so. Plain HTTP is left for development on localhost.
func SetSessionCookie(w http.ResponseWriter, r *http.Request, secret string, expires time.Time) {
	http.SetCookie(w, &http.Cookie{
		Name: SessionCookie, Value: secret, Path: "/", Expires: expires,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: secureRequest(r),
	})
}

// ClearSessionCookie tells the browser to forget its session.
func ClearSessionCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{
		Name: SessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: secureRequest(r),
	})
}

func secureRequest(r *http.Request) bool {
	return r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https"
}
