// The adapters an agent on this host runs tasks through: Docker, and Linux's cgroups, iptables and iproute2
// for task-level limits and awsvpc networking, HAProxy for Service Connect proxies (their files in the
// agent's data directory). `wharf up`'s local agent and `wharf agent` use the same set.
import { join } from 'node:path';
import type { Logger } from '../core/ports.js';
import { HaproxyServiceConnectProxies } from '../lb/service-connect-proxies.js';
import { DockerRuntime } from '../runtime/docker/docker-runtime.js';
import { IptablesCredentialsRoutes } from '../runtime/linux/credentials-routes.js';
import { IptablesFirewall } from '../runtime/linux/iptables-firewall.js';
import { IprouteInterfaces } from '../runtime/linux/iproute-interfaces.js';
import { LinuxTaskCgroups } from '../runtime/linux/task-cgroups.js';
import { networkLingerMs, taskCleanupWaitMs } from './config.js';

export function hostAdapters(agentDataDir: string, log: Logger) {
  return {
    serviceConnect: new HaproxyServiceConnectProxies({ dir: join(agentDataDir, 'service-connect'), log: log.child({ component: 'service-connect' }) }),
    runtime: new DockerRuntime(),
    cgroups: new LinuxTaskCgroups(),
    firewall: new IptablesFirewall(),
    credentialsRouting: new IptablesCredentialsRoutes(),
    interfaces: new IprouteInterfaces(),
    cleanupWaitMs: taskCleanupWaitMs(),
    networkLingerMs: networkLingerMs(),
  };
}
