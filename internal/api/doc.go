// Package api is samwise's JSON REST API under /api/v1 and its OpenAPI 3.1
// description at /api/openapi.json. It speaks to the store through the
// records of package account and asks an access.Guard before every read and
// write; it must never import web, server or cmd.
//
// The API is code-first with Huma (github.com/danielgtaylor/huma/v2) on the
// standard ServeMux: the Go input and output types below are the schemas, so
// the document cannot drift from the handlers. The generated document is also
// committed as openapi.json beside this file; a test fails when it is stale
// (refresh it with `go test ./internal/api -run TestOpenAPIFileIsCurrent -update`).
//
// Choices a client can rely on:
//
//   - Every operation lives in routes.go with the access rule beside it
//     (Operation.Metadata["rule"]); a middleware checks Guard.Allow before the
//     handler runs, and registering an operation without a rule panics at
//     start-up.
//   - Input types are separate from the records: id, created_at and updated_at
//     are not part of any request schema, and unknown fields are rejected.
//   - Errors are RFC 9457 problem details (application/problem+json) with an
//     `errors` list of {message, location, value}; location names the field,
//     e.g. "body.name" or "query.limit".
//   - 400 means the request does not match this document: malformed JSON,
//     an unknown field, a wrong type, a value outside the documented enum,
//     length or range, a missing required field, a bad query parameter. Huma
//     reports such schema violations as 422 by default; we turn them into 400
//     in one place (the init function in errors.go) so that 422 keeps one
//     meaning: the request is well-formed but breaks a business rule the
//     document cannot express (an opportunity won without a close date, an owner that
//     is not one of our people, a parent that would make a cycle).
//   - 413 for bodies of 1 MiB or more.
//   - account.Error codes map to statuses in exactly one function (status);
//     anything else is a 500 with a generic message, its cause only in the log.
//   - Lists page with an opaque cursor: {"items": [...], "next_cursor": "..."};
//     next_cursor is absent on the last page.
//   - PUT replaces every editable field (an absent optional field takes its
//     default); PATCH takes a JSON merge patch (RFC 7396) of the same fields,
//     where null clears an optional field. Huma reads a null for an optional
//     field as "absent", so the document marks optional request fields
//     nullable rather than claim null is refused; null for a required field
//     is a 400.
//   - Access: the route rule first (401/403), then the account itself:
//     a record of an account hidden from the caller is 404, exactly like one
//     that does not exist; a list filtered by such an account is empty; a
//     record created on it is a 422 on account_id; changing a visible account
//     the caller may not edit is 403 (Guard.CanEdit with the record's Part).
//     Our people are not account records: the route rule alone governs them.
//   - Dates are "YYYY-MM-DD" strings (null when unset), instants RFC 3339,
//     money integers in minor units of the record's currency.
package api
