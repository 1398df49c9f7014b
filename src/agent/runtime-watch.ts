// How the engine observes the runtime: the containers an instance already has (adopted after a restart),
// and the runtime's event stream, resubscribed with capped backoff when it drops. Events carry no state:
// they only say which container to inspect again.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../core/ports.js';
import { isRuntimeError, type ContainerRuntime, type ContainerState, type RuntimeEvent } from '../core/runtime.js';
import { LABELS } from './container-config.js';
import { errorMessage } from './local-task.js';

const EVENTS_RETRY_FIRST_MS = 250;
const EVENTS_RETRY_MAX_MS = 10_000;

/** A container labelled as one of a task's, as the runtime has it now. */
export interface LabelledContainer {
  taskArn: string;
  containerName: string;
  state: ContainerState;
}

/** The task containers labelled with any of these container instances (this agent's registrations). */
export async function labelledContainers(runtime: ContainerRuntime, containerInstanceArns: Iterable<string>): Promise<LabelledContainer[]> {
  const found: LabelledContainer[] = [];
  for (const arn of new Set(containerInstanceArns)) {
    for (const summary of await runtime.listContainers({ [LABELS.containerInstanceArn]: arn })) {
      const taskArn = summary.labels[LABELS.taskArn];
      const containerName = summary.labels[LABELS.containerName];
      if (!taskArn || !containerName) continue;
      const state = await runtime.inspectContainer(summary.id).catch((err: unknown) => {
        if (isRuntimeError(err, 'ContainerNotFound')) return undefined;
        throw err;
      });
      if (state) found.push({ taskArn, containerName, state });
    }
  }
  return found;
}

export interface RuntimeWatch {
  runtime: ContainerRuntime;
  labels: Record<string, string>;
  log: Logger;
  signal: AbortSignal;
  onEvent(event: RuntimeEvent): void;
  /** The stream was down and is back: whatever happened meanwhile went unseen. */
  onResumed(): void;
}

/** Follows `events` (already subscribed) until the signal aborts, resubscribing whenever the stream is lost. */
export async function watchRuntimeEvents(events: AsyncIterable<RuntimeEvent>, watch: RuntimeWatch): Promise<void> {
  const { runtime, log, signal } = watch;
  for (let attempt = 0; !signal.aborted; ) {
    try {
      for await (const event of events) {
        attempt = 0;
        watch.onEvent(event);
      }
    } catch (err) {
      log.warn('runtime event stream lost', { error: errorMessage(err) });
    }
    for (; !signal.aborted; attempt++) {
      await sleep(Math.min(EVENTS_RETRY_MAX_MS, EVENTS_RETRY_FIRST_MS * 2 ** attempt), undefined, { signal }).catch(() => undefined);
      if (signal.aborted) return;
      try {
        events = await runtime.events(watch.labels, signal);
        break;
      } catch (err) {
        log.warn('runtime event stream unavailable', { error: errorMessage(err) });
      }
    }
    watch.onResumed();
  }
}
