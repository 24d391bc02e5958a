package api

import "github.com/danielgtaylor/huma/v2"

// intelRoutes registers this feature's operations.
func intelRoutes(api huma.API, h *handlers) {}
