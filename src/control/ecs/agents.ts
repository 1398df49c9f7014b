// The agent channel, server side (ECS's ACS). The gateway authenticates an agent's WebSocket and hands it
// here; from then on the channel pushes that instance's assignment (whole at connect, then what changed
// whenever something does), keeps `agentConnected` true while the agent is heard from, and hears the agent's health
// reports. An agent that missed the heartbeat windows of the heartbeat timeout in a row is lost
// (core/heartbeat.ts: the control plane's own lag is no agent's silence): its socket is dropped and its
// instance marked disconnected; tasks stopped there before they ever started are then stopped here.
// Who may hold an instance's channel is decided before the upgrade (admit) and again whenever IAM changes:
// an agent on its instance profile's session only its own instance's, and any caller only while policy
// lets it `ecs:Poll` that instance (AmazonEC2ContainerServiceforEC2Role does).
import type { RawData, WebSocket } from 'ws';
import type { CallContext } from '../../core/caller.js';
import {
  CLOSE_DEREGISTERED,
  CLOSE_GOING_AWAY,
  CLOSE_REPLACED,
  CLOSE_UNKNOWN_INSTANCE,
  type AgentMessage,
  type ContainerHealth,
} from '../../core/agent-protocol.js';
import { taskHost, type ContainerInstanceRecord, type TaskRecord } from '../../core/ecs.js';
import { HeartbeatWindows } from '../../core/heartbeat.js';
import { applyHealth, applyTaskReport, neverStarted } from '../../core/task-lifecycle.js';
import { AssignmentFeed, changesAssignment } from './assignments.js';
import { ContainerMetrics } from './container-metrics.js';
import { ServiceConnectMetrics } from './service-connect-metrics.js';
import type { Permit } from '../authorization/authorizer.js';
import type { TaskCredentials } from './task-credentials.js';
import type { ControlContext } from '../context.js';
import { notOwnInstance, speaksFor } from './instance-binding.js';
import { tasksByHost } from './indexes.js';
import { clusterArnOf, findContainerInstance } from './lookups.js';
import { every } from '../runner.js';
import type { Change, State, Transaction } from '../state.js';

/** The query of the agent channel's URL: `/_wharf/agent?cluster=<arn>&containerInstance=<arn>[&managedCapacity=true]`. */
export interface AgentParams {
  cluster: string;
  containerInstance: string;
  /** The agent offers its host as Wharf-managed capacity: Fargate tasks may be placed on it. */
  managedCapacity?: boolean;
}

export interface AgentChannelOptions {
  /** The shortest silence after which an agent is lost, in sweeps missed in a row (rounded up); agents ping every ~10 s. */
  heartbeatTimeoutMs: number;
  /** How often lost agents are looked for and records brought in line with the live connections: the heartbeat window. */
  sweepIntervalMs: number;
  /**
   * How often each agent is sent its whole assignment again, at a sweep (agents that fell due together are
   * spread over the sweeps that follow): what changed is pushed as it changes, and this bounds how long
   * anything a push did not bring about can last (level-based).
   */
  resyncMs: number;
}

/** RFC 6455's "policy violation": the channel's identity may no longer hold it. The agent reconnects, and is refused if still denied. */
const CLOSE_POLICY_VIOLATION = 1008;

interface Agent {
  socket: WebSocket;
  containerInstanceArn: string;
  /** The authenticated upgrade the channel was opened with: what admission is checked against again. */
  call?: CallContext;
  /** Whether the agent was heard from in each sweep's window. */
  heartbeats: HeartbeatWindows;
  /** The messages this connection is sent: the whole assignment, then what changed. */
  feed: AssignmentFeed;
  /** When it was last sent its whole assignment (epoch ms, by ctx.clock). */
  wholeAt: number;
}

/** What must change for the records to match the live agent connections. */
export interface AgentSweepPlan {
  /** Instances whose `agentConnected` must become true. */
  connect: string[];
  /** Instances whose `agentConnected` must become false. */
  disconnect: string[];
  /** Tasks to stop here: desired STOPPED and never started, on an instance whose agent is gone. */
  stop: string[];
}

/**
 * Decides, from the state and the instances whose agents are connected, what the sweep must change: for
 * every instance, or only `instances` (those whose connection just opened or closed).
 */
export function planAgentSweep(state: Pick<State, 'all' | 'get' | 'where'>, live: ReadonlySet<string>, instances?: readonly string[]): AgentSweepPlan {
  const plan: AgentSweepPlan = { connect: [], disconnect: [], stop: [] };
  const records = instances ? instances.flatMap((arn) => state.get('containerInstance', arn) ?? []) : state.all('containerInstance');
  for (const instance of records) {
    const isLive = live.has(instance.containerInstanceArn);
    if (isLive !== instance.agentConnected) (isLive ? plan.connect : plan.disconnect).push(instance.containerInstanceArn);
  }
  for (const task of instances ? instances.flatMap((arn) => state.where(tasksByHost, arn)) : state.all('task')) {
    const host = taskHost(task);
    const orphaned = host !== undefined && !live.has(host);
    if (orphaned && task.desiredStatus === 'STOPPED' && task.lastStatus !== 'STOPPED' && neverStarted(task)) {
      plan.stop.push(task.taskArn);
    }
  }
  return plan;
}

export class AgentChannel {
  private readonly agents = new Map<string, Agent>();
  /** Instances whose assignment changed since the last pushes, with the tasks that changed it (see pushSoon). */
  private readonly unpushed = new Map<string, Set<string> | 'all'>();
  private readonly unsubscribe: () => void;
  /** Agents' container stats, published to CloudWatch (AWS/ECS, Container Insights). */
  private readonly metrics: ContainerMetrics;
  private readonly serviceConnectMetrics: ServiceConnectMetrics;
  private closed = false;

  constructor(
    private readonly ctx: ControlContext,
    // A minute of sweep windows missed in a row, as ECS's agent gives ACS a minute of heartbeats: agents ping
    // every ~10 s, and one alive on a starved host (its pings late, not gone) is not dropped with its tasks.
    private readonly options: AgentChannelOptions = { heartbeatTimeoutMs: 60_000, sweepIntervalMs: 5_000, resyncMs: 60_000 },
    /** Asks policy whether a caller may `ecs:Poll` an instance; absent, policies are not enforced (--auth permissive). */
    private readonly permit?: Permit,
    /** Task roles' credentials, pushed with the assignments (again whenever they are issued or renewed). */
    private readonly credentials?: Pick<TaskCredentials, 'of' | 'onIssued'>,
  ) {
    this.metrics = new ContainerMetrics(ctx);
    this.serviceConnectMetrics = new ServiceConnectMetrics(ctx);
    const unsubscribe = ctx.state.subscribe((changes) => this.onChanges(changes));
    const unheard = credentials?.onIssued((taskArn) => {
      const task = ctx.state.get('task', taskArn);
      const host = task && taskHost(task);
      if (host && this.agents.has(host)) this.pushSoon(host, [taskArn]);
    });
    this.unsubscribe = () => {
      unsubscribe();
      unheard?.();
    };
  }

  /**
   * Refuses, before the WebSocket upgrade, a caller that may not hold the channel of the instance it names
   * (throws AccessDeniedException). An unknown instance passes: attach closes it as unknown, for good.
   */
  admit(call: CallContext, params: AgentParams): void {
    const instance = this.instanceOf(params);
    if (instance) this.check(call, instance);
  }

  /** Takes over an authenticated agent connection: pushes the instance's assignment at once, marks it connected. */
  async attach(socket: WebSocket, params: AgentParams, call?: CallContext): Promise<void> {
    if (this.closed) return socket.close(CLOSE_GOING_AWAY, 'control plane shutting down');
    const instance = this.instanceOf(params);
    if (!instance) return socket.close(CLOSE_UNKNOWN_INSTANCE, 'container instance not found');
    const refusal = call && this.refusal(call, instance);
    if (refusal) return socket.close(CLOSE_POLICY_VIOLATION, refusal);
    const arn = instance.containerInstanceArn;
    const { fileSystems, hostId, nfs } = this.ctx;
    const efs = fileSystems && { storage: fileSystems, hostId, ...(nfs && { nfs: nfs.endpoint }) };
    const feed = new AssignmentFeed({ state: this.ctx.state, credentials: this.credentials, efs }, arn);
    const { heartbeatTimeoutMs, sweepIntervalMs } = this.options;
    const heartbeats = new HeartbeatWindows(sweepIntervalMs, Math.ceil(heartbeatTimeoutMs / sweepIntervalMs), this.now());
    const agent: Agent = { socket, containerInstanceArn: arn, heartbeats, feed, wholeAt: this.now(), ...(call && { call }) };
    const previous = this.agents.get(arn);
    this.agents.set(arn, agent);
    previous?.socket.close(CLOSE_REPLACED, 'replaced by a newer connection');

    const heard = () => heartbeats.heard();
    socket.on('ping', heard);
    socket.on('pong', heard);
    socket.on('message', (data) => {
      heard();
      this.receive(agent, data);
    });
    socket.on('error', (err) => this.ctx.log.warn('agent socket error', { containerInstanceArn: arn, err: err.message }));
    socket.on('close', () => {
      if (this.agents.get(arn) !== agent) return; // replaced or already lost
      this.agents.delete(arn);
      this.ctx.log.info('agent disconnected', { containerInstanceArn: arn });
      this.reconcileInBackground(arn);
    });

    this.push(agent, 'all');
    this.ctx.log.info('agent connected', { containerInstanceArn: arn, managedCapacity: params.managedCapacity === true });
    await this.reconcile(arn);
    await this.offerCapacity(arn, params.managedCapacity === true);
  }

  /** Records whether the instance's agent serves managed capacity, as its latest connection says. */
  private async offerCapacity(arn: string, managedCapacity: boolean): Promise<void> {
    await this.ctx.state.mutate((tx) => {
      const instance = tx.get('containerInstance', arn);
      if (!instance || (instance.managedCapacity ?? false) === managedCapacity) return;
      const { managedCapacity: _, ...rest } = instance;
      tx.put('containerInstance', arn, { ...rest, version: instance.version + 1, ...(managedCapacity && { managedCapacity }) });
    });
  }

  /** The channel's loop: drops lost agents and reconciles records until `signal` aborts, then closes every connection. */
  async run(signal: AbortSignal): Promise<void> {
    await Promise.all([every(this.ctx, 'agent channel', this.options.sweepIntervalMs, signal, () => this.sweep()), this.metrics.run(signal)]);
    this.closed = true;
    this.unsubscribe();
    for (const agent of this.agents.values()) agent.socket.close(CLOSE_GOING_AWAY, 'control plane shutting down');
    this.agents.clear();
  }

  /** One pass of the loop (public so tests drive it with their own clock). */
  async sweep(): Promise<void> {
    // Agents are judged after this turn's I/O is read: timers run before it, so after the event loop was busy
    // the pings waiting unread would not yet count for the window they arrived in.
    await new Promise((resolve) => setImmediate(resolve));
    const now = this.now();
    for (const [arn, agent] of this.agents) {
      if (!agent.heartbeats.look(now)) continue;
      this.ctx.log.warn('agent lost', { containerInstanceArn: arn, silentWindows: agent.heartbeats.silentWindows, windowMs: this.options.sweepIntervalMs });
      this.agents.delete(arn);
      agent.socket.terminate();
    }
    // Agents that connected together (a fleet starting, every agent back after a restart) fall due together:
    // each sweep resends the longest-waiting of them, a sweep's share of all, so that no sweep encodes and
    // sends every assignment at once.
    const { resyncMs, sweepIntervalMs } = this.options;
    const due = [...this.agents.values()]
      .filter((a) => now - a.wholeAt >= resyncMs && a.socket.readyState === a.socket.OPEN)
      .sort((a, b) => a.wholeAt - b.wholeAt)
      .slice(0, Math.ceil((this.agents.size * sweepIntervalMs) / resyncMs));
    for (const agent of due) {
      agent.wholeAt = now;
      agent.socket.send(agent.feed.whole());
    }
    await this.reconcile();
  }

  private now(): number {
    return this.ctx.clock.now().getTime();
  }

  /** Throws the AccessDeniedException that keeps `call` from `instance`'s channel, if any. */
  private check(call: CallContext, instance: ContainerInstanceRecord): void {
    if (!speaksFor(call, instance)) throw notOwnInstance(call, 'ecs:Poll', instance.containerInstanceArn);
    this.permit?.(call, 'ecs:Poll', instance.containerInstanceArn, { 'ecs:cluster': instance.clusterArn });
  }

  /** Why `call` may not hold `instance`'s channel (the denial as a close reason), or undefined when it may. */
  private refusal(call: CallContext, instance: ContainerInstanceRecord): string | undefined {
    try {
      this.check(call, instance);
      return undefined;
    } catch (err) {
      // A close reason is at most 123 bytes.
      return `${(err as Error).name}: ${(err as Error).message}`.slice(0, 120);
    }
  }

  /** Closes the channels whose identity may no longer poll their instance (its role lost ecs:Poll, say). */
  private recheck(): void {
    for (const agent of this.agents.values()) {
      const instance = this.ctx.state.get('containerInstance', agent.containerInstanceArn);
      const refusal = agent.call && instance && this.refusal(agent.call, instance);
      if (!refusal) continue;
      this.ctx.log.warn('agent channel no longer authorized', { containerInstanceArn: agent.containerInstanceArn, caller: agent.call!.caller.arn, refusal });
      agent.socket.close(CLOSE_POLICY_VIOLATION, refusal);
    }
  }

  private instanceOf(params: AgentParams): ContainerInstanceRecord | undefined {
    const cluster = this.ctx.state.get('cluster', clusterArnOf(this.ctx, params.cluster));
    const instance = cluster && findContainerInstance(this.ctx, cluster, params.containerInstance);
    return instance && instance.status !== 'INACTIVE' ? instance : undefined;
  }

  /** Sends the agent what changed among `taskArns` (every task: 'all'), or its whole assignment on a new connection. */
  private push(agent: Agent, taskArns: ReadonlySet<string> | 'all'): void {
    if (agent.socket.readyState !== agent.socket.OPEN) return;
    const message = agent.feed.next(taskArns);
    if (message !== undefined) agent.socket.send(message);
  }

  /**
   * Pushes to `arn`'s agent once the code now running is done (a microtask, so before any I/O): the
   * mutations of one group commit are heard one by one, and an instance they all touch gets one push of
   * what they changed rather than one each.
   */
  private pushSoon(arn: string, taskArns: Iterable<string> | 'all'): void {
    if (this.unpushed.size === 0)
      queueMicrotask(() => {
        const pending = [...this.unpushed];
        this.unpushed.clear();
        for (const [each, tasks] of pending) {
          const agent = this.agents.get(each);
          if (agent) this.push(agent, tasks);
        }
      });
    const pending = this.unpushed.get(arn);
    if (taskArns === 'all' || pending === 'all') this.unpushed.set(arn, 'all');
    else if (pending) for (const t of taskArns) pending.add(t);
    else this.unpushed.set(arn, new Set(taskArns));
  }

  /** Pushes, as state commits, to every instance whose assignment a change may have changed. */
  private onChanges(changes: Change[]): void {
    // Instances with the tasks whose assignment may have changed there ('all': any of them).
    const touched = new Map<string, Set<string> | 'all'>();
    let iamChanged = false;
    for (const change of changes) {
      if (change.kind.startsWith('iam')) iamChanged = true;
      else if (change.kind === 'task') {
        const { before, after } = change as Change<'task'>;
        if (!changesAssignment(before, after)) continue;
        for (const t of [before, after]) {
          const host = t && taskHost(t);
          const tasks = host && touched.get(host);
          if (!host || tasks === 'all') continue;
          if (tasks) tasks.add(change.id);
          else touched.set(host, new Set([change.id]));
        }
      } else if (change.kind === 'securityGroup' || change.kind === 'networkInterface' || change.kind === 'sdInstance') {
        // awsvpc tasks carry the ingress their security groups allow, sources resolved to the interfaces in them;
        // Service Connect tasks carry their endpoints, Cloud Map's instances.
        for (const arn of this.agents.keys()) touched.set(arn, 'all');
      } else if (change.kind === 'containerInstance') {
        const after = change.after as ContainerInstanceRecord | undefined;
        if (!after || after.status === 'INACTIVE') this.agents.get(change.id)?.socket.close(CLOSE_DEREGISTERED, 'container instance deregistered');
      }
    }
    for (const [arn, tasks] of touched) if (this.agents.has(arn)) this.pushSoon(arn, tasks);
    if (iamChanged && this.permit) this.recheck();
  }

  private receive(agent: Agent, data: RawData): void {
    let message: AgentMessage;
    try {
      message = JSON.parse(String(data)) as AgentMessage;
    } catch {
      this.ctx.log.warn('agent message unreadable', { containerInstanceArn: agent.containerInstanceArn });
      return;
    }
    if (message.type === 'health') {
      this.recordHealth(agent, message.health).catch((err: Error) =>
        this.ctx.log.error('agent health not recorded', { containerInstanceArn: agent.containerInstanceArn, err: err.message }),
      );
    } else if (message.type === 'stats') {
      this.metrics.record(agent.containerInstanceArn, message.stats);
    } else if (message.type === 'serviceConnectStats') {
      this.serviceConnectMetrics.record(agent.containerInstanceArn, message.stats);
    } else {
      this.ctx.log.warn('agent message unknown', { containerInstanceArn: agent.containerInstanceArn, type: (message as { type?: unknown }).type });
    }
  }

  private async recordHealth(agent: Agent, health: ContainerHealth[]): Promise<void> {
    await this.ctx.state.mutate((tx) => {
      const now = this.ctx.clock.now();
      for (const h of health) {
        const task = tx.get('task', h.taskArn);
        // An agent speaks only for the tasks on its own instance.
        if (!task || taskHost(task) !== agent.containerInstanceArn) continue;
        putIfChanged(tx, task, applyHealth(task, h.containerName, h.healthStatus, now));
      }
    });
  }

  private reconcileInBackground(instance: string): void {
    this.reconcile(instance).catch((err: Error) => this.ctx.log.error('agent records not reconciled', { err: err.message }));
  }

  /**
   * Brings `agentConnected` and orphaned tasks in line with the live connections, in one mutation: every
   * instance's, or only `instance`'s (its connection opened or closed; the sweep looks at all of them).
   */
  private async reconcile(instance?: string): Promise<void> {
    if (this.closed) return;
    await this.ctx.state.mutate((tx) => {
      const plan = planAgentSweep(this.ctx.state, new Set(this.agents.keys()), instance === undefined ? undefined : [instance]);
      const now = this.ctx.clock.now();
      for (const arn of plan.connect) setAgentConnected(tx, arn, true, now);
      for (const arn of plan.disconnect) setAgentConnected(tx, arn, false, now);
      for (const arn of plan.stop) {
        const task = tx.get('task', arn)!;
        putIfChanged(tx, task, applyTaskReport(task, { status: 'STOPPED' }, now));
        this.ctx.log.info('task stopped without its agent', { taskArn: arn, containerInstanceArn: task.containerInstanceArn });
      }
    });
  }
}

function setAgentConnected(tx: Transaction, arn: string, agentConnected: boolean, now: Date): void {
  const instance = tx.get('containerInstance', arn);
  if (!instance) return;
  // When the agent went away: the service scheduler replaces the tasks of an instance lost for long enough.
  const { agentDisconnectedAt: _, ...rest } = instance;
  tx.put('containerInstance', arn, { ...rest, agentConnected, version: instance.version + 1, ...(!agentConnected && { agentDisconnectedAt: now }) });
}

function putIfChanged(tx: Transaction, before: TaskRecord, after: TaskRecord): void {
  if (after !== before) tx.put('task', after.taskArn, after);
}
