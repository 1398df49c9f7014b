// Task interfaces plumbed by hand, as ECS's CNI plugins do for awsvpc tasks: a veth pair whose host end is a
// port of the subnet's bridge and whose other end becomes eth0 in the network namespace of the task's pause
// container, with the task's address, MAC and default route. Doing it ourselves (rather than asking the
// engine to attach the container to its network) lets pause containers be started before any task needs
// one, which takes a container start off every task's start. iproute2 (`ip -batch`), run as root on the host.
// Redirects in a task's namespace (Service Connect's ingress intercept) are iptables' nat rules made there.
import { execFile } from 'node:child_process';
import type { InterfaceSpec, NamespaceInterfaces, PortRedirect } from '../../core/runtime.js';
import { port } from './iptables-args.js';

/** Runs `command` with `input` on its standard input. */
function run(command: string, args: string[], input: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = execFile(command, args, (err, _stdout, stderr) => (err ? reject(new Error(`${command} ${args.join(' ')}: ${stderr || err.message}`)) : resolve()));
    child.stdin!.end(input);
  });
}

/** iptables-restore input redirecting TCP connections that arrive for each port to another (nat PREROUTING: the namespace's own connections are left alone). */
export function redirectRules(redirects: readonly PortRedirect[]): string {
  return ['*nat', ...redirects.map((r) => `-A PREROUTING -p tcp -m tcp --dport ${port(r.port)} -j REDIRECT --to-ports ${port(r.toPort)}`), 'COMMIT', ''].join('\n');
}

export class IprouteInterfaces implements NamespaceInterfaces {
  async redirect(pid: number, redirects: PortRedirect[]): Promise<void> {
    if (!Number.isInteger(pid) || pid < 1) throw new Error(`'${pid}' is not a process id`);
    await run('nsenter', ['-t', String(pid), '-n', 'iptables-restore', '-w', '--noflush'], redirectRules(redirects));
  }

  async bridgeInUse(bridge: string): Promise<boolean> {
    return new Promise((resolve) =>
      execFile('ip', ['-o', 'link', 'show', 'master', bridge], (err, stdout) => resolve(!err && stdout.trim().length > 0)),
    );
  }

  async attach(pid: number, spec: InterfaceSpec): Promise<void> {
    // Interface names: at most 15 characters, unique on the host while the task runs.
    const host = `vw${spec.id}`.slice(0, 15);
    const peer = `vp${spec.id}`.slice(0, 15);
    try {
      await run('ip', ['-batch', '-'], [`link add ${host} type veth peer name ${peer}`, `link set ${host} master ${spec.bridge}`, `link set ${host} up`, `link set ${peer} netns ${pid}`, ''].join('\n'));
    } catch (err) {
      // A pair never moved into the namespace would outlive the task: delete it (the other end goes with it).
      await run('ip', ['link', 'del', host], '').catch(() => undefined);
      throw err;
    }
    await run('nsenter', ['-t', String(pid), '-n', 'ip', '-batch', '-'], [
      `link set ${peer} name eth0`,
      `link set eth0 address ${spec.macAddress}`,
      `addr add ${spec.address}/${spec.prefixLength} dev eth0`,
      'link set eth0 up',
      'link set lo up',
      `route add default via ${spec.gateway}`,
      '',
    ].join('\n'));
  }
}
