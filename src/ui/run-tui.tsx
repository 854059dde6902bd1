import type { AppServices } from '../cli/services.js';

/** Placeholder until the Ink UI lands: says so and exits non-zero. */
export async function runTui(_services: AppServices, _options: { scenarioId?: string }): Promise<number> {
  process.stderr.write('The terminal UI is not built yet; use `k8s-harden-lab --help`.\n');
  return 1;
}
