/** Room tickets from the API: a room token, the signalling URL and the ICE servers. */
import { api } from "../api/client";
import { type Ticket, TicketRefused } from "./call";
import { oneAttempt } from "./check";

/**
 * roomTicket returns the ticket source of a consultation's room: each call
 * asks the API for a fresh token (a rejoin after a network change gets a new
 * one); a refusal (the session ended, or never was open) is final.
 */
export function roomTicket(id: string): () => Promise<Ticket> {
  return async () => {
    const { data, error, response } = await api.POST("/v1/consultations/{id}/video-token", {
      params: { path: { id } },
    });
    if (data) return data;
    if (response.status >= 400 && response.status < 500 && response.status !== 429)
      throw new TicketRefused(error?.detail ?? String(response.status));
    throw new Error(`video token: ${response.status}`);
  };
}

/**
 * testRoomTicket is the ticket source of a connection check: a test room of
 * its own, asked for once (a failed connection ends the check).
 */
export function testRoomTicket(): () => Promise<Ticket> {
  return oneAttempt(async () => {
    const { data, error, response } = await api.POST("/v1/video/test-token", {});
    if (data) return data;
    throw new TicketRefused(error?.detail ?? String(response.status));
  });
}
