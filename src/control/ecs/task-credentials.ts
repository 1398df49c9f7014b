// Task roles' credentials, issued by the control plane and pushed to the agent with the task's assignment,
// as ECS's ACS pushes them with its payload. For every task not yet STOPPED whose definition (overrides
// applied) names a `taskRoleArn` or `executionRoleArn`, STS assumes the role for `ecs-tasks.amazonaws.com`
// with the task's id as the session name and the session bound to the task (so it is refused once the task
// has stopped). Credentials are renewed once half their lifetime has passed: the agent then serves a fresh
// set long before the SDKs' own refresh windows (botocore refreshes 15 minutes ahead, EC2's instance
// metadata documents at least 5). Nothing here is persisted: after a restart the control plane issues anew.
import type { RoleCredentials, TaskRoleCredentials } from '../../core/agent-protocol.js';
import { lastSegment } from '../../core/arn.js';
import type { TaskRecord } from '../../core/ecs.js';
import { withOverrides } from '../../core/task-overrides.js';
import { ControllerRunner, type RunnerContext } from '../runner.js';
import type { Change, State } from '../state.js';

/** What STS answers for one assumed role. */
export interface IssuedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

/** Assumes `roleArn` as ECS tasks do (principal `ecs-tasks.amazonaws.com`), the session bound to `taskArn`. */
export type AssumeTaskRole = (request: { roleArn: string; sessionName: string; taskArn: string }) => Promise<IssuedCredentials>;

/** A failed issue is tried again after this long (a trust policy may be fixed meanwhile). */
const RETRY_MS = 5_000;
/** Every task is looked at again this often, whatever happens (a missed change costs no more than this). */
const RESYNC_MS = 60_000;

type RoleKind = keyof TaskRoleCredentials;

/** The roles a task runs with: its definition's, RunTask's overrides applied. */
export function taskRoles(state: Pick<State, 'get'>, task: TaskRecord): Partial<Record<RoleKind, string>> {
  const definition = state.get('taskDefinition', task.taskDefinitionArn);
  if (!definition) return {};
  const { taskRoleArn, executionRoleArn } = withOverrides(definition, task.overrides);
  return { ...(taskRoleArn && { task: taskRoleArn }), ...(executionRoleArn && { execution: executionRoleArn }) };
}

/** Whether a held set is still good at `now`: the same role, and less than half its lifetime gone. */
function current(held: HeldCredentials | undefined, roleArn: string, now: number): held is HeldCredentials {
  return held !== undefined && held.credentials.roleArn === roleArn && now < held.renewAt;
}

interface HeldCredentials {
  credentials: RoleCredentials;
  renewAt: number;
}

export class TaskCredentials {
  private readonly held = new Map<string, Partial<Record<RoleKind, HeldCredentials>>>();
  private readonly listeners = new Set<(taskArn: string) => void>();
  private readonly runner: ControllerRunner<string>;

  constructor(
    private readonly ctx: RunnerContext,
    private readonly assume: AssumeTaskRole,
  ) {
    this.runner = new ControllerRunner(ctx, (taskArn) => this.reconcile(taskArn), {
      name: 'task-credentials',
      triggers: (changes) => changedTasks(changes),
      retryMs: RETRY_MS,
      resync: { everyMs: RESYNC_MS, keys: () => this.resyncKeys() },
    });
  }

  /** Issues, renews and forgets until `signal` aborts. */
  run(signal: AbortSignal): Promise<void> {
    return this.runner.run(signal);
  }

  /** The credentials to push with the task's assignment (none yet, or none needed). */
  of(taskArn: string): TaskRoleCredentials | undefined {
    const held = this.held.get(taskArn);
    if (!held) return undefined;
    return { ...(held.task && { task: held.task.credentials }), ...(held.execution && { execution: held.execution.credentials }) };
  }

  /** Hears of every task whose credentials were issued or renewed (its assignment changed). */
  onIssued(listener: (taskArn: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Every task held or not yet STOPPED. */
  private *resyncKeys(): Iterable<string> {
    yield* this.held.keys();
    for (const task of this.ctx.state.all('task')) if (task.lastStatus !== 'STOPPED') yield task.taskArn;
  }

  private async reconcile(taskArn: string): Promise<{ requeueAfterMs?: number } | void> {
    const task = this.ctx.state.get('task', taskArn);
    if (!task || task.lastStatus === 'STOPPED') {
      // Revoked: the agent is told no more (it forgets them as the task stops) and STS refuses the session.
      this.held.delete(taskArn);
      return;
    }
    const roles = taskRoles(this.ctx.state, task);
    const now = this.ctx.clock.now().getTime();
    const before = this.held.get(taskArn) ?? {};
    const after: Partial<Record<RoleKind, HeldCredentials>> = {};
    for (const kind of Object.keys(roles) as RoleKind[]) {
      const roleArn = roles[kind]!;
      const held = before[kind];
      after[kind] = current(held, roleArn, now) ? held : await this.issue(roleArn, task, now);
    }
    // The task may have stopped while STS answered: then nothing is kept.
    if (this.ctx.state.get('task', taskArn)?.lastStatus === 'STOPPED') return void this.held.delete(taskArn);
    if (Object.keys(after).length) this.held.set(taskArn, after);
    else this.held.delete(taskArn);
    if ((Object.keys(after) as RoleKind[]).some((kind) => after[kind] !== before[kind])) {
      for (const listener of this.listeners) listener(taskArn);
    }
    const renewals = Object.values(after).map((h) => h.renewAt - now);
    return renewals.length ? { requeueAfterMs: Math.max(0, Math.min(...renewals)) } : undefined;
  }

  private async issue(roleArn: string, task: TaskRecord, now: number): Promise<HeldCredentials> {
    const issued = await this.assume({ roleArn, sessionName: lastSegment(task.taskArn), taskArn: task.taskArn });
    const expiration = issued.expiration.getTime();
    this.ctx.log.info('task role credentials issued', { taskArn: task.taskArn, roleArn, expiration: issued.expiration.toISOString() });
    return {
      credentials: {
        roleArn,
        accessKeyId: issued.accessKeyId,
        secretAccessKey: issued.secretAccessKey,
        sessionToken: issued.sessionToken,
        expiration: issued.expiration.toISOString(),
      },
      renewAt: now + (expiration - now) / 2,
    };
  }
}

/** Tasks a commit may have started, stopped or given other roles. */
function* changedTasks(changes: Change[]): Iterable<string> {
  for (const change of changes) {
    if (change.kind !== 'task') continue;
    const { before, after } = change as Change<'task'>;
    if (before?.lastStatus !== after?.lastStatus || before?.overrides !== after?.overrides || !before || !after) yield change.id;
  }
}
