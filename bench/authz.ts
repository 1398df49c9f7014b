// Authorisation cost per call: one principal with 50 attached policies (shapes of AWS managed policies and
// customer policies with conditions), a day's mix of ECS, IAM, EC2 and S3 requests with their condition
// keys. Wharf's policies are compiled once, as the control plane keeps them; each call evaluates one
// request. The peer is @cloud-copilot/iam-simulate on the same documents and requests, in the same run,
// through runUnsafeSimulation (its fastest public entry point, which takes documents, not compiled policies).
// The goal is p99 under 0.2 ms per call.
import { runUnsafeSimulation } from '@cloud-copilot/iam-simulate';
import { compilePolicy } from '../src/core/policy/compile.js';
import { evaluate, type EvaluationInput } from '../src/core/policy/evaluate.js';
import { ACCOUNT, benchPolicies, benchRequests } from '../src/core/policy/policy-fixtures.js';
import type { AuthorizationRequest, Decision } from '../src/core/policy/types.js';
import { percentile, table } from './lib.js';
import type { ReadmeRow } from './readme-table.js';

const GOAL_P99_MS = 0.2;
const SECONDS = 3;
const PRINCIPAL = `arn:aws:iam::${ACCOUNT}:user/bob`;
const PEER: Record<string, Decision> = { Allowed: 'Allow', ExplicitlyDenied: 'ExplicitDeny', ImplicitlyDenied: 'ImplicitDeny' };

interface Row {
  engine: string;
  calls: number;
  'p50 µs': number;
  'p99 µs': number;
  'calls/s': number;
}

/** Times `call` on the requests in turn for about `seconds`, after a warm-up, one sample per call. */
function measure(engine: string, requests: AuthorizationRequest[], call: (r: AuthorizationRequest) => unknown, seconds: number): Row {
  for (let i = 0; i < 200; i++) call(requests[i % requests.length]!);
  const samples: number[] = [];
  const started = performance.now();
  const deadline = started + seconds * 1000;
  for (let i = 0; performance.now() < deadline; i++) {
    const request = requests[i % requests.length]!;
    const t = performance.now();
    call(request);
    samples.push(performance.now() - t);
  }
  const elapsed = (performance.now() - started) / 1000;
  samples.sort((a, b) => a - b);
  return { engine, calls: samples.length, 'p50 µs': percentile(samples, 50) * 1000, 'p99 µs': percentile(samples, 99) * 1000, 'calls/s': Math.round(samples.length / elapsed) };
}

export async function authzBenchmark(): Promise<ReadmeRow[]> {
  const documents = benchPolicies();
  const requests = benchRequests();
  console.log(`\nAuthorisation: ${documents.length} attached policies, ${requests.length} kinds of request, per-call latency`);

  const compileStarted = performance.now();
  const input: EvaluationInput = {
    principal: { arn: PRINCIPAL, identityArn: PRINCIPAL, accountId: ACCOUNT },
    identityPolicies: documents.map((d) => compilePolicy(JSON.stringify(d), 'identity')),
  };
  const compileMs = performance.now() - compileStarted;

  const peer = (request: AuthorizationRequest) =>
    runUnsafeSimulation(
      {
        request: { principal: PRINCIPAL, action: request.action, resource: { resource: request.resource, accountId: ACCOUNT }, contextVariables: request.context as Record<string, string | string[]> },
        identityPolicies: documents.map((policy, i) => ({ name: `policy${i}`, policy })),
        serviceControlPolicies: [],
        resourceControlPolicies: [],
      },
      {},
    );

  // Both must decide the same before their speed means anything.
  const disagreements = requests.filter((r) => evaluate(input, r).decision !== PEER[peer(r)]);
  const decisions = requests.map((r) => evaluate(input, r).decision);

  const wharf = measure('wharf (compiled policies)', requests, (r) => evaluate(input, r), SECONDS);
  const other = measure('iam-simulate', requests, peer, SECONDS);
  const rows = [wharf, other];
  table(rows as unknown as Record<string, string | number>[]);
  console.log(`compile 50 policies once: ${compileMs.toFixed(2)} ms; decisions: ${decisions.filter((d) => d === 'Allow').length} allow, ${decisions.filter((d) => d === 'ExplicitDeny').length} explicit deny, ${decisions.filter((d) => d === 'ImplicitDeny').length} implicit deny; disagreements with iam-simulate: ${disagreements.length}`);
  console.log(`p99 ${(wharf['p99 µs'] / 1000).toFixed(4)} ms vs goal ${GOAL_P99_MS} ms: ${(GOAL_P99_MS / (wharf['p99 µs'] / 1000)).toFixed(1)}x under; vs iam-simulate: ${(other['p99 µs'] / wharf['p99 µs']).toFixed(1)}x faster at p99, ${(other['p50 µs'] / wharf['p50 µs']).toFixed(1)}x at p50`);
  return [{
    benchmark: `IAM policy evaluation with ${documents.length} attached policies, p50 / p99`,
    wharf: `${wharf['p50 µs'].toFixed(1)} / ${wharf['p99 µs'].toFixed(1)} µs`,
    peer: `\`@cloud-copilot/iam-simulate\`: p99 ${(other['p99 µs'] / 1000).toFixed(1)} ms${disagreements.length ? ` (disagrees on ${disagreements.length} requests)` : ''}`,
    ratio: `${Math.round(other['p99 µs'] / wharf['p99 µs']).toLocaleString('en-US')}x`,
    goal: `p99 < ${GOAL_P99_MS} ms`,
  }];
}

if (import.meta.url === `file://${process.argv[1]}`) await authzBenchmark();
