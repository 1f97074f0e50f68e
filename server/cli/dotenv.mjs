// Reads a KEY=value file (.env, or the services' env file). Plain Node, so the launcher can use it
// on a fresh clone before anything is installed.
import fs from 'node:fs';

/** @param {string} file @returns {Record<string, string>} the variables; {} when the file is not there */
export function loadDotEnv(file) {
  const out = {};
  if (!fs.existsSync(file)) return out;
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const m = line.match(/^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/);
    if (!m) continue;
    out[m[1]] = m[2].replace(/^(['"])(.*)\1$/, '$2');
  }
  return out;
}
