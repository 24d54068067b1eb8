// Zero-diff check: the committed generated types must equal a fresh
// generation from api/openapi.yaml.
import { readFileSync, rmSync } from "node:fs";

const [committed, fresh] = process.argv.slice(2);
const a = readFileSync(committed, "utf8");
const b = readFileSync(fresh, "utf8");
rmSync(fresh);
if (a !== b) {
  console.error(`${committed} differs from the spec: run "npm run gen" in web/ and commit the result.`);
  process.exit(1);
}
console.log(`${committed} matches api/openapi.yaml`);
