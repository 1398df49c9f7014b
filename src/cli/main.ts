// `wharf <verb>`: one file per verb; this only dispatches, loading the verb's code alone (an agent on an
// instance starts without the control plane's modules).

const USAGE = `usage: wharf <command> [options]

commands:
  up      run the control plane and a local agent in the foreground
          [--port 4566] [--host 127.0.0.1] [--data-dir ./.wharf] [--region us-east-1] [--auth sigv4|permissive]
  env     print export lines for the AWS CLI and SDKs  [--port] [--host] [--data-dir]
  agent   run a container-instance agent  --endpoint URL --cluster NAME [--data-dir DIR]
  cost    what the region's Fargate tasks would have cost on AWS, and the same on EC2
          [--from TIME] [--to TIME] [--by cluster|service|family|launchType] [--json] [--data-dir DIR]
  spot-interrupt  interrupt FARGATE_SPOT tasks (or --instance Spot instances) now, as AWS does when it takes its capacity back
          [--cluster NAME] [--task ARN]... [--count N] [--data-dir DIR]
  hollow  run many simulated container instances (real agents, no containers), for measuring at scale
          --endpoint URL --cluster NAME [--count 100] [--cpus 4] [--memory-mib 16384] [--data-dir DIR]
`;

const [verb, ...rest] = process.argv.slice(2);
const verbs: Record<string, () => Promise<(argv: string[]) => unknown>> = {
  up: async () => (await import('./up.js')).upCommand,
  env: async () => (await import('./env.js')).envCommand,
  agent: async () => (await import('./agent.js')).agentCommand,
  hollow: async () => (await import('./hollow.js')).hollowCommand,
  cost: async () => (await import('./cost.js')).costCommand,
  'spot-interrupt': async () => (await import('./spot-interrupt.js')).spotInterruptCommand,
};
const load = verb && Object.hasOwn(verbs, verb) ? verbs[verb] : undefined;
if (!load) {
  process.stderr.write(USAGE);
  process.exit(verb === undefined || verb === '--help' || verb === 'help' ? 0 : 2);
}
try {
  await (await load())(rest);
} catch (err) {
  process.stderr.write(`wharf ${verb}: ${(err as Error).message}\n`);
  process.exit(2);
}
