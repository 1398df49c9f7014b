// The awslogs log driver, done by the agent: containers log through the engine's own (json-file) driver,
// and the agent follows each awslogs container's output through the runtime port and sends it to
// CloudWatch Logs with PutLogEvents, signed with the task's execution role (or the instance's role when the
// task has none), so IAM decides as on AWS.
//
// No line is lost or sent twice: each container's checkpoint (the position of the last line CloudWatch
// accepted: its engine time and its rank among lines of that time) is kept in the data dir after every
// batch, and a restarted agent reads the engine's log again from there. The engine's log is the buffer in
// blocking mode (the default), so reading pauses while a batch is out; in non-blocking mode lines past
// max-buffer-size waiting to be sent are dropped, as Docker drops them. The engine reports a task STOPPED
// only once `flush` has sent every line its containers wrote.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { Agent as HttpsAgent } from 'node:https';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  PutLogEventsCommand,
  ResourceAlreadyExistsException,
  type InputLogEvent,
} from '@aws-sdk/client-cloudwatch-logs';
import { lastSegment } from '../core/arn.js';
import { eventSize, LIMITS } from '../core/logs.js';
import type { Logger } from '../core/ports.js';
import type { ContainerLogLine, ContainerRuntime } from '../core/runtime.js';
import { awslogsConfig, awslogsStreamName, type AwslogsConfig } from './awslogs-options.js';
import { errorMessage, type TaskSnapshot } from './local-task.js';

export interface AwslogsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface AwslogsShipperOptions {
  runtime: ContainerRuntime;
  log: Logger;
  /** Checkpoints are kept under `<dataDir>/awslogs/`. */
  dataDir: string;
  /** Where CloudWatch Logs is served (Wharf's endpoint), and the bundle that verifies it over HTTPS. */
  endpoint: string;
  ca?: string;
  /** The region of a configuration that names none. */
  region: string;
  /** What a task's logs are sent as: its execution role's latest credentials, or the instance's own. */
  credentials(taskArn: string): Promise<AwslogsCredentials>;
  /** How often lines are sent (default 1 s; a full batch goes at once). */
  intervalMs?: number;
}

/** Where a line is in a container's output: its engine time, and its rank among the lines of that time. */
interface Position {
  timeNanos: bigint;
  rank: number;
}

interface Queued {
  event: InputLogEvent;
  bytes: number;
  /** The position of the last line the event holds. */
  position: Position;
}

/** Lines read ahead of what was sent, in blocking mode: reading waits past this. */
const BLOCKING_READ_AHEAD_BYTES = 4 * LIMITS.batchBytes;
/** The largest message of one event; longer lines are split, as Docker's driver splits them. */
const MAX_MESSAGE_BYTES = LIMITS.eventBytes - LIMITS.eventOverhead;
const RETRY_FIRST_MS = 250;
const RETRY_MAX_MS = 10_000;

/** The awslogs configuration of a container definition, or undefined when it logs otherwise. */
export function containerAwslogs(snapshot: TaskSnapshot, containerName: string): AwslogsConfig | undefined {
  const def = snapshot.assignment?.taskDefinition.containerDefinitions?.find((c) => c.name === containerName);
  if (def?.logConfiguration?.logDriver !== 'awslogs') return undefined;
  return awslogsConfig(def.logConfiguration.options ?? {});
}

/** `text` in pieces of at most `MAX_MESSAGE_BYTES` UTF-8 bytes, never splitting a character. */
function pieces(text: string): string[] {
  if (Buffer.byteLength(text, 'utf8') <= MAX_MESSAGE_BYTES) return [text];
  const out: string[] = [];
  let current = '';
  let bytes = 0;
  for (const char of text) {
    const size = Buffer.byteLength(char, 'utf8');
    if (bytes + size > MAX_MESSAGE_BYTES) {
      out.push(current);
      [current, bytes] = ['', 0];
    }
    current += char;
    bytes += size;
  }
  return [...out, current];
}

export class AwslogsShipper {
  private readonly followers = new Map<string, ContainerFollower>();
  private readonly clients = new Map<string, CloudWatchLogsClient>();
  private readonly controller = new AbortController();

  constructor(private readonly options: AwslogsShipperOptions) {}

  /** Follows every container of the task that logs with awslogs and is not followed yet. */
  sync(snapshot: TaskSnapshot): void {
    if (this.controller.signal.aborted) return;
    for (const container of snapshot.containers) {
      if (!container.runtimeId || this.followers.has(container.runtimeId)) continue;
      let config: AwslogsConfig | undefined;
      try {
        config = containerAwslogs(snapshot, container.name);
      } catch (err) {
        this.options.log.warn('awslogs configuration refused', { taskArn: snapshot.taskArn, containerName: container.name, error: errorMessage(err) });
      }
      if (!config) continue;
      const logStreamName = awslogsStreamName(config, container.name, lastSegment(snapshot.taskArn), container.runtimeId);
      const follower = new ContainerFollower({
        ...this.options,
        log: this.options.log.child({ taskArn: snapshot.taskArn, containerName: container.name }),
        runtimeId: container.runtimeId,
        config,
        logStreamName,
        client: this.client(snapshot.taskArn, config.region ?? this.options.region),
        signal: this.controller.signal,
      });
      this.followers.set(container.runtimeId, follower);
      follower.run();
    }
  }

  /**
   * Resolves once every line the task's awslogs containers wrote has been sent (they have stopped), or after
   * `timeoutMs` (CloudWatch unreachable: the lines stay in the engine's log and go later); undefined when
   * the task has no awslogs container.
   */
  flush(snapshot: TaskSnapshot | undefined, timeoutMs: number): Promise<void> | undefined {
    if (!snapshot) return undefined;
    this.sync(snapshot);
    const finished = snapshot.containers.flatMap((c) => (c.runtimeId && this.followers.get(c.runtimeId)?.finished) || []);
    if (!finished.length) return undefined;
    const timeout = sleep(timeoutMs, 'timeout', { signal: this.controller.signal }).catch(() => 'closed');
    return Promise.race([Promise.all(finished).then(() => 'sent'), timeout]).then((outcome) => {
      if (outcome !== 'sent') this.options.log.warn('task output not all sent before it stopped', { taskArn: snapshot.taskArn, outcome });
    });
  }

  /** Forgets the finished followers of containers no longer in `snapshots` (their tasks cleaned up). */
  retain(snapshots: readonly TaskSnapshot[]): void {
    const held = new Set(snapshots.flatMap((s) => s.containers.flatMap((c) => c.runtimeId ?? [])));
    for (const [id, follower] of this.followers) if (follower.over && !held.has(id)) this.followers.delete(id);
  }

  /** Stops following; what was read and not sent is read again from the checkpoints by the next agent. */
  async close(): Promise<void> {
    this.controller.abort();
    await Promise.all([...this.followers.values()].map((f) => f.finished));
    for (const client of this.clients.values()) client.destroy();
  }

  private client(taskArn: string, region: string): CloudWatchLogsClient {
    const key = `${taskArn} ${region}`;
    let client = this.clients.get(key);
    if (!client) {
      const { endpoint, ca } = this.options;
      client = new CloudWatchLogsClient({
        endpoint,
        region,
        credentials: () => this.options.credentials(taskArn),
        // The agent retries on its own, from its checkpoint.
        maxAttempts: 1,
        ...(ca && { requestHandler: { httpsAgent: new HttpsAgent({ ca, keepAlive: true }) } }),
      });
      this.clients.set(key, client);
    }
    return client;
  }
}

interface FollowerOptions extends AwslogsShipperOptions {
  runtimeId: string;
  config: AwslogsConfig;
  logStreamName: string;
  client: CloudWatchLogsClient;
  signal: AbortSignal;
}

/** One container's output on its way to one log stream. */
class ContainerFollower {
  /** Resolves when all of the output was sent, or the shipper closed. */
  finished: Promise<void> = Promise.resolve();
  over = false;
  private queue: Queued[] = [];
  private queuedBytes = 0;
  /** A multiline event still taking lines. */
  private pending?: { lines: string[]; timeNanos: bigint; position: Position; at: number };
  /** The last line read from the engine, and the last one CloudWatch accepted. */
  private read?: Position;
  private sent?: Position;
  private ended = false;
  /** While reading again from the last position read: how many lines of its time were seen so far. */
  private resume?: Position & { seen: number };
  private dropped = 0;
  private wake?: () => void;
  private drained?: () => void;

  constructor(private readonly o: FollowerOptions) {}

  private get checkpointFile() {
    return join(this.o.dataDir, 'awslogs', `${this.o.runtimeId}.json`);
  }

  run(): void {
    this.finished = (async () => {
      const saved = await this.load();
      if (saved?.done) return;
      this.sent = this.read = saved?.position;
      await Promise.all([this.readAll(), this.sendAll()]);
    })()
      .catch((err: unknown) => this.o.log.error('awslogs follower failed', { error: errorMessage(err) }))
      .finally(() => (this.over = true));
  }

  // --- reading -------------------------------------------------------------------------------------

  private async readAll(): Promise<void> {
    for (let attempt = 0; !this.o.signal.aborted; attempt++) {
      try {
        this.resume = this.read && { ...this.read, seen: 0 };
        const lines = await this.o.runtime.containerLogs(this.o.runtimeId, this.read?.timeNanos, this.o.signal);
        for await (const batch of lines) {
          for (const line of batch) this.take(line);
          attempt = 0;
          // Blocking mode: the engine's log holds what waits past the read-ahead.
          while (this.o.config.mode === 'blocking' && this.queuedBytes > BLOCKING_READ_AHEAD_BYTES && !this.o.signal.aborted) {
            await new Promise<void>((resolve) => (this.drained = resolve));
          }
        }
        if (this.o.signal.aborted) return;
        // The stream also ends when the engine restarts: only a container that has stopped is done.
        if ((await this.o.runtime.inspectContainer(this.o.runtimeId)).status === 'exited') break;
      } catch (err) {
        if (this.o.signal.aborted) return;
        if ((err as { code?: string }).code === 'ContainerNotFound') break;
        this.o.log.warn('container output not readable; retrying', { error: errorMessage(err) });
      }
      await sleep(Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** attempt), undefined, { signal: this.o.signal }).catch(() => undefined);
    }
    if (this.o.signal.aborted) return;
    this.closePending();
    this.ended = true;
    this.wake?.();
  }

  private take(line: ContainerLogLine): void {
    // Reading again from `since` (inclusive): the first `rank` lines of the last time read were taken already.
    const resume = this.resume;
    if (resume) {
      if (line.timeNanos < resume.timeNanos) return;
      if (line.timeNanos === resume.timeNanos && ++resume.seen <= resume.rank) return;
      this.resume = undefined;
    }
    const last = this.read;
    const position: Position = { timeNanos: line.timeNanos, rank: last && last.timeNanos === line.timeNanos ? last.rank + 1 : 1 };
    this.read = position;
    if (line.text === '') return;
    const multiline = this.o.config.multiline;
    if (multiline && this.pending && !multiline.test(line.text)) {
      this.pending.lines.push(line.text);
      this.pending.position = position;
      this.pending.at = Date.now();
      return;
    }
    this.closePending();
    if (multiline) this.pending = { lines: [line.text], timeNanos: line.timeNanos, position, at: Date.now() };
    else this.enqueue(line.text, line.timeNanos, position);
  }

  private closePending(): void {
    if (!this.pending) return;
    const { lines, timeNanos, position } = this.pending;
    this.pending = undefined;
    this.enqueue(lines.join('\n'), timeNanos, position);
  }

  private enqueue(text: string, timeNanos: bigint, position: Position): void {
    const timestamp = Number(timeNanos / 1_000_000n);
    for (const message of pieces(text)) {
      const bytes = eventSize(message);
      if (this.o.config.mode === 'non-blocking' && this.queuedBytes + bytes > this.o.config.maxBufferBytes) {
        if (this.dropped++ === 0) this.o.log.warn('awslogs buffer full: lines dropped (mode non-blocking)', { maxBufferBytes: this.o.config.maxBufferBytes });
        continue;
      }
      this.queue.push({ event: { timestamp, message }, bytes, position });
      this.queuedBytes += bytes;
    }
    if (this.queuedBytes >= LIMITS.batchBytes || this.queue.length >= LIMITS.batchEvents) this.wake?.();
  }

  // --- sending -------------------------------------------------------------------------------------

  private async sendAll(): Promise<void> {
    await this.ensureStream();
    const interval = this.o.intervalMs ?? 1000;
    let attempt = 0;
    while (!this.o.signal.aborted) {
      if (this.pending && Date.now() - this.pending.at >= interval) this.closePending();
      if (!this.queue.length) {
        if (this.ended) break;
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          setTimeout(resolve, interval).unref();
        });
        this.wake = undefined;
        continue;
      }
      const batch = this.nextBatch();
      try {
        // Not aborted when the agent stops: a batch the server may already have stored is seen through and its
        // checkpoint saved, so the next agent does not send it again.
        await this.o.client.send(
          new PutLogEventsCommand({
            logGroupName: this.o.config.logGroupName,
            logStreamName: this.o.logStreamName,
            // Stable by time, as Docker's driver sorts a batch (stdout and stderr may interleave out of order).
            logEvents: batch.map((q) => q.event).sort((a, b) => a.timestamp! - b.timestamp!),
          }),
        );
      } catch (err) {
        if (this.o.signal.aborted) break;
        this.o.log.warn('log events not sent; retrying', { error: errorMessage(err), events: batch.length, attempt });
        if ((err as { name?: string }).name === 'ResourceNotFoundException') await this.ensureStream();
        await sleep(Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** attempt++), undefined, { signal: this.o.signal }).catch(() => undefined);
        continue;
      }
      attempt = 0;
      this.queue.splice(0, batch.length);
      this.queuedBytes -= batch.reduce((sum, q) => sum + q.bytes, 0);
      this.sent = batch.at(-1)!.position;
      await this.save(false);
      this.drained?.();
      this.drained = undefined;
    }
    if (this.ended && !this.queue.length && !this.o.signal.aborted) await this.save(true);
  }

  /** The events at the head of the queue that one PutLogEvents takes: AWS's counts, bytes and a day's span. */
  private nextBatch(): Queued[] {
    let bytes = 0;
    let end = 0;
    const first = this.queue[0]!.event.timestamp!;
    while (end < this.queue.length && end < LIMITS.batchEvents) {
      const q = this.queue[end]!;
      if (bytes + q.bytes > LIMITS.batchBytes || Math.abs(q.event.timestamp! - first) > LIMITS.batchSpanMs) break;
      bytes += q.bytes;
      end++;
    }
    // The pieces of one long line go in one batch when they fit in one: the checkpoint counts lines, not pieces.
    const cut = this.queue[end];
    if (cut && cut.position === this.queue[end - 1]!.position) {
      let start = end - 1;
      while (start > 0 && this.queue[start - 1]!.position === cut.position) start--;
      if (start > 0) end = start;
    }
    return this.queue.slice(0, end);
  }

  /** Makes the group (awslogs-create-group) and the stream, as Docker's driver does when a container starts. */
  private async ensureStream(): Promise<void> {
    const { logGroupName, createGroup } = this.o.config;
    for (let attempt = 0; !this.o.signal.aborted; attempt++) {
      try {
        if (createGroup) await this.o.client.send(new CreateLogGroupCommand({ logGroupName })).catch(ignoreExisting);
        await this.o.client.send(new CreateLogStreamCommand({ logGroupName, logStreamName: this.o.logStreamName })).catch(ignoreExisting);
        return;
      } catch (err) {
        this.o.log.warn('log stream not made; retrying', { logGroupName, logStreamName: this.o.logStreamName, error: errorMessage(err) });
        await sleep(Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** attempt), undefined, { signal: this.o.signal }).catch(() => undefined);
      }
    }
  }

  // --- the checkpoint ------------------------------------------------------------------------------

  private async load(): Promise<{ position?: Position; done: boolean } | undefined> {
    try {
      const saved = JSON.parse(await readFile(this.checkpointFile, 'utf8')) as { timeNanos?: string; rank?: number; done: boolean };
      return { done: saved.done, ...(saved.timeNanos !== undefined && { position: { timeNanos: BigInt(saved.timeNanos), rank: saved.rank ?? 0 } }) };
    } catch {
      return undefined;
    }
  }

  private async save(done: boolean): Promise<void> {
    const file = this.checkpointFile;
    await mkdir(join(this.o.dataDir, 'awslogs'), { recursive: true });
    const body = JSON.stringify({ ...(this.sent && { timeNanos: String(this.sent.timeNanos), rank: this.sent.rank }), done });
    await writeFile(`${file}.tmp`, body);
    await rename(`${file}.tmp`, file);
  }
}

const ignoreExisting = (err: unknown) => {
  if (!(err instanceof ResourceAlreadyExistsException)) throw err;
};
