import type { ProbeExecutor } from './types.js';
import { value } from './types.js';

/**
 * `http`: a GET from where the learner works — is their `kubectl proxy` really there, and what
 * does it answer? `{reachable, status, json, body}`; nothing answering is a value, not an error.
 */
export const httpProbe: ProbeExecutor<'http'> = async (spec, context) => {
  const r = await context.io.httpGet(spec.url, {
    timeoutMs: (spec.timeoutSeconds ?? 5) * 1000,
    maxBytes: 1024 * 1024,
    signal: context.signal,
  });
  if (!r.reachable) return value({ reachable: false, status: 0, message: r.message });
  let json: unknown;
  try {
    json = JSON.parse(r.body);
  } catch {
    json = undefined;
  }
  return value({ reachable: true, status: r.status, json, body: r.body });
};
