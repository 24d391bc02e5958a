package api

import "github.com/danielgtaylor/huma/v2"

// reviewRoutes registers this feature's operations.
func reviewRoutes(api huma.API, h *handlers) {}
