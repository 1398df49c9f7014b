// `terraform apply` of the ECS-on-ALB stack (test/terraform/ecs/ec2-alb-default-vpc) with the machine's Terraform
// and AWS provider: on Wharf, until the load balancer serves a task's answer; on moto's server, the control
// plane only (moto runs no containers and serves no listener). Both start with the cluster `default` (wharf
// up registers its local agent there; on moto it is created first). If moto cannot apply the whole stack,
// the part it can is applied (the resources the failed run made, by -target) and timed, and the rest named.
import { CreateClusterCommand, ECSClient } from '@aws-sdk/client-ecs';
import { spawn } from 'node:child_process';
import { BenchmarkSkipped, table } from './lib.js';
import type { ReadmeRow } from './readme-table.js';
import { getThroughListener, skipReason, TerraformError, TerraformWorkspace } from '../test/terraform-harness.js';
import { eventually, freePort, startWharf } from '../test/wharf-process.js';

const STACK = 'ecs/ec2-alb-default-vpc';

// A type, not an interface: table() takes records, which only type literals are assignable to.
type Run = {
  peer: string;
  resources: string;
  apply_s: number | string;
  serving_s: number | string;
};

export async function terraformBenchmark(): Promise<ReadmeRow[]> {
  console.log(`\n## terraform: apply of ${STACK}, Wharf beside moto`);
  if (skipReason) throw new BenchmarkSkipped(skipReason);
  const wharf = await wharfRun();
  const moto = await motoRun();
  table([wharf, moto.run]);
  if (moto.missing) console.log(`moto could not apply: ${moto.missing}`);
  if (typeof moto.run.apply_s === 'number' && typeof wharf.apply_s === 'number') {
    console.log(`apply, Wharf / moto: ${(wharf.apply_s / moto.run.apply_s).toFixed(2)}x (Wharf's includes its real ALB, target group health and containers)`);
  }
  const s = (value: number | string) => (typeof value === 'number' ? `${value.toFixed(1)} s` : value);
  return [{
    benchmark: `\`terraform apply\` of the ECS-on-ALB stack (${wharf.resources} resources), to serving`,
    wharf: `${s(wharf.apply_s)}, serving at ${s(wharf.serving_s)}`,
    peer: `moto: ${s(moto.run.apply_s)} for ${moto.run.resources}${moto.missing ? ` (could not apply: ${moto.missing.slice(0, 120)})` : ''}`,
    ratio: typeof moto.run.apply_s === 'number' && typeof wharf.apply_s === 'number' ? `${(wharf.apply_s / moto.run.apply_s).toFixed(2)}x` : '',
    goal: "the provider's start-ups dominate",
  }];
}

async function wharfRun(): Promise<Run> {
  // Listener ports and awsvpc networks are the host's: one such user at a time (test/wharf-process.ts).
  const wharf = await startWharf({ hostWide: true, env: { WHARF_LOG_LEVEL: 'info' } });
  try {
    const workspace = TerraformWorkspace.create(STACK, { endpoint: wharf.endpoint, credentials: wharf.credentials, vars: { listener_port: await freePort() } });
    await workspace.init();
    const started = performance.now();
    await workspace.apply();
    const applied = performance.now() - started;
    const { dns_name, listener_port } = (await workspace.outputs()) as { dns_name: string; listener_port: number };
    await eventually(
      () => getThroughListener(listener_port, dns_name).then((reply) => (reply.status === 200 ? true : undefined), () => undefined),
      'the load balancer to serve',
      120_000,
    );
    const serving = performance.now() - started;
    const resources = (await workspace.stateList()).filter((address) => !address.startsWith('data.')).length;
    await workspace.destroy();
    await workspace.close();
    return { peer: 'wharf', resources: String(resources), apply_s: applied / 1000, serving_s: serving / 1000 };
  } finally {
    await wharf.stop();
  }
}

async function motoRun(): Promise<{ run: Run; missing?: string }> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const moto = spawn('python3', ['-m', 'moto.server', '-p', String(port)], { stdio: 'ignore' });
  try {
    await eventually(() => fetch(`${endpoint}/moto-api/`).then((r) => (r.ok ? true : undefined), () => undefined), 'moto to start', 60_000);
    const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
    await new ECSClient({ endpoint, region: 'us-east-1', credentials }).send(new CreateClusterCommand({ clusterName: 'default' }));
    const workspace = TerraformWorkspace.create(STACK, { endpoint, credentials, vars: { listener_port: 8080 } });
    await workspace.init();
    let started = performance.now();
    let missing: string | undefined;
    try {
      await workspace.apply();
    } catch (error) {
      if (!(error instanceof TerraformError)) throw error;
      // What is still to create, and the first line of why (a provider crash prints its whole stack).
      const { stdout: plan } = await workspace.plan();
      const pending = [...plan.matchAll(/# (\S+) will be created/g)].map((match) => match[1]);
      missing = `${pending.join(', ')}: ${/(panic|Error): .*/.exec(error.stderr)?.[0] ?? error.message}`;
      // What moto could make, applied again from nothing and timed on its own.
      const made = (await workspace.stateList()).filter((address) => !address.startsWith('data.'));
      await workspace.destroy();
      started = performance.now();
      await workspace.apply(...made.flatMap((address) => ['-target', address]));
    }
    const applied = performance.now() - started;
    const resources = (await workspace.stateList()).filter((address) => !address.startsWith('data.')).length;
    await workspace.destroy();
    await workspace.close();
    return { run: { peer: 'moto', resources: `${resources}${missing ? ' (part)' : ''}`, apply_s: applied / 1000, serving_s: 'n/a (no data plane)' }, ...(missing && { missing }) };
  } finally {
    moto.kill();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await terraformBenchmark();
