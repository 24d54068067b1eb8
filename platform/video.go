package platform

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/google/uuid"

	"derma2go/api"
	"derma2go/config"
	"derma2go/domain"
	"derma2go/video"
	"derma2go/workflows"
)

// OpenVideo opens the SFU on the VIDEO_* ports and, when VIDEO_TURN_ADDR is
// set, the embedded TURN server. Only the process that serves the API needs
// it; Close closes both.
func (p *Platform) OpenVideo() error {
	cfg := p.Config.Video
	engine := NewEngine(p.Temporal, p.Config)
	var turnServer *video.TURN
	urls := append([]string(nil), cfg.ICEServers...)
	if cfg.TURNAddr != "" {
		relay := net.IPv4(127, 0, 0, 1)
		if len(cfg.PublicIPs) > 0 {
			relay = net.ParseIP(cfg.PublicIPs[0])
		}
		var err error
		turnServer, err = video.StartTURN(video.TURNOptions{UDPAddr: cfg.TURNAddr, RelayIP: relay, Secret: cfg.TURNSecret,
			Peers: sfuAddresses(cfg)})
		if err != nil {
			return fmt.Errorf("platform: %w", err)
		}
		urls = append(urls, turnServer.URL())
	}
	tokens := video.NewTokens(p.Links, nil)
	sfu, err := video.New(video.Options{
		UDPAddr: cfg.UDPAddr, TCPAddr: cfg.TCPAddr, PublicIPs: cfg.PublicIPs,
		IncludeLoopback: loopbackOnly(cfg.UDPAddr),
		Tokens:          tokens,
		Admitted:        func(ctx context.Context, id uuid.UUID) bool { return sessionRuns(ctx, engine, id) },
		Registry:        p.Metrics,
		Logger:          p.Logger.With("component", "video"),
	})
	if err != nil {
		if turnServer != nil {
			_ = turnServer.Close()
		}
		return fmt.Errorf("platform: %w", err)
	}
	p.SFU, p.TURN = sfu, turnServer
	p.video = &api.VideoRooms{SFU: sfu, Tokens: tokens,
		ICE: video.ICE{URLs: urls, Secret: cfg.TURNSecret}, TTL: cfg.TokenTTL}
	return nil
}

// closeVideo closes the SFU and the TURN server.
func (p *Platform) closeVideo() error {
	var err error
	if p.SFU != nil {
		err = p.SFU.Close()
	}
	if p.TURN != nil {
		err = errors.Join(err, p.TURN.Close())
	}
	return err
}

// loopbackOnly reports whether addr listens on a loopback address only
// (derma dev, tests): then loopback candidates are the only ones that work.
func loopbackOnly(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(host)
	return host == "localhost" || (ip != nil && ip.IsLoopback())
}

// sfuAddresses are the addresses the embedded TURN server may relay to:
// the SFU's announced public addresses, or this machine's own.
func sfuAddresses(cfg config.Video) []net.IP {
	var ips []net.IP
	for _, s := range cfg.PublicIPs {
		ips = append(ips, net.ParseIP(s))
	}
	ips = append(ips, net.IPv4(127, 0, 0, 1), net.IPv6loopback)
	if addrs, err := net.InterfaceAddrs(); err == nil {
		for _, a := range addrs {
			if n, ok := a.(*net.IPNet); ok {
				ips = append(ips, n.IP)
			}
		}
	}
	return ips
}

// sessionRuns asks the consultation's workflow whether its session runs
// (the SFU's authority for a room that opens without an Admit).
func sessionRuns(ctx context.Context, e api.Engine, id uuid.UUID) bool {
	st, err := e.State(ctx, id)
	return err == nil && domain.VideoAdmitted(st.Type, st.Status)
}

// roomFollower is the one place where the video rooms follow the
// consultation workflows: after every Update the API sends (the doctor
// starts or ends the session, marks a no-show, cancels; the patient's
// cancellation is confirmed) the room of that consultation is admitted or
// closed as the state after it says, and a sweep holds every open room
// against its workflow for what happens without an Update (a timer ends the
// session, or another API instance took the Update).
type roomFollower struct {
	api.Engine
	sfu *video.SFU
}

// Update sends the Update and lets the room follow the state after it.
func (f roomFollower) Update(ctx context.Context, id uuid.UUID, name string, arg any) (workflows.ConsultationState, error) {
	st, err := f.Engine.Update(ctx, id, name, arg)
	if err == nil {
		follow(f.sfu, id, st)
	}
	return st, err
}

// follow admits or closes a consultation's room as its state says.
func follow(sfu *video.SFU, id uuid.UUID, st workflows.ConsultationState) {
	switch {
	case domain.VideoAdmitted(st.Type, st.Status):
		sfu.Admit(id)
	case st.Status.Final():
		sfu.End(id)
	}
}

// RoomSweep is how often FollowRooms holds the open rooms against their
// workflows.
const RoomSweep = 5 * time.Second

// FollowRooms holds every open video room against its workflow every
// interval until ctx ends: a session a timer ended (or one that another
// API instance started or ended) is admitted or closed here too.
func (p *Platform) FollowRooms(ctx context.Context, interval time.Duration) {
	if p.SFU == nil {
		return
	}
	engine := NewEngine(p.Temporal, p.Config)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		p.sweepRooms(ctx, engine)
	}
}

// SweepRooms holds the open consultation rooms against their workflows
// once, as FollowRooms does at every interval.
func (p *Platform) SweepRooms(ctx context.Context) {
	if p.SFU != nil {
		p.sweepRooms(ctx, NewEngine(p.Temporal, p.Config))
	}
}

// sweepRooms is one sweep. Test rooms are not in it (SFU.RoomIDs lists
// consultations' rooms only): no workflow owns them, and asking Temporal
// for one would end it as a consultation that is gone; they close when
// their peer leaves or at the SFU's TestRoomLimit.
func (p *Platform) sweepRooms(ctx context.Context, engine api.Engine) {
	for _, id := range p.SFU.RoomIDs() {
		st, err := engine.State(ctx, id)
		switch {
		case errors.Is(err, api.ErrRejected):
			// The workflow is gone: the consultation is over.
			p.SFU.End(id)
		case err != nil:
			p.Logger.Warn("video: room state", "consultation", id, "err", err)
		default:
			follow(p.SFU, id, st)
		}
	}
}
