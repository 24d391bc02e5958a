package api

import "github.com/danielgtaylor/huma/v2"

// dataRoutes registers this feature's operations.
func dataRoutes(api huma.API, h *handlers) {}
