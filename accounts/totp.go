package accounts

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"derma2go/db"
	"derma2go/secure"
)

// ActivateTOTP turns two-factor sign-in on for userID with secret, whose
// code of time step step was just accepted (so that code is not accepted
// again). The secret is sealed under the active field's context; any secret
// being enrolled is dropped.
func ActivateTOTP(ctx context.Context, q *db.Queries, f *secure.Fields, userID uuid.UUID, secret string, step int64) error {
	sealed, err := f.EncryptString(db.FieldTOTPSecret, secret)
	if err != nil {
		return fmt.Errorf("accounts: seal totp secret: %w", err)
	}
	if err := q.SetPendingTOTP(ctx, db.SetPendingTOTPParams{ID: userID, TotpPendingEnc: sealed}); err != nil {
		return err
	}
	n, err := q.EnableTOTP(ctx, db.EnableTOTPParams{ID: userID, LastStep: step})
	if err != nil {
		return err
	}
	if n != 1 {
		return fmt.Errorf("accounts: enable totp of %s: %w", userID, db.ErrNotFound)
	}
	return nil
}
