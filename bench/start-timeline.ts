// Where a task start's time goes: Wharf's RunTask -> RUNNING beside `docker run -d` of the same image and
// command, interleaved in one run, each start cut into stages at the Docker engine's own `create` and `start`
// events (the daemon's clock is the host's, so its event times and ours line up), and beside any other ECS
// given as a peer (MiniStack), timed the same way. The stages tell which side
// of the engine a difference lies on: before the container exists (API, commit, push to the agent, for
// awsvpc the task's network; for docker, the CLI), Docker's start itself, and after it (the agent's report,
// its commit, and our poll seeing RUNNING).
import Docker from 'dockerode';
import { LABELS } from '../src/agent/container-config.js';
import { dockerRun, percentile, table } from './lib.js';
import { fmt, type ReadmeRow } from './readme-table.js';

/** Epoch milliseconds with a fraction, on the clock Docker's event times use. */
const now = () => performance.timeOrigin + performance.now();

interface EngineEvents {
  created?: number;
  started?: number;
}

/** Docker's container create/start events, by the label value that names the start they belong to. */
class EngineEventLog {
  private readonly byKey = new Map<string, EngineEvents>();
  private stream?: NodeJS.ReadableStream;

  constructor(private readonly keyOf: (labels: Record<string, string>) => string | undefined) {}

  async open(): Promise<void> {
    this.stream = (await new Docker().getEvents({ filters: { type: ['container'], event: ['create', 'start'] } })) as NodeJS.ReadableStream;
    let buffered = '';
    this.stream.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        const event = JSON.parse(line) as { Action: string; timeNano: number; Actor: { Attributes: Record<string, string> } };
        const key = this.keyOf(event.Actor.Attributes);
        if (!key) continue;
        const entry = this.byKey.get(key) ?? {};
        entry[event.Action === 'create' ? 'created' : 'started'] = event.timeNano / 1e6;
        this.byKey.set(key, entry);
      }
    });
  }

  /** The events of one start, once both have arrived. */
  async of(key: string): Promise<Required<EngineEvents>> {
    for (let i = 0; i < 6000; i++) {
      const entry = this.byKey.get(key);
      if (entry?.created && entry.started) return entry as Required<EngineEvents>;
      await new Promise((r) => setTimeout(r, 5));
    }
    throw new Error(`no create/start events from Docker for ${key}`);
  }

  close(): void {
    (this.stream as unknown as { destroy?: () => void })?.destroy?.();
  }
}

export interface StartComparison {
  title: string;
  goal: number;
  runs: number;
  /** The container whose engine events mark a Wharf start (an awsvpc task has a pause container too). */
  containerName: string;
  /** Starts one task; resolves with its ARN once RunTask has answered. */
  runTask(): Promise<string>;
  /** Resolves once DescribeTasks reports the task RUNNING. */
  untilRunning(taskArn: string): Promise<void>;
  /** `docker run -d` arguments before the image (limits matching the task's). */
  dockerArgs: string[];
  image: string;
  command: string[];
  /**
   * Resolves once what Wharf does after a start is done (unmeasured), so that the next start, docker run's,
   * does not pay for it (for awsvpc, the pause containers kept ready are topped up once a task has started).
   */
  settle?(): Promise<void>;
  /** After both starts of a round, unmeasured (e.g. stop the task on a small host). */
  afterRound?(taskArn: string): Promise<void>;
  /** Other ECS implementations started the same way in each round, each its own column. */
  peers?: EcsPeer[];
}

/** Another ECS that starts the same task (its containers carry ECS's task-arn and container-name labels). */
export interface EcsPeer {
  name: string;
  runTask(): Promise<string>;
  untilRunning(taskArn: string): Promise<void>;
  /** Its RunTask answers once the container has started (MiniStack's starts it before answering). */
  answersAfterStart: boolean;
  afterRound?(taskArn: string): Promise<void>;
}

type Stage = [name: string, from: number, to: number];

/** Runs the interleaved comparison and prints each path's stages, totals and the ratio (p50 and p95); returns its README rows. */
export async function compareStarts(c: StartComparison): Promise<ReadmeRow[]> {
  const events = new EngineEventLog((labels) =>
    labels['wharf-bench-start'] ?? (labels[LABELS.containerName] === c.containerName ? labels[LABELS.taskArn] : undefined),
  );
  await events.open();
  const wharfStages: Stage[][] = [];
  const dockerStages: Stage[][] = [];
  const peers = (c.peers ?? []).map((peer) => ({ peer, stages: [] as Stage[][] }));
  try {
    for (let i = 0; i < c.runs + 2; i++) {
      const sent = now();
      const taskArn = await c.runTask();
      const answered = now();
      // Polled only once Docker has started the container (no report can come before): a poll every 5 ms
      // during the start would take CPU from the very start it measures, which docker run's side never pays.
      const wharf = await events.of(taskArn);
      await c.untilRunning(taskArn);
      const running = now();
      await c.settle?.();

      const peerRounds = [];
      for (const { peer, stages } of peers) {
        const sent = now();
        const taskArn = await peer.runTask();
        const answered = now();
        const engine = await events.of(taskArn);
        await peer.untilRunning(taskArn);
        const running = now();
        if (i >= 2)
          stages.push(
            peer.answersAfterStart
              ? [
                  ['-> container created (API, Docker)', sent, engine.created],
                  ['-> started (Docker)', engine.created, engine.started],
                  ['-> RunTask answered', engine.started, answered],
                  ['-> RUNNING seen (poll)', answered, running],
                ]
              : [
                  ['RunTask answered', sent, answered],
                  ['-> container created', answered, engine.created],
                  ['-> started (Docker)', engine.created, engine.started],
                  ['-> RUNNING seen', engine.started, running],
                ],
          );
        peerRounds.push(() => peer.afterRound?.(taskArn));
      }

      const key = `run-${i}`;
      const before = now();
      await dockerRun(['--label', `wharf-bench-start=${key}`, ...c.dockerArgs, c.image, ...c.command]);
      const exited = now();
      const docker = await events.of(key);
      if (i >= 2) {
        // The first two warm both paths up (images, the pause image, connections).
        wharfStages.push([
          ['RunTask answered (API, commit)', sent, answered],
          ['-> container created (push, agent, network)', answered, wharf.created],
          ['-> started (Docker)', wharf.created, wharf.started],
          ['-> RUNNING seen (report, commit, poll)', wharf.started, running],
        ]);
        dockerStages.push([
          ['-> container created (CLI, API)', before, docker.created],
          ['-> started (Docker)', docker.created, docker.started],
          ['-> CLI exits', docker.started, exited],
        ]);
      }
      await c.afterRound?.(taskArn);
      for (const after of peerRounds) await after();
    }
  } finally {
    events.close();
  }
  const total = (stages: Stage[][]) => stages.map((s) => s.at(-1)![2] - s[0]![1]).sort((a, b) => a - b);
  const wharfTotal = total(wharfStages);
  const dockerTotal = total(dockerStages);
  const ratio = (totals: number[], p: number) => `${(percentile(totals, p) / percentile(dockerTotal, p)).toFixed(2)}x`;
  const stageRows = (path: string, stages: Stage[][]) =>
    stages[0]!.map(([name], k) => {
      const ms = stages.map((s) => s[k]![2] - s[k]![1]).sort((a, b) => a - b);
      return { path, stage: name, 'p50 ms': percentile(ms, 50), 'p95 ms': percentile(ms, 95) };
    });
  console.log(`\n${c.title}, ${c.runs} runs each, interleaved`);
  table([
    ...stageRows('wharf', wharfStages),
    { path: 'wharf', stage: 'RunTask -> RUNNING', 'p50 ms': percentile(wharfTotal, 50), 'p95 ms': percentile(wharfTotal, 95) },
    ...peers.flatMap(({ peer, stages }) => [
      ...stageRows(peer.name, stages),
      { path: peer.name, stage: 'RunTask -> RUNNING', 'p50 ms': percentile(total(stages), 50), 'p95 ms': percentile(total(stages), 95) },
    ]),
    ...stageRows('docker', dockerStages),
    { path: 'docker', stage: 'docker run -d', 'p50 ms': percentile(dockerTotal, 50), 'p95 ms': percentile(dockerTotal, 95) },
    { path: 'ratio', stage: `wharf / docker (goal <= ${c.goal.toFixed(1)}x)`, 'p50 ms': ratio(wharfTotal, 50), 'p95 ms': ratio(wharfTotal, 95) },
    ...peers.map(({ peer, stages }) => ({ path: 'ratio', stage: `${peer.name} / docker`, 'p50 ms': ratio(total(stages), 50), 'p95 ms': ratio(total(stages), 95) })),
    ...peers.map(({ peer, stages }) => ({
      path: 'ratio',
      stage: `wharf / ${peer.name} (goal <= 1.0x)`,
      'p50 ms': `${(percentile(wharfTotal, 50) / percentile(total(stages), 50)).toFixed(2)}x`,
      'p95 ms': `${(percentile(wharfTotal, 95) / percentile(total(stages), 95)).toFixed(2)}x`,
    })),
  ]);
  const both = (totals: number[]) => `${fmt.n(percentile(totals, 50))} / ${fmt.n(percentile(totals, 95))} ms`;
  const ratios = (totals: number[], to: number[]) => [50, 95].map((p) => fmt.x(percentile(totals, p) / percentile(to, p))).join(' / ');
  const docker = `\`docker run -d\` (same limits): ${both(dockerTotal)}`;
  return [
    { benchmark: `${c.title}, RunTask -> RUNNING, p50 / p95`, wharf: both(wharfTotal), peer: docker, ratio: ratios(wharfTotal, dockerTotal), goal: `<= ${c.goal.toFixed(1)}x` },
    ...peers.map(({ peer, stages }) => ({
      benchmark: `${c.title} beside ${peer.name}${peer.answersAfterStart ? ' (its RunTask starts the container before answering)' : ''}, same run, p50 / p95`,
      wharf: both(wharfTotal),
      peer: `${peer.name}: ${both(total(stages))} (${docker})`,
      ratio: ratios(wharfTotal, total(stages)),
      goal: '<= 1.0x',
    })),
  ];
}
