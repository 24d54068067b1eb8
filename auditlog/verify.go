// Package auditlog checks the tamper evidence of the audit log: every row of
// audit_events carries the SHA-256 of its fields chained to the previous
// row of its chain (one of 16 shards, see migration 00023), and
// audit_chain_heads holds each chain's last sequence number and hash.
// Verify recomputes every hash here, in Go, independently of the database
// function that wrote it, and names the first broken link of each chain.
package auditlog

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"

	"derma2go/db"
)

// Shards is the number of chains the log is split into.
const Shards = 16

// Break is the first broken link of one chain.
type Break struct {
	Shard int16
	// Seq is the sequence number where the chain breaks; ID the row there
	// (0 when the row is missing).
	Seq int64
	ID  int64
	// Reason says what does not match.
	Reason string
}

func (b Break) String() string {
	if b.ID == 0 {
		return fmt.Sprintf("chain %d, link %d: %s", b.Shard, b.Seq, b.Reason)
	}
	return fmt.Sprintf("chain %d, link %d (audit row %d): %s", b.Shard, b.Seq, b.ID, b.Reason)
}

// Chain is the state of one chain as Verify found it.
type Chain struct {
	Shard int16
	Rows  int64
	// Pruned is the number of links removed from the chain's start after
	// their retention (the chain is checked from there).
	Pruned int64
	// Head is the hash of the last row (the genesis hash of an empty chain),
	// as the heads table records it.
	Head string
}

// Report is the outcome of Verify: every chain, and the first break of
// each chain that has one.
type Report struct {
	Chains []Chain
	Breaks []Break
}

// OK reports whether every chain is whole.
func (r Report) OK() bool { return len(r.Breaks) == 0 }

// Rows is the number of rows checked.
func (r Report) Rows() int64 {
	var n int64
	for _, c := range r.Chains {
		n += c.Rows
	}
	return n
}

// Querier is what Verify reads.
type Querier interface {
	ListAuditChainHeads(ctx context.Context) ([]db.AuditChainHead, error)
	ListAuditChainRows(ctx context.Context, arg db.ListAuditChainRowsParams) ([]db.AuditEvent, error)
	ListAuditChainAnchors(ctx context.Context) ([]db.ListAuditChainAnchorsRow, error)
}

const page = 2000

// Verify walks every chain in order and checks, row by row, that the
// sequence has no gap, that the row names the previous row's hash, and
// that its own hash is the hash of its fields; then that the chain ends
// where the heads table says. A changed field, a deleted row (also the
// last one), an inserted or reordered row all break a link.
func Verify(ctx context.Context, q Querier) (Report, error) {
	heads, err := q.ListAuditChainHeads(ctx)
	if err != nil {
		return Report{}, fmt.Errorf("auditlog: heads: %w", err)
	}
	anchors, err := q.ListAuditChainAnchors(ctx)
	if err != nil {
		return Report{}, fmt.Errorf("auditlog: anchors: %w", err)
	}
	start := map[int16]db.ListAuditChainAnchorsRow{}
	for _, a := range anchors {
		start[a.Shard] = a
	}
	var rep Report
	if len(heads) != Shards {
		rep.Breaks = append(rep.Breaks, Break{Shard: -1, Reason: fmt.Sprintf("%d chain heads, want %d", len(heads), Shards)})
	}
	for _, h := range heads {
		c, brk, err := verifyChain(ctx, q, h, start[h.Shard])
		if err != nil {
			return Report{}, err
		}
		rep.Chains = append(rep.Chains, c)
		if brk != nil {
			rep.Breaks = append(rep.Breaks, *brk)
		}
	}
	return rep, nil
}

// verifyChain walks one chain from its start: the genesis hash, or the
// anchor where the retention schedule removed the rows before (audit_prune
// records the link number and hash of the last removed row).
func verifyChain(ctx context.Context, q Querier, head db.AuditChainHead, anchor db.ListAuditChainAnchorsRow) (Chain, *Break, error) {
	c := Chain{Shard: head.Shard, Head: hex.EncodeToString(head.RowHash)}
	prev := Genesis(head.Shard)
	var seq int64
	if anchor.Seq > 0 {
		prev, seq = anchor.RowHash, anchor.Seq
		c.Pruned = anchor.Seq
	}
	for {
		rows, err := q.ListAuditChainRows(ctx, db.ListAuditChainRowsParams{Shard: head.Shard, AfterSeq: seq, MaxRows: page})
		if err != nil {
			return c, nil, fmt.Errorf("auditlog: chain %d: %w", head.Shard, err)
		}
		for _, r := range rows {
			seq++
			c.Rows++
			switch {
			case r.ChainSeq != seq:
				return c, &Break{Shard: head.Shard, Seq: seq, Reason: fmt.Sprintf("row missing (the next row, %d, has link %d)", r.ID, r.ChainSeq)}, nil
			case !bytes.Equal(r.PrevHash, prev):
				return c, &Break{Shard: head.Shard, Seq: seq, ID: r.ID, Reason: "names another previous hash than the row before it has"}, nil
			}
			want := RowHash(prev, r)
			if !bytes.Equal(r.RowHash, want) {
				return c, &Break{Shard: head.Shard, Seq: seq, ID: r.ID, Reason: "its fields do not match its hash (the row was changed)"}, nil
			}
			prev = want
		}
		if len(rows) < page {
			break
		}
	}
	switch {
	case head.Seq != seq:
		return c, &Break{Shard: head.Shard, Seq: seq + 1, Reason: fmt.Sprintf("the chain ends at link %d but its head says %d (rows deleted at the end)", seq, head.Seq)}, nil
	case !bytes.Equal(head.RowHash, prev):
		return c, &Break{Shard: head.Shard, Seq: seq, Reason: "the head's hash is not the last row's"}, nil
	}
	return c, nil, nil
}

// Genesis is the hash a chain starts from.
func Genesis(shard int16) []byte {
	sum := sha256.Sum256([]byte("derma2go audit chain " + strconv.Itoa(int(shard))))
	return sum[:]
}

// RowHash is the hash of row r after prev: SHA-256 of prev followed by each
// field, NULL as "-" and anything else as its byte length, ":" and its text
// (the encoding of the database's audit_row_hash).
func RowHash(prev []byte, r db.AuditEvent) []byte {
	h := sha256.New()
	h.Write(prev)
	field := func(v string, valid bool) {
		if !valid {
			h.Write([]byte("-"))
			return
		}
		h.Write([]byte(strconv.Itoa(len(v)) + ":" + v))
	}
	text := func(v string) { field(v, true) }
	text(strconv.Itoa(int(r.ChainShard)))
	text(strconv.FormatInt(r.ChainSeq, 10))
	text(strconv.FormatInt(r.ID, 10))
	text(r.OccurredAt.UTC().Format("2006-01-02T15:04:05.000000"))
	field(r.ActorID.UUID.String(), r.ActorID.Valid)
	text(r.ActorRole)
	field(r.OnBehalfOf.UUID.String(), r.OnBehalfOf.Valid)
	field(r.PatientID.UUID.String(), r.PatientID.Valid)
	text(r.ObjectType)
	text(r.ObjectID)
	text(r.Action)
	text(strconv.Itoa(int(r.Outcome)))
	text(r.Route)
	text(r.RequestID)
	text(r.ClientIp)
	text(r.UserAgent)
	return h.Sum(nil)
}
