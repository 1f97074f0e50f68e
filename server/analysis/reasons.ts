/** What each stage gives, in the words the UI uses. */
export const STAGE_NAMES: Record<string, string> = {
  basic_features: 'BPM, key and beats',
  characteristics: 'loudness and energy',
  genre: 'genre',
  stems: 'stems',
  segments: 'sections',
  transitions: 'transitions',
};

const NETWORK: Record<string, string> = {
  ECONNREFUSED: 'did not answer (nothing listens at its address)',
  ECONNRESET: 'dropped the connection',
  ETIMEDOUT: 'took too long to answer',
  ENOTFOUND: 'could not be found (check its address)',
  EHOSTUNREACH: 'is not reachable on the network',
  UND_ERR_CONNECT_TIMEOUT: 'took too long to answer',
};

/**
 * A job's last error in plain words: no socket error codes, no stage identifiers. Reasons already
 * written for people (the built-in analyzer's, a file that cannot be decoded) pass through.
 */
export function plainReason(error: string | null | undefined): string | null {
  if (!error) return null;
  let s = error;
  s = s.replace(/^Could not reach (\S+): (\w+)$/, (_, url: string, code: string) => `The analysis server at ${url} ${NETWORK[code] ?? `could not be reached (${code})`}`);
  s = s.replace(
    /^(\S+) refused the job: HTTP (\d+)(.*)$/,
    (_, url: string, status: string, rest: string) => `The analysis server at ${url} turned the track down (HTTP ${status})${rest ? `:${rest}` : ''}`,
  );
  s = s.replace(/\bstage (\w+) failed/g, (_, st: string) => `${STAGE_NAMES[st] ?? st} failed`);
  s = s.replace(
    /without sending ([\w, ]+)$/,
    (_, list: string) =>
      `without sending ${list
        .split(', ')
        .map((x) => STAGE_NAMES[x] ?? x)
        .join(', ')}`,
  );
  return s;
}
