#!/usr/bin/env bun
/**
 * git's smart HTTP protocol for the repositories under <root>, on 127.0.0.1:<port>: each request is
 * handed to `git http-backend` (CGI), the server git itself ships. A process of its own, started by
 * git-remote.ts under spawnLogged (tied to the test runner): the test process calls git
 * synchronously (commit-bump does), which would deadlock against a server in the same event loop.
 *
 *   bun scripts/cluster/argocd/git-http.ts <root> <port>
 */
const [root, port] = Bun.argv.slice(2);
if (!root || !port) throw new Error('usage: git-http.ts <root> <port>');

/** Reads a CGI response (headers, blank line, body) into a Response. */
function cgiResponse(out: Uint8Array): Response {
  const text = Buffer.from(out);
  let end = text.indexOf('\r\n\r\n');
  let sep = 4;
  if (end < 0) {
    end = text.indexOf('\n\n');
    sep = 2;
  }
  const headers = new Headers();
  let status = 200;
  for (const line of text.subarray(0, end).toString('latin1').split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i < 0) continue;
    const [name, value] = [line.slice(0, i).trim(), line.slice(i + 1).trim()];
    if (name.toLowerCase() === 'status') status = Number(value.split(' ')[0]);
    else headers.append(name, value);
  }
  return new Response(text.subarray(end + sep), { status, headers });
}

Bun.serve({
  hostname: '127.0.0.1',
  port: Number(port),
  async fetch(req) {
    const url = new URL(req.url);
    const body = req.body ? new Uint8Array(await req.arrayBuffer()) : undefined;
    const proc = Bun.spawn(['git', 'http-backend'], {
      stdin: body ? new Blob([body]) : 'ignore',
      stdout: 'pipe',
      stderr: 'pipe',
      env: {
        ...process.env,
        GIT_PROJECT_ROOT: root,
        GIT_HTTP_EXPORT_ALL: '1',
        // Pushes (CI's tag bump) are accepted from this one user; http.receivepack is on in the repo.
        REMOTE_USER: 'tier',
        REMOTE_ADDR: '127.0.0.1',
        PATH_INFO: url.pathname,
        QUERY_STRING: url.search.slice(1),
        REQUEST_METHOD: req.method,
        CONTENT_TYPE: req.headers.get('content-type') ?? '',
        CONTENT_LENGTH: body ? String(body.length) : '',
        HTTP_CONTENT_ENCODING: req.headers.get('content-encoding') ?? '',
        GIT_PROTOCOL: req.headers.get('git-protocol') ?? '',
      },
    });
    const [out, err, code] = await Promise.all([
      new Response(proc.stdout).arrayBuffer(),
      new Response(proc.stderr).text(),
      proc.exited,
    ]);
    if (code !== 0) return new Response(`git http-backend: ${err}`, { status: 500 });
    console.log(`${req.method} ${url.pathname}${url.search}`);
    return cgiResponse(new Uint8Array(out));
  },
});
console.log(`serving ${root} on http://127.0.0.1:${port}`);
