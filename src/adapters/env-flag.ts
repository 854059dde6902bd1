/**
 * The one reading of the app's on/off environment variables (K8S_HARDEN_LAB_DEBUG, _RECORD,
 * _OFFLINE, _VERBOSE): unset or empty gives the default; `0`, `false`, `no` and `off` (any case,
 * spaces around ignored) are off; any other value is on.
 */
export function envFlag(value: string | undefined, fallback = false): boolean {
  if (value === undefined || value.trim() === '') return fallback;
  return !/^\s*(?:0|false|no|off)\s*$/i.test(value);
}
