import crypto from 'node:crypto';
import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import type { AppContext } from '@/server/context';
import { callbackSecretKnown, callbacksDir, INLINE_BODY_MAX, receiveCallback } from '@/server/analysis/callbacks';
import { sendJson } from '../http';

/** Largest callback body accepted (base64 stems can reach a few hundred MB). */
const MAX_BODY = 600 * 1024 * 1024;

/**
 * `POST /api/analysis/callback/<secret>`: a server's callback, stored durably before the 200 (in
 * memory while small, streamed to a file once large), then `stored()` so it gets processed.
 */
export function callbackEndpoint(ctx: AppContext, stored: () => void) {
  async function readBody(req: http.IncomingMessage): Promise<{ text?: string; file?: string; tooLarge?: boolean }> {
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (declared > MAX_BODY) {
      req.resume();
      return { tooLarge: true };
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let out: fs.WriteStream | undefined;
    let file: string | undefined;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_BODY) {
        out?.destroy();
        if (file) fs.rmSync(file, { force: true });
        return { tooLarge: true };
      }
      if (!out && size > INLINE_BODY_MAX) {
        fs.mkdirSync(callbacksDir(ctx), { recursive: true });
        file = path.join(callbacksDir(ctx), `.incoming-${crypto.randomBytes(6).toString('hex')}`);
        out = fs.createWriteStream(file);
        for (const c of chunks) out.write(c);
        chunks.length = 0;
      }
      if (out) {
        if (!out.write(chunk)) await new Promise<void>((r) => out!.once('drain', () => r()));
      } else chunks.push(chunk);
    }
    if (out) {
      await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
      return { file };
    }
    return { text: Buffer.concat(chunks).toString('utf8') };
  }

  return async (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => {
    const secret = url.pathname.slice('/api/analysis/callback/'.length);
    // refused before a byte of the body is read, and the connection is dropped rather than drained
    const refuse = (message: string) => {
      const text = JSON.stringify({ error: 'Unauthorized', message });
      res.writeHead(401, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), connection: 'close' });
      res.end(text, () => req.socket.destroySoon());
    };
    if (!/^[\w-]{10,100}$/.test(secret)) return refuse('Missing or malformed callback secret');
    if (!callbackSecretKnown(ctx, secret)) return refuse('Unknown callback secret');
    const body = await readBody(req);
    if (body.tooLarge) return sendJson(res, 413, { error: 'Too large', message: `Callback bodies are limited to ${MAX_BODY / 1024 / 1024} MB` });
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.file ? await fs.promises.readFile(body.file, 'utf8') : body.text!);
    } catch {
      if (body.file) fs.rmSync(body.file, { force: true });
      return sendJson(res, 400, { error: 'Invalid callback', message: 'The body is not JSON' });
    }
    const r = receiveCallback(ctx, secret, parsed, { text: body.text, bodyFile: body.file });
    if (r.status !== 200) {
      if (body.file) fs.rmSync(body.file, { force: true });
      ctx.log.warn({ status: r.status, message: r.body.message }, 'analysis callback rejected');
      return sendJson(res, r.status, r.body);
    }
    sendJson(res, 200, r.body);
    stored();
  };
}
