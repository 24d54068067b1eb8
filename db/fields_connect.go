package db

// Field-encryption contexts of Mollie Connect (mollie_connections).
const (
	FieldMollieAccessToken  = "mollie_connections.access_token"
	FieldMollieRefreshToken = "mollie_connections.refresh_token"
	FieldMollieOrgName      = "mollie_connections.organization_name"
	FieldMollieOAuthState   = "mollie_oauth_states.state"
)
