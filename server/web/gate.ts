import net from 'node:net';
import os from 'node:os';
import type { Env } from '../env';

/**
 * The web's front door: every request passes here before Next.js sees it (server/web/serve.ts).
 * It refuses what no route should ever have to think about — a Host the library does not answer
 * to (DNS rebinding), a state-changing request from another site (CSRF), a form-encoded tRPC call,
 * an oversized sign-in body or tRPC batch — and decides who the client is (the socket address, or
 * X-Forwarded-For only from a trusted proxy). Pure over plain values, so tests call it directly.
 */

/** Header the gate sets to the client address it decided on (any incoming copy is replaced). */
export const CLIENT_HEADER = 'x-mismo-client';
/** Most procedures one tRPC batch may carry (the UI sends a few dozen at most). */
export const MAX_TRPC_BATCH = 50;
/** Largest sign-in body: a JSON password is a few hundred bytes. */
export const MAX_LOGIN_BODY = 4096;

/** Sent with every response, byte routes included. */
export const SECURITY_HEADERS: Record<string, string> = {
  // Next.js hydrates with inline scripts and styles, hence 'unsafe-inline' (no nonces without a proxy file)
  'content-security-policy': [
    "default-src 'self'",
    "script-src 'self' 'unsafe-inline'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; '),
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

export interface GateConfig {
  /** Lower-case host names (no port) the web answers to. */
  allowedHosts: Set<string>;
  trustedProxies: Cidr[];
}

export interface GateRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  remoteAddress: string | undefined;
}

export type GateVerdict = { ok: true; client: string } | { ok: false; status: number; error: string };

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/** "Host: a.b:3000" / "[::1]:3000" → "a.b" / "::1" (lower case); undefined when malformed. */
export function hostName(host: string | undefined): string | undefined {
  if (!host) return undefined;
  const h = host.trim().toLowerCase();
  const m = /^\[([0-9a-f:.]+)\](?::\d{1,5})?$/.exec(h) ?? /^([a-z0-9.-]+)(?::\d{1,5})?$/.exec(h);
  return m?.[1]?.replace(/\.$/, '');
}

/** The names a default install answers to: loopback, the bound address, and for a wildcard bind this machine's names and addresses. */
export function gateConfig(env: Pick<Env, 'web'>): GateConfig {
  const hosts = new Set(['localhost', '127.0.0.1', '::1']);
  const bound = env.web.host.toLowerCase().replace(/^\[|\]$/g, '');
  if (bound === '0.0.0.0' || bound === '::') {
    const name = os.hostname().toLowerCase();
    hosts.add(name);
    hosts.add(`${name}.local`);
    for (const addrs of Object.values(os.networkInterfaces())) for (const a of addrs ?? []) hosts.add(a.address.toLowerCase().replace(/%.*$/, ''));
  } else hosts.add(bound);
  for (const h of env.web.allowedHosts) hosts.add(hostName(h) ?? h);
  return { allowedHosts: hosts, trustedProxies: env.web.trustedProxies.map(parseCidr) };
}

export function checkRequest(cfg: GateConfig, req: GateRequest): GateVerdict {
  const host = hostName(one(req.headers.host));
  if (!host || !cfg.allowedHosts.has(host)) {
    return { ok: false, status: 421, error: `This library does not answer to "${one(req.headers.host) ?? ''}". Add the name to ALLOWED_HOSTS if it is yours.` };
  }
  const client = clientOf(cfg, req);
  const method = req.method.toUpperCase();
  const pathname = req.url.split('?')[0] ?? '';
  if (!SAFE_METHODS.has(method)) {
    const refusal = crossSite(req, one(req.headers.host)!);
    if (refusal) return { ok: false, status: 403, error: refusal };
    if (pathname.startsWith('/api/trpc/') && !/^application\/json\b/i.test(one(req.headers['content-type']) ?? '')) {
      return { ok: false, status: 415, error: 'API calls must be sent as application/json' };
    }
    if (pathname === '/api/auth/login') {
      const length = Number(one(req.headers['content-length']));
      if (!Number.isFinite(length) || one(req.headers['content-length']) === undefined) return { ok: false, status: 411, error: 'Send the sign-in with a Content-Length' };
      if (length > MAX_LOGIN_BODY) return { ok: false, status: 413, error: 'Sign-in body too large' };
    }
  }
  if (pathname.startsWith('/api/trpc/')) {
    const procedures = decodeURIComponent(pathname.slice('/api/trpc/'.length)).split(',').length;
    if (procedures > MAX_TRPC_BATCH) return { ok: false, status: 413, error: `At most ${MAX_TRPC_BATCH} calls in one batch (got ${procedures})` };
  }
  return { ok: true, client };
}

/**
 * Why a state-changing request looks cross-site, or null. Browsers send Origin with every
 * non-GET request and Sec-Fetch-Site with every request; a tool that sends neither is no browser,
 * so no other web page can be behind it.
 */
function crossSite(req: GateRequest, host: string): string | null {
  const origin = one(req.headers.origin);
  if (origin !== undefined) {
    let originHost: string | undefined;
    try {
      originHost = origin === 'null' ? undefined : new URL(origin).host.toLowerCase();
    } catch {
      originHost = undefined;
    }
    if (originHost !== host.trim().toLowerCase()) return 'Requests from other sites are refused';
  }
  const site = one(req.headers['sec-fetch-site']);
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return 'Requests from other sites are refused';
  return null;
}

export const fromTrustedProxy = (cfg: GateConfig, remoteAddress: string | undefined) => cfg.trustedProxies.some((c) => inCidr(normalizeIp(remoteAddress ?? ''), c));

/** The client's address: the socket's, or from a trusted proxy the last X-Forwarded-For hop it did not add itself. */
function clientOf(cfg: GateConfig, req: GateRequest): string {
  const socket = normalizeIp(req.remoteAddress ?? 'unknown');
  if (!fromTrustedProxy(cfg, socket)) return socket;
  const hops = (one(req.headers['x-forwarded-for']) ?? '')
    .split(',')
    .map((s) => normalizeIp(s.trim()))
    .filter((s) => net.isIP(s));
  for (let i = hops.length - 1; i >= 0; i--) if (!cfg.trustedProxies.some((c) => inCidr(hops[i]!, c))) return hops[i]!;
  return hops[0] ?? socket;
}

const normalizeIp = (ip: string) => ip.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, '$1').toLowerCase();

export interface Cidr {
  bytes: Buffer;
  bits: number;
}

export function parseCidr(s: string): Cidr {
  const [addr, bits] = s.trim().split('/') as [string, string | undefined];
  const bytes = ipBytes(normalizeIp(addr));
  if (!bytes) throw new Error(`not an IP address: ${addr}`);
  return { bytes, bits: bits === undefined ? bytes.length * 8 : Number(bits) };
}

function ipBytes(ip: string): Buffer | undefined {
  if (net.isIPv4(ip)) return Buffer.from(ip.split('.').map(Number));
  if (!net.isIPv6(ip)) return undefined;
  const [head, tail] = ip.split('::') as [string, string | undefined];
  const part = (s: string | undefined) => (s ? s.split(':') : []);
  const h = part(head);
  const t = part(tail);
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return Buffer.from(groups.flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 255]));
}

export function inCidr(ip: string, c: Cidr): boolean {
  const b = ipBytes(ip);
  if (b?.length !== c.bytes.length) return false;
  for (let bit = 0; bit < c.bits; bit++) {
    const m = 0x80 >> (bit % 8);
    if ((b[bit >> 3]! & m) !== (c.bytes[bit >> 3]! & m)) return false;
  }
  return true;
}
