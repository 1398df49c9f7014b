// State changes go to the control plane through the ECS API, as the ECS agent sends them: in order per
// task, each retried until the control plane has it, so a restart of the control plane loses nothing.
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ECSServiceException,
  SubmitContainerStateChangeCommand,
  SubmitTaskStateChangeCommand,
  type ECSClient,
  type SubmitContainerStateChangeRequest,
  type SubmitTaskStateChangeRequest,
} from '@aws-sdk/client-ecs';
import type { Logger } from '../core/ports.js';

/** Where the task engine sends state changes. */
export interface StateReporter {
  submitTaskStateChange(change: SubmitTaskStateChangeRequest & { task: string }): void;
  submitContainerStateChange(change: SubmitContainerStateChangeRequest & { task: string }): void;
  /** Resolves once what was submitted for the task so far has been delivered (or refused, or given up). */
  delivered(taskArn: string): Promise<void>;
}

/**
 * A refusal that sending again cannot change: a client fault that names its error. A 408 or 429, or a 4xx
 * without an error the SDK can read (Node's own 408 when a starved server read a request late has no body),
 * is the moment's, not the change's: dropped, the task would stay PENDING, or RUNNING after it stopped, for good.
 */
export function refused(err: unknown): err is ECSServiceException {
  if (!(err instanceof ECSServiceException) || err.$fault !== 'client') return false;
  const status = err.$metadata.httpStatusCode;
  return status !== 408 && status !== 429 && err.name !== 'Unknown';
}

const RETRY_FIRST_MS = 250;
const RETRY_MAX_MS = 15_000;

export class EcsStateReporter implements StateReporter {
  /** The tail of each task's queue: a task's changes are delivered one after another, in order. */
  private readonly queues = new Map<string, Promise<void>>();

  constructor(
    private readonly ecs: ECSClient,
    private readonly log: Logger,
    private readonly signal: AbortSignal,
  ) {}

  submitTaskStateChange(change: SubmitTaskStateChangeRequest & { task: string }): void {
    this.enqueue(change.task, { status: change.status }, () => this.ecs.send(new SubmitTaskStateChangeCommand(change)));
  }

  submitContainerStateChange(change: SubmitContainerStateChangeRequest & { task: string }): void {
    this.enqueue(change.task, { containerName: change.containerName, status: change.status }, () =>
      this.ecs.send(new SubmitContainerStateChangeCommand(change)),
    );
  }

  delivered(taskArn: string): Promise<void> {
    return this.queues.get(taskArn) ?? Promise.resolve();
  }

  private enqueue(taskArn: string, fields: Record<string, unknown>, send: () => Promise<unknown>): void {
    const next = (this.queues.get(taskArn) ?? Promise.resolve()).then(() => this.deliver(taskArn, fields, send));
    this.queues.set(taskArn, next);
    void next.then(() => {
      if (this.queues.get(taskArn) === next) this.queues.delete(taskArn);
    });
  }

  private async deliver(taskArn: string, fields: Record<string, unknown>, send: () => Promise<unknown>): Promise<void> {
    for (let attempt = 0; !this.signal.aborted; attempt++) {
      try {
        await send();
        this.log.debug('state change submitted', { taskArn, ...fields });
        return;
      } catch (err) {
        // The control plane refused it (e.g. a task it no longer knows): sending it again changes nothing.
        if (refused(err)) {
          this.log.warn('state change rejected', { taskArn, ...fields, error: err.name, message: err.message });
          return;
        }
        this.log.warn('state change not delivered; retrying', { taskArn, ...fields, attempt, error: String(err) });
        await sleep(Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** attempt), undefined, { signal: this.signal }).catch(
          () => undefined,
        );
      }
    }
  }
}
