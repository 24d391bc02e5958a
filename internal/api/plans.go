package api

import "github.com/danielgtaylor/huma/v2"

// planRoutes registers this feature's operations.
func planRoutes(api huma.API, h *handlers) {}
