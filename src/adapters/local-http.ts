import type { LocalHttpAnswer, LocalHttpGet } from '../engine/ports.js';

/**
 * A GET on this machine (a learner's `kubectl proxy`, a port-forward): no credentials, no TLS
 * verification (a local https answer is judged by what it says, not by its certificate), the
 * answer cut at `maxBytes`, and every failure a value.
 */
export const localHttpGet: LocalHttpGet = async (url, options) => {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return { reachable: false, message: `not a URL: ${url}` };
  }
  // node:http and node:https (with tls) load on the first request, not before the first frame.
  const transport =
    target.protocol === 'https:' ? (await import('node:https')).default : (await import('node:http')).default;
  return new Promise<LocalHttpAnswer>((resolve) => {
    const req = transport.get(
      target,
      { timeout: options.timeoutMs, signal: options.signal, rejectUnauthorized: false, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const done = () =>
          resolve({
            reachable: true,
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
          });
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > options.maxBytes) {
            chunks.push(c.subarray(0, c.length - (size - options.maxBytes)));
            res.destroy();
            done();
            return;
          }
          chunks.push(c);
        });
        res.on('end', done);
        res.on('error', done);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${options.timeoutMs / 1000} s`)));
    req.on('error', (error: NodeJS.ErrnoException) =>
      resolve({ reachable: false, message: error.code ? `${error.code}: ${error.message}` : error.message }),
    );
  });
};
