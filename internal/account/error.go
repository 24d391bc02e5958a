package account

import (
	"errors"
	"fmt"
	"strings"
)

// Code classifies an application error. Each code maps to exactly one HTTP
// status, in the api package; users see Message, logs see the wrapped cause.
type Code string

const (
	EINVALID      Code = "invalid"      // the input breaks a rule; Fields says where
	ENOTFOUND     Code = "not_found"    // no such record in this organisation
	ECONFLICT     Code = "conflict"     // the record clashes with another (duplicate key, stale edit)
	EUNAUTHORIZED Code = "unauthorized" // not signed in, or the credential is no longer valid
	EFORBIDDEN    Code = "forbidden"    // signed in, but the role does not allow it
	ETOOMANY      Code = "too_many"     // rate limited
	EINTERNAL     Code = "internal"     // our fault; details only in the log
)

// FieldError names one field that failed validation and why.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Error is an application error: a code, a message a user can act on, and for
// validation failures the list of offending fields.
type Error struct {
	Code    Code
	Message string
	Fields  []FieldError
}

func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return fmt.Sprintf("%s: %s", e.Code, e.Message)
	}
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Field + " " + f.Message
	}
	return fmt.Sprintf("%s: %s (%s)", e.Code, e.Message, strings.Join(parts, "; "))
}

// Errorf returns an *Error with the given code and formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for
// any other non-nil error and "" for nil.
func ErrorCode(err error) Code {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of err; internal errors get a
// generic message so that causes never leak to users.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}

// ErrorFields returns the field errors in err's chain, if any.
func ErrorFields(err error) []FieldError {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

// problems collects field errors while a record is validated.
type problems []FieldError

func (p *problems) add(field, format string, args ...any) {
	*p = append(*p, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

func (p problems) err(what string) error {
	if len(p) == 0 {
		return nil
	}
	return &Error{Code: EINVALID, Message: fmt.Sprintf("The %s has %d invalid field(s).", what, len(p)), Fields: p}
}

// Invalid returns an EINVALID error about a single field.
func Invalid(field, format string, args ...any) *Error {
	msg := fmt.Sprintf(format, args...)
	return &Error{Code: EINVALID, Message: field + " " + msg, Fields: []FieldError{{Field: field, Message: msg}}}
}
