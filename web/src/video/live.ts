/**
 * What the video pages need to follow live: the consultation's status and
 * the doctor's delay. Until the API pushes changes, the pages re-read the
 * consultation every few seconds.
 */
import { useCallback, useEffect, useRef, useState } from "react";
import { api } from "../api/client";
import type { Grade } from "./quality";

export { delayMinutes, doctorStatus } from "./status";

/** pollEveryMs is how often a waiting page re-reads the consultation. */
export const pollEveryMs = 3000;

/**
 * usePolled holds a value read by read: every pollEveryMs while poll is on,
 * and at once whenever the returned refresh is called (a live event said it
 * changed).
 */
export function usePolled<T>(initial: T, read: () => Promise<T | undefined>, poll: boolean): [T, () => void] {
  const [value, setValue] = useState(initial);
  const readRef = useRef(read);
  readRef.current = read;
  const alive = useRef(true);
  useEffect(() => {
    alive.current = true;
    return () => {
      alive.current = false;
    };
  }, []);
  const refresh = useCallback(() => {
    void readRef.current().then(
      (v) => {
        if (alive.current && v !== undefined) setValue(v);
      },
      () => {
        // offline for a moment: the next read tries again
      },
    );
  }, []);
  useEffect(() => {
    if (!poll) return;
    refresh();
    const timer = setInterval(refresh, pollEveryMs);
    return () => clearInterval(timer);
  }, [poll, refresh]);
  return [value, refresh];
}

/** presenceEveryMs is the heartbeat of a page in the room (the API counts a side offline 30 s after its last). */
export const presenceEveryMs = 10000;

/**
 * usePresence tells the other side, every presenceEveryMs while on, that
 * this page is open and how good its connection is (once measured).
 */
export function usePresence(id: string, grade: Grade | undefined, on: boolean): void {
  const gradeRef = useRef(grade);
  gradeRef.current = grade;
  const known = grade !== undefined;
  useEffect(() => {
    if (!on || !known) return;
    const beat = () => {
      const connection = gradeRef.current;
      if (connection)
        void api
          .POST("/v1/consultations/{id}/presence", { params: { path: { id } }, body: { connection } })
          .catch(() => {});
    };
    beat();
    const timer = setInterval(beat, presenceEveryMs);
    return () => clearInterval(timer);
  }, [id, on, known]);
}
