package api

import "github.com/danielgtaylor/huma/v2"

// healthRoutes registers this feature's operations.
func healthRoutes(api huma.API, h *handlers) {}
