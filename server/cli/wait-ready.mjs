#!/usr/bin/env node
// Waits until a health URL answers 200, or with --any any HTTP status (the web answers 503 while
// the worker is away, and is up all the same): readiness for systemd's ExecStartPost and scripts.
//   node server/cli/wait-ready.mjs [--any] URL [TIMEOUT_SECONDS]
const argv = process.argv.slice(2);
const any = argv.includes('--any');
const [url, timeoutArg = '60'] = argv.filter((a) => a !== '--any');
if (!url) {
  console.error('usage: wait-ready.mjs URL [TIMEOUT_SECONDS]');
  process.exit(64);
}
const deadline = Date.now() + Number(timeoutArg) * 1000;
let last = 'no answer';
while (Date.now() < deadline) {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    if (res.ok || any) process.exit(0);
    last = `HTTP ${res.status}`;
  } catch (e) {
    last = e instanceof Error ? (e.cause?.code ?? e.message) : String(e);
  }
  await new Promise((r) => setTimeout(r, 250));
}
console.error(`${url} was not ready after ${timeoutArg} s (${last})`);
process.exit(1);
