package api

import "github.com/gin-gonic/gin"

// routeConditions registers the conditions A–Z, comments and DermaWizard routes.
func (s *Server) routeConditions(v1 *gin.RouterGroup) {}
