// Authorisation's cost, two ways, in one run:
// - the step alone, in process: the authorizer deciding DescribeTasks/RunTask for a user holding 50
//   policies (10 attached and 3 inline of its own, 37 more through 4 groups: AWS managed and customer
//   policies with conditions); goal p99 < 0.2 ms per call;
// - over the wire: wrk replaying one signed ListTasks and DescribeClusters as that user against `wharf up`
//   with policies enforced and against `wharf up --auth permissive`, in interleaved rounds
//   (WHARF_BENCH_ROUNDS, 5 by default); goal >= 0.9x permissive's throughput, as the median of the
//   rounds' ratios.
import { CreateClusterCommand } from '@aws-sdk/client-ecs';
import {
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  CreateUserCommand,
  IAMClient,
  PutGroupPolicyCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import type { CallContext } from '../src/core/caller.js';
import type { IamGroupRecord, IamPolicyRecord, IamUserRecord } from '../src/core/iam.js';
import { bindServices } from '../src/api/services.js';
import { authorization } from '../src/control/authorization/authorizer.js';
import { fixture } from '../src/control/ecs/fixtures.js';
import { AWS_MANAGED_POLICIES } from '../src/control/iam/managed-policies.js';
import { wrk } from './api.js';
import { percentile, table } from './lib.js';
import { fmt, type ReadmeRow } from './readme-table.js';
import { startWharf, type WharfProcess } from '../test/wharf-process.js';

const ACCOUNT = '123456789012';
const MANAGED = ['ReadOnlyAccess', 'AmazonECS_FullAccess', 'AmazonEC2ContainerServiceforEC2Role', 'AmazonECSTaskExecutionRolePolicy', 'IAMReadOnlyAccess']
  .map((name) => `arn:aws:iam::aws:policy/${name}`)
  .filter((arn) => AWS_MANAGED_POLICIES.has(arn));

/** Customer policy `i`: an allow scoped by cluster, tag and source address, or a deny elsewhere. */
function customerPolicy(i: number): string {
  const statements = [
    {
      Sid: `Cluster${i}`,
      Effect: 'Allow',
      Action: ['ecs:Describe*', 'ecs:List*', `ecs:RunTask`],
      Resource: '*',
      Condition: { ArnEquals: { 'ecs:cluster': `arn:aws:ecs:*:${ACCOUNT}:cluster/team-${i}` }, IpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '127.0.0.0/8'] } },
    },
    { Sid: `Tagged${i}`, Effect: 'Allow', Action: 'ecs:StopTask', Resource: `arn:aws:ecs:*:${ACCOUNT}:task/*`, Condition: { StringEquals: { 'aws:ResourceTag/team': `team-${i}` } } },
    { Sid: `Deny${i}`, Effect: 'Deny', Action: ['iam:*', 's3:Delete*'], Resource: `arn:aws:iam::${ACCOUNT}:role/admin-${i}*` },
  ];
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

// The user: 10 attached (AWS managed first) and 3 inline (IAM's 2048-character quota for a user's inline
// policies); 4 groups of 9 attached and 1 inline each, the first without the managed ones the user has.
const LAYOUT = { userAttached: 10, inline: 3, groups: 4, groupAttached: 9 };
const POLICY_COUNT = LAYOUT.userAttached + LAYOUT.inline + LAYOUT.groups * (LAYOUT.groupAttached + 1) - MANAGED.length;

/** The in-process figure: p50/p99 of the authorisation step for one user with 50 policies. */
async function stepAlone() {
  const { ctx, call } = await fixture();
  const customer: IamPolicyRecord[] = [];
  const policyArns: string[] = [];
  let n = 0;
  const newPolicy = () => {
    const arn = `arn:aws:iam::${ACCOUNT}:policy/bench-${n}`;
    const text = customerPolicy(n++);
    const date = new Date(0);
    customer.push({ PolicyName: `bench-${n}`, PolicyId: `ANPA${n}`, Arn: arn, Path: '/', CreateDate: date, UpdateDate: date, DefaultVersionId: 'v1', versions: [{ VersionId: 'v1', Document: text, CreateDate: date }], nextVersion: 2, Tags: [] });
    return arn;
  };
  const userAttached = [...MANAGED, ...Array.from({ length: LAYOUT.userAttached - MANAGED.length }, newPolicy)];
  policyArns.push(...userAttached);
  const groups: IamGroupRecord[] = Array.from({ length: LAYOUT.groups }, (_, g) => ({
    GroupName: `g${g}`, GroupId: `AGPA${g}`, Arn: `arn:aws:iam::${ACCOUNT}:group/g${g}`, Path: '/', CreateDate: new Date(0),
    inlinePolicies: { inline: customerPolicy(200 + g) },
    attachedPolicies: Array.from({ length: g === 0 ? LAYOUT.groupAttached - MANAGED.length : LAYOUT.groupAttached }, newPolicy),
    members: ['bench'],
  }));
  const user: IamUserRecord = {
    UserName: 'bench', UserId: 'AIDABENCH', Arn: `arn:aws:iam::${ACCOUNT}:user/bench`, Path: '/', CreateDate: new Date(0), Tags: [{ Key: 'team', Value: 'team-3' }],
    inlinePolicies: Object.fromEntries(Array.from({ length: LAYOUT.inline }, (_, i) => [`inline-${i}`, customerPolicy(100 + i)])),
    attachedPolicies: userAttached,
  };
  await ctx.state.mutate((tx) => {
    for (const policy of customer) tx.put('iamPolicy', policy.Arn, policy);
    for (const group of groups) tx.put('iamGroup', group.GroupName, group);
    tx.put('iamUser', user.UserName, user);
  });
  const { authorize } = authorization(ctx, bindServices(ctx).rules);
  const userCall: CallContext = {
    ...call,
    sourceIp: '127.0.0.1',
    secureTransport: false,
    caller: { accessKeyId: 'AKIABENCH', accountId: ACCOUNT, arn: user.Arn, type: 'user', userId: user.UserId, identityArn: user.Arn },
  };
  const calls = [
    { operation: 'DescribeTasks', input: { cluster: 'team-3', tasks: ['0123456789abcdef0123456789abcdef'] } },
    { operation: 'ListTasks', input: { cluster: 'team-7' } },
    { operation: 'RunTask', input: { cluster: 'team-3', taskDefinition: 'web:1' } },
    { operation: 'DeleteCluster', input: { cluster: 'team-9' } },
  ];
  const timings: number[] = [];
  for (let round = 0; round < 20_000; round++) {
    const { operation, input } = calls[round % calls.length]!;
    const started = performance.now();
    try {
      authorize({ service: 'ecs', protocol: 'json', operation, input, call: userCall });
    } catch {
      // A denial costs the same decision; DeleteCluster is denied by design.
    }
    if (round >= 2_000) timings.push(performance.now() - started); // the first rounds warm caches and the JIT
  }
  timings.sort((a, b) => a - b);
  return { policies: POLICY_COUNT, p50: percentile(timings, 50), p99: percentile(timings, 99) };
}

/** A user of `wharf` with the same 50 policies, made through the IAM API; its access key. */
export async function benchUser(wharf: WharfProcess) {
  const iam = new IAMClient({ endpoint: wharf.endpoint, region: 'us-east-1', credentials: wharf.credentials, maxAttempts: 1 });
  await iam.send(new CreateUserCommand({ UserName: 'bench', Tags: [{ Key: 'team', Value: 'team-3' }] }));
  let n = 0;
  const newPolicy = async () => (await iam.send(new CreatePolicyCommand({ PolicyName: `bench-${n}`, PolicyDocument: customerPolicy(n++) }))).Policy!.Arn!;
  for (const arn of MANAGED) await iam.send(new AttachUserPolicyCommand({ UserName: 'bench', PolicyArn: arn }));
  for (let i = MANAGED.length; i < LAYOUT.userAttached; i++) await iam.send(new AttachUserPolicyCommand({ UserName: 'bench', PolicyArn: await newPolicy() }));
  for (let i = 0; i < LAYOUT.inline; i++) await iam.send(new PutUserPolicyCommand({ UserName: 'bench', PolicyName: `inline-${i}`, PolicyDocument: customerPolicy(100 + i) }));
  for (let g = 0; g < LAYOUT.groups; g++) {
    await iam.send(new CreateGroupCommand({ GroupName: `g${g}` }));
    await iam.send(new AddUserToGroupCommand({ GroupName: `g${g}`, UserName: 'bench' }));
    await iam.send(new PutGroupPolicyCommand({ GroupName: `g${g}`, PolicyName: 'inline', PolicyDocument: customerPolicy(200 + g) }));
    for (let i = g === 0 ? MANAGED.length : 0; i < LAYOUT.groupAttached; i++) await iam.send(new AttachGroupPolicyCommand({ GroupName: `g${g}`, PolicyArn: await newPolicy() }));
  }
  const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: 'bench' }));
  return { accessKeyId: AccessKey!.AccessKeyId!, secretAccessKey: AccessKey!.SecretAccessKey! };
}

// The calls the user may make, replayed by wrk.
const CALLS = { ListTasks: { cluster: 'team-3' }, DescribeClusters: { clusters: ['team-3'] } };
// Both servers run side by side and are measured in alternation, ROUNDS times, the one measured first
// alternating too, so that other load on the machine (and its drift) weighs on both alike. Each round's
// ratio compares two runs a few seconds apart; the median of those ratios is the figure.
const ROUNDS = Number(process.env.WHARF_BENCH_ROUNDS ?? 5);
const MODES = ['enforced', 'permissive'] as const;
type Mode = (typeof MODES)[number];
type Run = Awaited<ReturnType<typeof wrk>>;

const median = (values: number[]) => percentile([...values].sort((a, b) => a - b), 50);

async function overTheWire() {
  const servers: Record<Mode, WharfProcess> = {
    enforced: await startWharf({ env: { WHARF_LOG_LEVEL: 'info' } }),
    permissive: await startWharf({ args: ['--auth', 'permissive'], env: { WHARF_LOG_LEVEL: 'info' } }),
  };
  try {
    const users = {} as Record<Mode, Awaited<ReturnType<typeof benchUser>>>;
    for (const mode of MODES) {
      await servers[mode].ecs().send(new CreateClusterCommand({ clusterName: 'team-3' }));
      users[mode] = await benchUser(servers[mode]);
    }
    const runs: Record<string, Record<Mode, Run[]>> = {};
    for (let round = 0; round < ROUNDS; round++) {
      for (const [op, input] of Object.entries(CALLS)) {
        runs[op] ??= { enforced: [], permissive: [] };
        for (const mode of round % 2 === 0 ? MODES : [...MODES].reverse()) {
          runs[op][mode].push(await wrk(`${servers[mode].endpoint}/`, users[mode], op, JSON.stringify(input)));
        }
      }
    }
    return runs;
  } finally {
    await Promise.all(Object.values(servers).map((wharf) => wharf.stop()));
  }
}

export async function authzThroughputBenchmark(): Promise<ReadmeRow[]> {
  const alone = await stepAlone();
  console.log(`\nThe authorisation step alone, ${alone.policies} policies (ecs:DescribeTasks, ListTasks, RunTask, DeleteCluster)`);
  table([{ 'p50 ms': Number(alone.p50.toFixed(4)), 'p99 ms (goal < 0.2)': Number(alone.p99.toFixed(4)) }]);

  const runs = await overTheWire();
  console.log(`\nSigned API throughput as a user with ${POLICY_COUNT} policies, wrk concurrency 16, ${ROUNDS} interleaved rounds: enforced vs --auth permissive`);
  table(
    Object.entries(runs).map(([op, { enforced, permissive }]) => {
      const rate = (mode: Run[]) => mode.map((run) => run.perSecond);
      const ratios = enforced.map((run, i) => run.perSecond / permissive[i]!.perSecond);
      return {
        operation: op,
        'enforced req/s min/median': `${Math.round(Math.min(...rate(enforced)))}/${Math.round(median(rate(enforced)))}`,
        'enforced p99 ms': median(enforced.map((run) => run.p99)),
        'permissive req/s min/median': `${Math.round(Math.min(...rate(permissive)))}/${Math.round(median(rate(permissive)))}`,
        'permissive p99 ms': median(permissive.map((run) => run.p99)),
        'ratio min/median (goal >= 0.9x)': `${Math.min(...ratios).toFixed(2)}x/${median(ratios).toFixed(2)}x`,
        failures: `${enforced.reduce((n, run) => n + run.non2xx, 0)}/${permissive.reduce((n, run) => n + run.non2xx, 0)}`,
      };
    }),
  );
  const each = (f: (op: string, modes: Record<Mode, Run[]>) => string) => Object.entries(runs).map(([op, modes]) => `${op} ${f(op, modes)}`).join(', ');
  const ratios = (modes: Record<Mode, Run[]>) => modes.enforced.map((run, i) => run.perSecond / modes.permissive[i]!.perSecond);
  return [
    { benchmark: `authorisation step per call, ${alone.policies} policies, with its caches, p50 / p99`, wharf: `${alone.p50.toFixed(3)} / ${alone.p99.toFixed(3)} ms`, peer: '', ratio: '', goal: 'p99 < 0.2 ms' },
    {
      benchmark: `signed API throughput, policies enforced vs \`--auth permissive\` (wrk, ${ROUNDS} interleaved rounds, medians)`,
      wharf: each((_, modes) => `${fmt.n(median(modes.enforced.map((run) => run.perSecond)))} req/s`),
      peer: `permissive: ${each((_, modes) => `${fmt.n(median(modes.permissive.map((run) => run.perSecond)))} req/s`)}`,
      ratio: each((_, modes) => `${fmt.x(median(ratios(modes)))} (min ${fmt.x(Math.min(...ratios(modes)))})`),
      goal: '>= 0.9x',
    },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) await authzThroughputBenchmark();
