/** What the waiting patient is told about the doctor (pure, tested without a browser). */

/** delayMinutes is how late the doctor runs: expected start minus booked start, in whole minutes. */
export function delayMinutes(c: { starts_at?: string | null; expected_start?: string | null }): number {
  if (!c.starts_at || !c.expected_start) return 0;
  const d = (new Date(c.expected_start).getTime() - new Date(c.starts_at).getTime()) / 60000;
  return d > 0 ? Math.round(d) : 0;
}

/**
 * doctorStatus is what the waiting patient is told about the doctor: late
 * while an announced delay runs (even with the doctor already in the room,
 * finishing the consultation before), else ready once the doctor is in the
 * room (or the session runs), else not started.
 */
export function doctorStatus(
  c: { status: string; starts_at?: string | null; expected_start?: string | null },
  doctorInRoom: boolean,
  now: number,
): { key: "videoDoctorReady" | "videoDoctorLate" | "videoDoctorNotStarted"; minutes: number } {
  const minutes = delayMinutes(c);
  if (c.status === "in_session") return { key: "videoDoctorReady", minutes };
  if (minutes > 0 && c.expected_start && new Date(c.expected_start).getTime() > now)
    return { key: "videoDoctorLate", minutes };
  if (doctorInRoom) return { key: "videoDoctorReady", minutes };
  return { key: "videoDoctorNotStarted", minutes };
}
