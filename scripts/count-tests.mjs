// Adds vitest's JSON report and pytest's JUnit XML into one line: `N passed, N failed`.
// Exits 1 when a report is missing (a runner that crashed must not read as green).
import { existsSync, readFileSync } from "node:fs";

const [vitestJson, pytestXml] = process.argv.slice(2);
let passed = 0;
let failed = 0;
let missing = false;

if (vitestJson && existsSync(vitestJson)) {
  const r = JSON.parse(readFileSync(vitestJson, "utf8"));
  passed += r.numPassedTests ?? 0;
  failed += (r.numFailedTests ?? 0) + (r.numRuntimeErrorTestSuites ?? 0);
  if (r.numFailedTestSuites && !r.numFailedTests) failed += r.numFailedTestSuites;
} else {
  missing = true;
  failed += 1;
}

if (pytestXml && existsSync(pytestXml)) {
  const xml = readFileSync(pytestXml, "utf8");
  const m = xml.match(/<testsuite [^>]*>/);
  const attr = (name) => Number((m?.[0].match(new RegExp(`${name}="(\\d+)"`)) ?? [])[1] ?? 0);
  const total = attr("tests");
  const bad = attr("failures") + attr("errors");
  const skipped = attr("skipped");
  passed += total - bad - skipped;
  failed += bad;
} else {
  missing = true;
  failed += 1;
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(missing ? 1 : 0);
