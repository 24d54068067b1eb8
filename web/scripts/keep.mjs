// vite empties dist/ on every build; the committed placeholder keeps
// go:embed (which needs at least one file) working in a fresh clone.
import { writeFileSync } from "node:fs";

writeFileSync(new URL("../dist/.gitkeep", import.meta.url), "");
