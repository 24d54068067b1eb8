-- name: SetUserLanguage :exec
UPDATE users SET language = $2, updated_at = now() WHERE id = $1;

-- name: RevokeOtherAuthTokens :exec
UPDATE auth_tokens SET revoked_at = now()
WHERE user_id = @user_id AND token_hash <> @keep_token_hash AND revoked_at IS NULL;
