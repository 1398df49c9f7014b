// Placement throughput: one-task RunTask-style placements per second over a cluster of 5,000 container
// instances, with binpack(memory), spread(attribute:ecs.availability-zone) and random. Each placement is
// planned and then booked into the snapshot as the control plane does once the task exists; the oldest
// tasks stop as new ones start, so the cluster stays at a steady ~10 tasks per instance.
//
// There is no peer process to run here: the goal (20,000 placements/s) and Nomad's published figure
// (3,750 placements/s) are constants, and the ratios are against them.
import type { TaskDefinition } from '@aws-sdk/client-ecs';
import type { ContainerInstanceRecord } from '../src/core/ecs.js';
import { placeTasks, type PlacementRequest } from '../src/scheduler/placement.js';
import { seeded } from '../src/scheduler/fixtures.test-support.js';
import { registeredResources } from '../src/scheduler/resources.js';
import { ClusterSnapshot } from '../src/scheduler/snapshot.js';
import { table } from './lib.js';
import type { ReadmeRow } from './readme-table.js';

const INSTANCES = 5_000;
const LIVE_TASKS = 50_000;
const SECONDS = 2;
const GOAL = 20_000;
const NOMAD = 3_750;

const CLUSTER = 'arn:aws:ecs:us-east-1:000000000000:cluster/bench';
const ZONES = ['us-east-1a', 'us-east-1b', 'us-east-1c'];

const taskDefinition: TaskDefinition = {
  family: 'web',
  containerDefinitions: [{ name: 'web', image: 'wharf-test/busybox:latest', cpu: 256, memory: 512, portMappings: [{ containerPort: 80, hostPort: 0 }] }],
};

function instances(): ContainerInstanceRecord[] {
  return Array.from({ length: INSTANCES }, (_, i) => {
    const id = i.toString(16).padStart(32, '0');
    return {
      containerInstanceArn: `arn:aws:ecs:us-east-1:000000000000:container-instance/bench/${id}`,
      clusterArn: CLUSTER,
      ec2InstanceId: `i-${id.slice(-17)}`,
      status: 'ACTIVE',
      agentConnected: true,
      registeredResources: registeredResources({ cores: 8, memoryMiB: 15_500 }),
      attributes: [
        { name: 'ecs.availability-zone', value: ZONES[i % ZONES.length] },
        { name: 'ecs.instance-type', value: 'c5.2xlarge' },
      ],
      tags: [],
      version: 1,
    };
  });
}

interface Row {
  strategy: string;
  'placements/s': number;
  'vs goal 20,000/s': string;
  'vs Nomad 3,750/s': string;
}

function measure(name: string, strategy: PlacementRequest['placementStrategy']): Row {
  const snapshot = ClusterSnapshot.of(instances());
  const request: PlacementRequest = { taskDefinition, placementStrategy: strategy, random: seeded(42) };
  // A ring of the live tasks' ARNs: the oldest is stopped when a new one would overflow it.
  const live: string[] = new Array(LIVE_TASKS);
  let placed = 0;
  const placeOne = () => {
    const plan = placeTasks(snapshot, request);
    const instance = plan.placements[0];
    if (!instance) throw new Error(`placement failed: ${JSON.stringify(plan.failures.slice(0, 3))}`);
    const taskArn = `${CLUSTER.replace(':cluster/', ':task/')}/${++placed}`;
    snapshot.putTask({ taskArn, containerInstanceArn: instance.containerInstanceArn, group: plan.group, lastStatus: 'PENDING', desiredStatus: 'RUNNING' }, plan.requirement);
    const oldest = live[placed % LIVE_TASKS];
    if (oldest !== undefined) snapshot.removeTask(oldest);
    live[placed % LIVE_TASKS] = taskArn;
  };
  // Warm up (the JIT, and the cluster to its steady state) before timing.
  for (let i = 0; i < LIVE_TASKS; i++) placeOne();
  let count = 0;
  const started = performance.now();
  const deadline = started + SECONDS * 1000;
  while (performance.now() < deadline) {
    for (let i = 0; i < 100; i++) placeOne();
    count += 100;
  }
  const perSecond = count / ((performance.now() - started) / 1000);
  return {
    strategy: name,
    'placements/s': Math.round(perSecond),
    'vs goal 20,000/s': `${(perSecond / GOAL).toFixed(2)}x`,
    'vs Nomad 3,750/s': `${(perSecond / NOMAD).toFixed(2)}x`,
  };
}

export async function placementBenchmark(): Promise<ReadmeRow[]> {
  console.log(`\nPlacement: one-task RunTask placements over ${INSTANCES.toLocaleString('en-US')} container instances (plan + book), ~${LIVE_TASKS.toLocaleString('en-US')} tasks live`);
  const rows = [
    measure('binpack(memory)', [{ type: 'binpack', field: 'memory' }]),
    measure('spread(attribute:ecs.availability-zone)', [{ type: 'spread', field: 'attribute:ecs.availability-zone' }]),
    measure('random', [{ type: 'random' }]),
  ];
  table(rows as unknown as Record<string, string | number>[]);
  const each = (f: (perSecond: number) => string) => rows.map((r) => f(r['placements/s'])).join(' / ');
  return [{
    benchmark: `placement over ${INSTANCES.toLocaleString('en-US')} instances, binpack / spread / random`,
    wharf: `${each((n) => `${Math.round(n / 1000)}k`)} per s`,
    peer: `Nomad's published ${NOMAD.toLocaleString('en-US')}/s`,
    ratio: each((n) => `${Math.round(n / NOMAD)}x`),
    goal: `${GOAL.toLocaleString('en-US')}/s`,
  }];
}

if (import.meta.url === `file://${process.argv[1]}`) await placementBenchmark();
