package auditlog

import (
	"context"
	"errors"
	"fmt"
	"io"

	"derma2go/db"
)

// ErrBroken is returned by Command when a chain is broken.
var ErrBroken = errors.New("the audit log's hash chain is broken")

// Command is `derma audit verify`: it checks every chain of the database at
// url, prints each chain's length and head hash (which an operator may
// record elsewhere, to notice a log rewritten as a whole), then every
// broken link, and returns ErrBroken when there is one.
func Command(ctx context.Context, out io.Writer, url string) error {
	store, err := db.Open(ctx, url)
	if err != nil {
		return err
	}
	defer store.Close()
	rep, err := Verify(ctx, store)
	if err != nil {
		return err
	}
	for _, c := range rep.Chains {
		if c.Pruned > 0 {
			fmt.Fprintf(out, "chain %2d: %d rows, head %s (links 1-%d removed after their retention)\n", c.Shard, c.Rows, c.Head, c.Pruned)
			continue
		}
		fmt.Fprintf(out, "chain %2d: %d rows, head %s\n", c.Shard, c.Rows, c.Head)
	}
	if rep.OK() {
		fmt.Fprintf(out, "audit log intact: %d rows in %d chains\n", rep.Rows(), len(rep.Chains))
		return nil
	}
	for _, b := range rep.Breaks {
		fmt.Fprintf(out, "BROKEN: %s\n", b)
	}
	return fmt.Errorf("%w: first break at %s", ErrBroken, rep.Breaks[0])
}
