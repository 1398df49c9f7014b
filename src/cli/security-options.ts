// The agent security settings as `wharf up` and `wharf agent` take them (agent/security-settings.ts):
// SELinux, AppArmor and allowed host paths alike; privileged containers are the one that differs, allowed
// unless disabled on `wharf agent` (the ECS agent's default) and refused unless allowed on `wharf up`,
// whose local agent runs tasks on the machine of whoever started it.
import { realpathSync } from 'node:fs';
import { parseHostPaths, type SecuritySettings } from '../agent/security-settings.js';

export const SECURITY_OPTIONS = {
  // ECS_SELINUX_CAPABLE / ECS_APPARMOR_CAPABLE: tasks may use `label:` / `apparmor:` dockerSecurityOptions.
  'selinux-capable': { type: 'boolean' },
  'apparmor-capable': { type: 'boolean' },
  // Host volumes' sourcePath must be under one of these (comma-separated or repeated); any, if not given.
  'allowed-host-paths': { type: 'string', multiple: true },
} as const;

export interface SecurityValues {
  'selinux-capable'?: boolean;
  'apparmor-capable'?: boolean;
  'allowed-host-paths'?: string[];
}

export function securitySettings(values: SecurityValues, privileged: boolean): SecuritySettings {
  const paths = values['allowed-host-paths'];
  return {
    privileged,
    selinux: values['selinux-capable'] ?? false,
    apparmor: values['apparmor-capable'] ?? false,
    // As the host resolves them, since tasks' host paths are compared once resolved.
    ...(paths && { allowedHostPaths: parseHostPaths(paths).map((p) => tryRealpath(p)) }),
  };
}

function tryRealpath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
