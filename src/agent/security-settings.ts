// What a container instance lets its tasks do, as the ECS agent's settings say it: privileged containers
// unless ECS_DISABLE_PRIVILEGED, SELinux and AppArmor labels only where ECS_SELINUX_CAPABLE and
// ECS_APPARMOR_CAPABLE say the host has them; and, Wharf's own, the host paths a task's host volumes must
// stay under. The agent advertises the first three as capability attributes, so that placement puts a
// task needing one only where it is (ECS's ATTRIBUTE failure elsewhere). The agent checks each task again
// before its first container is made, since attributes can be wrong (registered by hand, or by an agent
// started with other settings) and host paths are no attribute: a task it may not run stops, with why.
import { realpath } from 'node:fs/promises';
import { posix } from 'node:path';
import type { TaskDefinition } from '@aws-sdk/client-ecs';

export interface SecuritySettings {
  /** Privileged containers may run: the ECS agent's default, which ECS_DISABLE_PRIVILEGED=true turns off. */
  privileged: boolean;
  /** The host has SELinux, for `label:` dockerSecurityOptions (ECS_SELINUX_CAPABLE; off by default). */
  selinux: boolean;
  /** The host has AppArmor, for `apparmor:` dockerSecurityOptions (ECS_APPARMOR_CAPABLE; off by default). */
  apparmor: boolean;
  /** Absolute paths, symlinks resolved, a host volume's sourcePath must be or be under, its own symlinks followed; undefined allows any. */
  allowedHostPaths?: string[];
}

/** The ECS agent's defaults. */
export const DEFAULT_SECURITY_SETTINGS: SecuritySettings = { privileged: true, selinux: false, apparmor: false };

const capability = (name: string) => `com.amazonaws.ecs.capability.${name}`;

/** The capability attributes these settings give the instance (those task definitions' requiresAttributes name). */
export function securityCapabilities(settings: SecuritySettings): string[] {
  return [
    ...(settings.privileged ? [capability('privileged-container')] : []),
    ...(settings.selinux ? [capability('selinux')] : []),
    ...(settings.apparmor ? [capability('apparmor')] : []),
  ];
}

/** Host paths as options give them (a list, or comma-separated): absolute, normalised, without a trailing slash. */
export function parseHostPaths(values: readonly string[]): string[] {
  return values
    .flatMap((v) => v.split(','))
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .map((p) => {
      if (!posix.isAbsolute(p)) throw new Error(`allowed host paths must be absolute, not ${JSON.stringify(p)}`);
      return p === '/' ? p : posix.normalize(p).replace(/\/$/, '');
    });
}

const within = (path: string, allowed: readonly string[]) => allowed.some((a) => a === '/' || path === a || path.startsWith(`${a}/`));

/** The host paths a definition bind-mounts, by volume name. */
const hostVolumes = (d: TaskDefinition) => (d.volumes ?? []).flatMap((v) => (v.host?.sourcePath ? [{ name: v.name ?? '', sourcePath: v.host.sourcePath }] : []));

/**
 * Why an instance with these settings may not run the task (the failure to give it), or undefined when
 * it may. `hostPath` gives a normalised path as the host resolves it (symlinks followed): that is the
 * path that must be allowed.
 */
export function taskRefusal(d: TaskDefinition, settings: SecuritySettings, hostPath: (path: string) => string = (p) => p): string | undefined {
  for (const c of d.containerDefinitions ?? []) {
    if (c.privileged && !settings.privileged) return `container ${c.name} is privileged, and this container instance does not allow privileged containers`;
    for (const option of c.dockerSecurityOptions ?? []) {
      if (option.startsWith('label:') && !settings.selinux) return `container ${c.name} has the SELinux option ${JSON.stringify(option)}, and this container instance is not SELinux-capable`;
      if (option.startsWith('apparmor:') && !settings.apparmor) return `container ${c.name} has the AppArmor option ${JSON.stringify(option)}, and this container instance is not AppArmor-capable`;
    }
  }
  const allowed = settings.allowedHostPaths;
  if (!allowed) return undefined;
  for (const { name, sourcePath } of hostVolumes(d)) {
    if (!posix.isAbsolute(sourcePath) || !within(hostPath(posix.normalize(sourcePath)), allowed)) {
      return `volume ${name}'s host path ${sourcePath} is outside the host paths this container instance allows (${allowed.join(', ')})`;
    }
  }
  return undefined;
}

/**
 * The host paths of a definition's host volumes as the host resolves them: the real path of the deepest
 * part that exists (a missing rest is made under it by the engine, so symlinks above it count too).
 */
export async function resolveHostPaths(d: TaskDefinition): Promise<Map<string, string>> {
  const resolved = new Map<string, string>();
  for (const { sourcePath } of hostVolumes(d)) {
    if (!posix.isAbsolute(sourcePath)) continue;
    const path = posix.normalize(sourcePath);
    let existing = path;
    let rest = '';
    for (;;) {
      const real = await realpath(existing).catch(() => undefined);
      if (real !== undefined) {
        resolved.set(path, posix.join(real, rest));
        break;
      }
      if (existing === '/') break;
      rest = posix.join(posix.basename(existing), rest);
      existing = posix.dirname(existing);
    }
  }
  return resolved;
}
