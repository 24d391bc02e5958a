package api

import "github.com/danielgtaylor/huma/v2"

// outcomeRoutes registers this feature's operations.
func outcomeRoutes(api huma.API, h *handlers) {}
