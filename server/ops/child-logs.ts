import type { ChildProcess } from 'node:child_process';
import readline from 'node:readline';
import type { Logger } from '../log';

/**
 * Sends a child process's output (the analysis server, the audio engine) to our log, one entry per
 * line, tagged with the child's name and stream: stdout at info, stderr at warn. Very long lines are
 * cut so a runaway child cannot flood the journal with one entry.
 */
export function pipeChildOutput(child: ChildProcess, log: Logger, name: string, maxLine = 4_000) {
  const out = log.child({ module: name });
  const attach = (stream: NodeJS.ReadableStream | null, which: 'stdout' | 'stderr') => {
    if (!stream) return;
    const rl = readline.createInterface({ input: stream, crlfDelay: Infinity });
    rl.on('line', (line) => {
      if (line.trim() === '') return;
      const text = line.length > maxLine ? `${line.slice(0, maxLine)}… (${line.length - maxLine} more characters)` : line;
      if (which === 'stderr') out.warn({ stream: which }, `[${name}] ${text}`);
      else out.info({ stream: which }, `[${name}] ${text}`);
    });
  };
  attach(child.stdout, 'stdout');
  attach(child.stderr, 'stderr');
}
