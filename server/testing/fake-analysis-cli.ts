/**
 * Stands in for `python -m uvicorn src.app:app --host H --port P` in supervision tests: starts the
 * fake analysis server on that port and appends what it was started with (pid, arguments, the
 * allowed path prefixes) to `starts.jsonl` in its working directory. `FAKE_ANALYSIS_BEHAVIOUR` (JSON)
 * sets the fake's behaviour.
 */
import fs from 'node:fs';
import path from 'node:path';
import { startFakeAnalysisServer } from './fake-analysis-server';

const args = process.argv.slice(2);
const port = Number(args[args.indexOf('--port') + 1]);
if (!Number.isInteger(port) || port <= 0) {
  console.error(`usage: fake-analysis-cli -m uvicorn src.app:app --host H --port P (got ${args.join(' ')})`);
  process.exit(2);
}
const fake = await startFakeAnalysisServer({ port, behaviour: JSON.parse(process.env.FAKE_ANALYSIS_BEHAVIOUR ?? '{}') as object });
fs.appendFileSync(
  path.join(process.cwd(), 'starts.jsonl'),
  `${JSON.stringify({ pid: process.pid, args, allowed: JSON.parse(process.env.MISMO_ALLOWED_PATH_PREFIXES ?? 'null') as unknown, allowFilePaths: process.env.MISMO_ALLOW_FILE_PATHS })}\n`,
);
console.log(`INFO:     Uvicorn running on http://127.0.0.1:${port} (fake, pid ${process.pid})`);
const bye = () => void fake.close().then(() => process.exit(0));
process.on('SIGTERM', bye);
process.on('SIGINT', bye);
