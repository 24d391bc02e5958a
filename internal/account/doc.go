// Package account holds the core records of samwise — organisations,
// accounts, stakeholders, our people, touches, opportunities and contracts —
// and the rules every later feature relies on: which values are allowed, what
// a valid record looks like, and the application error vocabulary.
//
// It is plain Go: it must never import the store, web or api packages, nor any
// database or HTTP library. Adapters translate to and from these types.
package account
