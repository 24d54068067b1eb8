import { createContext, useContext } from "react";
import type { User } from "./api/client";

/** The logged-in user: undefined while loading, null when logged out. */
export interface Session {
  user: User | null | undefined;
  refresh: () => Promise<void>;
}

export const SessionContext = createContext<Session>({ user: undefined, refresh: async () => {} });

export function useSession(): Session {
  return useContext(SessionContext);
}
