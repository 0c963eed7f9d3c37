// A minimal static file server for the tests: serves www/ on 127.0.0.1 only.
import { createServer } from 'node:http';
import { readFile, realpath } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json; charset=utf-8', '.wasm': 'application/wasm',
  '.csv': 'text/csv; charset=utf-8', '.svg': 'image/svg+xml', '.png': 'image/png', '.md': 'text/plain; charset=utf-8',
};

/** Serves `root`; `extras` maps paths to test-only JavaScript served beside it. */
export async function serve(root, port = 0, extras = {}) {
  const base = await realpath(resolve(root));
  const server = createServer(async (req, res) => {
    try {
      const path = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
      if (Object.hasOwn(extras, path)) {
        res.writeHead(200, { 'content-type': TYPES['.js'], 'cache-control': 'no-store' });
        res.end(extras[path]);
        return;
      }
      let file = resolve(join(base, path.endsWith('/') ? `${path}index.html` : path));
      // Symlinks inside www/ (the example) may point into the repository; stay inside it.
      const repo = resolve(base, '..');
      if (file !== base && !file.startsWith(base + sep)) throw new Error('outside');
      file = await realpath(file);
      if (!file.startsWith(repo + sep)) throw new Error('outside');
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
      res.end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
    }
  });
  await new Promise((ok) => server.listen(port, '127.0.0.1', ok));
  return { server, url: `http://127.0.0.1:${server.address().port}/` };
}
