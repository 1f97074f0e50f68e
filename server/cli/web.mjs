#!/usr/bin/env node
// The web process alone (for systemd): `next start` on HOST and PORT from the environment, in
// this process, so the service manager sees and signals Next itself.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
process.chdir(root);
process.env.NEXT_TELEMETRY_DISABLED = '1';
process.env.NODE_ENV ??= 'production';
process.argv = [process.argv[0], 'next', 'start', '-H', process.env.HOST || '127.0.0.1', '-p', process.env.PORT || '3000'];
await import(path.join(root, 'node_modules/next/dist/bin/next'));
