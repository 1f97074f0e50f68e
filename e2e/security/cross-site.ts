import http from 'node:http';
import type { Page } from '@playwright/test';
import { freePort } from '../../server/testing/free-port';

/**
 * A page on another origin (another port of the same host: same site, so the browser sends a Lax
 * cookie along) that tries what a malicious page would: auto-submitting forms (multipart,
 * urlencoded, text/plain — no preflight needed) and fetches with credentials against the library's
 * most destructive writes. It reports to its own server when every attempt has settled.
 */
export async function attackFrom(page: Page, library: string): Promise<{ served: string[] }> {
  const port = await freePort();
  const served: string[] = [];
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  const html = `<!doctype html><html><body><h1>Free DJ edits</h1>
<iframe name="a"></iframe><iframe name="b"></iframe><iframe name="c"></iframe>
<form id="f1" target="a" method="POST" enctype="multipart/form-data" action="${library}/api/trpc/system.backupNow"><input name="json" value="{}"></form>
<form id="f2" target="b" method="POST" enctype="application/x-www-form-urlencoded" action="${library}/api/trpc/duplicates.resolveAll"><input name="json" value='{"fileAction":"trash"}'></form>
<form id="f3" target="c" method="POST" enctype="text/plain" action="${library}/api/trpc/missing.cleanup"><input name='{"json":{"olderThanDays":0},"x":"' value='"}'></form>
<script>
  const frames = [...document.querySelectorAll('iframe')].map((f) => new Promise((r) => f.addEventListener('load', r, { once: true })));
  for (const id of ['f1', 'f2', 'f3']) document.getElementById(id).submit();
  const tries = [
    fetch('${library}/api/trpc/system.backupNow', { method: 'POST', mode: 'no-cors', credentials: 'include', headers: { 'content-type': 'text/plain' }, body: '{"json":{}}' }),
    fetch('${library}/api/trpc/duplicates.resolveAll', { method: 'POST', credentials: 'include', headers: { 'content-type': 'application/json' }, body: '{"json":{"fileAction":"trash"}}' }),
    fetch('${library}/api/auth/logout', { method: 'POST', mode: 'no-cors', credentials: 'include' }),
  ].map((p) => p.catch(() => null));
  Promise.all([...frames, ...tries]).then(() => fetch('/done'));
</script></body></html>`;
  const server = http.createServer((req, res) => {
    served.push(req.url ?? '');
    if (req.url === '/done') {
      res.end('ok');
      done();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(html);
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  try {
    await page.goto(`http://127.0.0.1:${port}/`);
    await finished;
  } finally {
    server.close();
  }
  return { served };
}
