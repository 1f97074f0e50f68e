/**
 * Stands in for the audio engine binary in supervision tests: no arguments (like the real one),
 * serves the fake engine on `FAKE_ENGINE_PORT` and appends `{pid}` to `starts.jsonl` in its working
 * directory.
 */
import fs from 'node:fs';
import path from 'node:path';
import { startFakeEngine } from './fake-audio-engine';

const port = Number(process.env.FAKE_ENGINE_PORT);
const engine = await startFakeEngine({ port, version: `fake-${process.pid}` });
fs.appendFileSync(path.join(process.cwd(), 'starts.jsonl'), `${JSON.stringify({ pid: process.pid, args: process.argv.slice(2) })}\n`);
console.log(`engine listening on ${engine.url}`);
const bye = () => void engine.close().then(() => process.exit(0));
process.on('SIGTERM', bye);
process.on('SIGINT', bye);
