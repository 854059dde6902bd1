// Kubeconfig texts for the lab guard's tests (engine decision, adapter reading).
export function kubeconfig(
  contexts: { name: string; server: string; ca?: string }[],
  current: string,
): string {
  const lines = ['apiVersion: v1', 'kind: Config', 'clusters:'];
  for (const c of contexts) {
    lines.push('- cluster:', `    server: ${c.server}`);
    if (c.ca) lines.push(`    certificate-authority-data: ${c.ca}`);
    lines.push(`  name: cl-${c.name}`);
  }
  lines.push('contexts:');
  for (const c of contexts)
    lines.push('- context:', `    cluster: cl-${c.name}`, `    user: u`, `  name: ${c.name}`);
  lines.push(`current-context: ${current}`, 'users:', '- name: u', '  user: {}', '');
  return lines.join('\n');
}

export const CA_A = Buffer.from(
  '-----BEGIN CERTIFICATE-----\nQUFBQQ==\n-----END CERTIFICATE-----\n',
).toString('base64');
export const CA_B = Buffer.from(
  '-----BEGIN CERTIFICATE-----\nQkJCQg==\n-----END CERTIFICATE-----\n',
).toString('base64');
