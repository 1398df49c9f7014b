// Task roles' credentials, issued by the control plane and pushed to the agent with the task's assignment,
// as ECS's ACS pushes them with its payload. For every task not yet STOPPED whose definition (overrides
// applied) names a `taskRoleArn` or `executionRoleArn`, STS assumes the role for `ecs-tasks.amazonaws.com`
// with the task's id as the session name and the session bound to the task (so it is refused once the task
// has stopped). Credentials are renewed once half their lifetime has passed: the agent then serves a fresh
// set long before the SDKs' own refresh windows (botocore refreshes 15 minutes ahead, EC2's instance
// metadata documents at least 5). Nothing here is persisted: after a restart the control plane issues anew.
// A role STS will not let ECS assume (its trust policy does not allow ecs-tasks.amazonaws.com, or it is gone)
// fails the task before it starts, with ECS's words; RunTask and StartTask refuse such a role outright.
import type { RoleCredentials, TaskRoleCredentials } from '../../core/agent-protocol.js';
import type { TaskOverride } from '@aws-sdk/client-ecs';
import { lastSegment } from '../../core/arn.js';
import type { TaskDefinitionRecord, TaskRecord } from '../../core/ecs.js';
import { InvalidParameterException } from '../../core/ecs-errors.js';
import { AwsError } from '../../core/errors.js';
import { requestStop } from '../../core/task-lifecycle.js';
import { withOverrides } from '../../core/task-overrides.js';
import type { ControlContext } from '../context.js';
import { ControllerRunner, type RunnerContext } from '../runner.js';
import { assumeRole } from '../sts/sessions.js';
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

/** ECS's words for a role it cannot assume: RunTask's error, and the stopped reason of a task that could not start. */
export const unableToAssume = (roleArn: string) =>
  `ECS was unable to assume the role '${roleArn}' that was provided for this task. Please verify that the role being passed has the proper trust relationship and permissions and that your IAM user has permissions to pass this role.`;

/** STS refused (a client error), as opposed to failing. */
const refused = (err: unknown) => err instanceof AwsError && err.fault === 'client';

/** The principal ECS assumes task roles as. */
const ECS_TASKS_PRINCIPAL = 'ecs-tasks.amazonaws.com';

/** RunTask's and StartTask's check: ECS can assume every role the task would run with, or InvalidParameterException. */
export function checkTaskRoles(ctx: ControlContext, definition: TaskDefinitionRecord, overrides?: TaskOverride): void {
  const { taskRoleArn, executionRoleArn } = withOverrides(definition, overrides);
  for (const roleArn of [taskRoleArn, executionRoleArn]) {
    if (!roleArn) continue;
    try {
      // STS's own decision; the credentials are dropped (nothing is kept: the session is sealed in the token).
      assumeRole(ctx, { roleArn, sessionName: 'ecs-task-role-check', servicePrincipal: ECS_TASKS_PRINCIPAL });
    } catch (err) {
      if (refused(err)) throw new InvalidParameterException(unableToAssume(roleArn));
      throw err;
    }
  }
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
      try {
        after[kind] = current(held, roleArn, now) ? held : await this.issue(roleArn, task, now);
      } catch (err) {
        // A renewal refused is tried again (the task keeps its credentials until they expire); a first issue
        // refused means the task cannot start.
        if (held || !refused(err)) throw err;
        return this.failToStart(taskArn, roleArn, err);
      }
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

  private async failToStart(taskArn: string, roleArn: string, err: unknown): Promise<void> {
    this.held.delete(taskArn);
    const stoppedReason = unableToAssume(roleArn);
    await this.ctx.state.mutate((tx) => {
      const task = tx.get('task', taskArn);
      const stopping = task && requestStop(task, { stopCode: 'TaskFailedToStart', stoppedReason }, this.ctx.clock.now());
      if (stopping && stopping !== task) tx.put('task', taskArn, stopping);
    });
    this.ctx.log.warn('task role not assumed; task stopped', { taskArn, roleArn, error: (err as Error).message });
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

/**
 * Tasks a commit created, stopped or gave other roles: a task's other changes (PENDING to RUNNING, health, the
 * agent's reports of ten thousand tasks) change nothing here.
 */
function* changedTasks(changes: Change[]): Iterable<string> {
  for (const change of changes) {
    if (change.kind !== 'task') continue;
    const { before, after } = change as Change<'task'>;
    if (!before || !after || (before.lastStatus === 'STOPPED') !== (after.lastStatus === 'STOPPED') || before.overrides !== after.overrides) yield change.id;
  }
}
