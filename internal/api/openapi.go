package api

import (
	"context"
	"encoding/json"
)

// openAPIOutput is the OpenAPI document.
type openAPIOutput struct {
	Body json.RawMessage `doc:"The OpenAPI 3.1 description of this API."`
}

// openAPI serves the document. It is built on the first request, when every
// operation has been registered.
func (h *handlers) openAPI(ctx context.Context, _ *struct{}) (*openAPIOutput, error) {
	h.specOnce.Do(func() { h.spec, h.specErr = json.Marshal(h.api.OpenAPI()) })
	if h.specErr != nil {
		return nil, h.specErr
	}
	return &openAPIOutput{Body: h.spec}, nil
}
