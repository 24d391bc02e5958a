package api

import "github.com/danielgtaylor/huma/v2"

// measureRoutes registers this feature's operations.
func measureRoutes(api huma.API, h *handlers) {}
