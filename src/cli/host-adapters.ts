// The adapters an agent on this host runs tasks through: Docker, and Linux's cgroups, iptables and iproute2
// for task-level limits and awsvpc networking. `wharf up`'s local agent and `wharf agent` use the same set.
import { DockerRuntime } from '../runtime/docker/docker-runtime.js';
import { IptablesCredentialsRoutes } from '../runtime/linux/credentials-routes.js';
import { IptablesFirewall } from '../runtime/linux/iptables-firewall.js';
import { IprouteInterfaces } from '../runtime/linux/iproute-interfaces.js';
import { LinuxTaskCgroups } from '../runtime/linux/task-cgroups.js';
import { taskCleanupWaitMs } from './config.js';

export function hostAdapters() {
  return {
    runtime: new DockerRuntime(),
    cgroups: new LinuxTaskCgroups(),
    firewall: new IptablesFirewall(),
    credentialsRouting: new IptablesCredentialsRoutes(),
    interfaces: new IprouteInterfaces(),
    cleanupWaitMs: taskCleanupWaitMs(),
  };
}
