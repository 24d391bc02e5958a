package api

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/account"
)

// PageParams are the paging parameters of every list.
type PageParams struct {
	Limit  int    `query:"limit" minimum:"1" maximum:"500" default:"50" doc:"Items per page."`
	Cursor string `query:"cursor" maxLength:"2000" doc:"Opaque cursor: the next_cursor of the previous page. Keep the other parameters the same."`
}

func (p PageParams) page(sort string) account.Page {
	return account.Page{Limit: p.Limit, Cursor: p.Cursor, Sort: sort}
}

// listBody is one page of a list.
type listBody[T any] struct {
	Items      []T    `json:"items" nullable:"false" doc:"The records of this page, in the requested order."`
	NextCursor string `json:"next_cursor,omitempty" doc:"Pass as cursor to get the next page; absent on the last page."`
}

type listOutput[T any] struct {
	Body listBody[T]
}

// list converts one page of records to its API form.
func list[R, T any](recs []R, next string, conv func(R) T) *listOutput[T] {
	out := &listOutput[T]{Body: listBody[T]{Items: make([]T, len(recs)), NextCursor: next}}
	for i, r := range recs {
		out.Body.Items[i] = conv(r)
	}
	return out
}

// IDParam addresses one record.
type IDParam struct {
	ID int64 `path:"id" minimum:"1" doc:"The record's id."`
}

type getInput struct{ IDParam }

type deleteInput struct{ IDParam }

type putInput[T any] struct {
	IDParam
	Body T
}

type patchInput[T any] struct {
	IDParam
	Body patch[T] `contentType:"application/merge-patch+json"`
}

type createInput[T any] struct {
	Body T
}

// one is a single record in a response.
type one[T any] struct {
	Body T
}

// created is the 201 answer to a create, with where the record lives.
type created[T any] struct {
	Location string `header:"Location" doc:"The URL of the new record."`
	Body     T
}

func location(collection string, id int64) string {
	return fmt.Sprintf("/api/v1/%s/%d", collection, id)
}

// patch is a JSON merge patch (RFC 7396) of the input type T: any of T's
// fields, none required; null clears an optional field. Huma validates it
// against the schema below, so unknown fields and wrong types are rejected as
// for a PUT; apply merges it onto the record's current input.
type patch[T any] struct {
	fields map[string]json.RawMessage
}

func (p *patch[T]) UnmarshalJSON(b []byte) error { return json.Unmarshal(b, &p.fields) }

// Schema is T's schema with no field required and no defaults, since an
// absent field means "unchanged". Fields T requires cannot be null (Resolve
// refuses it); optional ones can, to clear them.
func (patch[T]) Schema(r huma.Registry) *huma.Schema {
	full := r.Schema(reflect.TypeFor[T](), false, "")
	props := make(map[string]*huma.Schema, len(full.Properties))
	for name, p := range full.Properties {
		c := *p
		c.Default = nil
		if !slices.Contains(full.Required, name) {
			acceptNull(&c)
		}
		props[name] = &c
	}
	s := &huma.Schema{
		Type:                 huma.TypeObject,
		Description:          "A JSON merge patch (RFC 7396): the fields to change. Absent fields stay as they are; null clears an optional field.",
		Properties:           props,
		AdditionalProperties: false,
	}
	s.PrecomputeMessages()
	return s
}

// Resolve refuses null for a field T requires: Huma's validator lets null
// through for any property that is not required, and a patch requires none.
func (p *patch[T]) Resolve(_ huma.Context, pb *huma.PathBuffer) []error {
	var errs []error
	for _, name := range requiredFields(reflect.TypeFor[T]()) {
		if v, ok := p.fields[name]; ok && string(v) == "null" {
			errs = append(errs, &huma.ErrorDetail{Message: "cannot be null: the field always has a value", Location: pb.With(name)})
		}
	}
	return errs
}

// requiredFields lists the JSON names of t's fields that a full input must
// have: those without omitempty, embedded structs included.
func requiredFields(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			out = append(out, requiredFields(f.Type)...)
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || name == "-" || name == "" || slices.Contains(strings.Split(opts, ","), "omitempty") {
			continue
		}
		out = append(out, name)
	}
	return out
}

// nullMeansAbsent documents what Huma does with a null for an optional field
// of a request body: it treats it as absent, so the field takes its default.
// Rather than have the document claim that null is refused, it marks every
// optional property of the POST and PUT bodies nullable. Run it once every
// operation is registered.
func nullMeansAbsent(api huma.API) {
	reg := api.OpenAPI().Components.Schemas
	for _, item := range api.OpenAPI().Paths {
		for _, op := range []*huma.Operation{item.Post, item.Put} {
			if op == nil || op.RequestBody == nil {
				continue
			}
			for _, mt := range op.RequestBody.Content {
				s := mt.Schema
				if s != nil && s.Ref != "" {
					s = reg.SchemaFromRef(s.Ref)
				}
				if s == nil {
					continue
				}
				for name, p := range s.Properties {
					if !slices.Contains(s.Required, name) {
						acceptNull(p)
					}
				}
			}
		}
	}
}

// acceptNull makes a property schema admit null; an enum lists null too, or
// JSON Schema would still refuse it.
func acceptNull(p *huma.Schema) {
	if p.Nullable || p.Ref != "" {
		return
	}
	p.Nullable = true
	if len(p.Enum) > 0 {
		p.Enum = append(slices.Clip(p.Enum), nil)
	}
}

// apply returns cur with the patch merged in.
func (p patch[T]) apply(cur T) (T, error) {
	var out T
	b, err := json.Marshal(cur)
	if err != nil {
		return out, err
	}
	m := map[string]json.RawMessage{}
	if err := json.Unmarshal(b, &m); err != nil {
		return out, err
	}
	for k, v := range p.fields {
		if string(v) == "null" {
			delete(m, k)
		} else {
			m[k] = v
		}
	}
	if b, err = json.Marshal(m); err != nil {
		return out, err
	}
	if err := json.Unmarshal(b, &out); err != nil {
		// The schema admitted the patch, so this is our bug, not the client's.
		return out, fmt.Errorf("apply merge patch: %w", err)
	}
	return out, nil
}

// readableAccount returns nil if the account exists in the caller's
// organisation and the caller may see it, else an ENOTFOUND error.
func (h *handlers) readableAccount(ctx context.Context, id int64) error {
	if err := h.guard.CanReadAccount(ctx, id); err != nil {
		return err
	}
	_, err := h.db.Account(ctx, h.guard.Scope(ctx), id)
	return err
}

// filterable reports whether a list may be narrowed to the account (0: no
// account filter). A hidden account yields an empty list, exactly as an
// account that does not exist, so a filter cannot probe for hidden accounts.
func (h *handlers) filterable(ctx context.Context, accountID int64) (bool, error) {
	if accountID == 0 {
		return true, nil
	}
	err := h.guard.CanReadAccount(ctx, accountID)
	if account.ErrorCode(err) == account.ENOTFOUND {
		return false, nil
	}
	return err == nil, err
}

// editable checks that the caller may see the account a record belongs to
// (404 otherwise, so that hidden accounts stay hidden) and may edit the part.
func (h *handlers) editable(ctx context.Context, accountID int64, part access.Part) error {
	if err := h.guard.CanReadAccount(ctx, accountID); err != nil {
		return err
	}
	return h.guard.CanEdit(ctx, accountID, part)
}

// parentAccount checks the account_id of a new child record: an account the
// caller may not see is reported like one that does not exist.
func (h *handlers) parentAccount(ctx context.Context, accountID int64, part access.Part) error {
	if err := h.guard.CanReadAccount(ctx, accountID); err != nil {
		if account.ErrorCode(err) == account.ENOTFOUND {
			return account.Invalid("account_id", "refers to no account in this organisation")
		}
		return err
	}
	return h.guard.CanEdit(ctx, accountID, part)
}

// dateOrNil is an optional date in API form: nil when unset.
func dateOrNil(d account.Date) *account.Date {
	if d.IsZero() {
		return nil
	}
	return &d
}

func dateOf(d *account.Date) account.Date {
	if d == nil {
		return account.Date{}
	}
	return *d
}

// instant is t as the store keeps it: UTC, to the millisecond. The store
// stamps records with its clock at full precision but reads them back in
// milliseconds; rounding here makes the answer to a write equal a later read.
func instant(t time.Time) time.Time { return t.UTC().Truncate(time.Millisecond) }
