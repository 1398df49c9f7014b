// StartLiveTail: a session that streams the events arriving in up to 10 log groups, as `aws logs
// start-live-tail` (CLI v2) and the SDKs' StartLiveTailCommand read it: a sessionStart event at once, then a
// sessionUpdate every second with what arrived since (none: an empty list), at most 500 events an update
// (past that, sampled: the first 500 and `sampled: true`), until the client goes away or three hours pass
// (SessionTimeoutException). Events are followed by arrival (the store's arrival numbers), not by timestamp.
import { InvalidParameterException } from '../../core/logs-errors.js';
import { compileFilterPattern } from '../../core/logs-filter-pattern.js';
import { AwsError } from '../../core/errors.js';
import type { ControlContext } from '../context.js';
import { eventStore, logGroupArn, resolveGroup } from './log-groups.js';

export interface StartLiveTailInput {
  logGroupIdentifiers: string[];
  logStreamNames?: string[];
  logStreamNamePrefixes?: string[];
  logEventFilterPattern?: string;
}

/** Events in one update at most; AWS samples past it. */
const UPDATE_EVENTS = 500;
/** Events read from a group in one second at most (then the session skips to the newest, as sampling drops them). */
const READ_EVENTS = 10_000;
const UPDATE_EVERY_MS = 1000;
const SESSION_MS = 3 * 3600_000;

const SessionTimeoutException = (message: string) => new AwsError('SessionTimeoutException', message, 400);

export async function startLiveTail(ctx: ControlContext, input: StartLiveTailInput) {
  if (input.logStreamNames && input.logStreamNamePrefixes) {
    throw new InvalidParameterException('logStreamNames and logStreamNamePrefixes are mutually exclusive');
  }
  if ((input.logStreamNames || input.logStreamNamePrefixes) && input.logGroupIdentifiers.length > 1) {
    throw new InvalidParameterException('logStreamNames and logStreamNamePrefixes can be specified with only one log group');
  }
  for (const id of input.logGroupIdentifiers) if (id.endsWith('*')) throw new InvalidParameterException(`The log group identifier ${id} must not end with an asterisk`);
  const groups = input.logGroupIdentifiers.map((id) => resolveGroup(ctx.state, { logGroupIdentifier: id }).logGroupName);
  const match = compileFilterPattern(input.logEventFilterPattern);
  const streamWanted = (name: string) =>
    (!input.logStreamNames || input.logStreamNames.includes(name)) && (!input.logStreamNamePrefixes || input.logStreamNamePrefixes.some((p) => name.startsWith(p)));
  const store = eventStore(ctx);
  const region = ctx.partition.region;
  const began = ctx.clock.now().getTime();
  // Each group from what had arrived when the session began.
  const start = await store.lastArrival();
  const after = new Map(groups.map((group) => [group, start]));
  const sessionId = ctx.ids.id();

  async function* session() {
    yield {
      sessionStart: {
        requestId: sessionId,
        sessionId,
        logGroupIdentifiers: input.logGroupIdentifiers,
        ...(input.logStreamNames && { logStreamNames: input.logStreamNames }),
        ...(input.logStreamNamePrefixes && { logStreamNamePrefixes: input.logStreamNamePrefixes }),
        ...(input.logEventFilterPattern !== undefined && { logEventFilterPattern: input.logEventFilterPattern }),
      },
    };
    for (;;) {
      await ctx.clock.sleep(UPDATE_EVERY_MS);
      if (ctx.clock.now().getTime() - began >= SESSION_MS) throw SessionTimeoutException('The session timed out after three hours.');
      const results = [];
      let sampled = false;
      for (const group of groups) {
        const arrived = await store.arrivals(region, group, after.get(group)!, READ_EVENTS);
        if (arrived.length === READ_EVENTS) {
          sampled = true;
          after.set(group, await store.lastArrival());
        } else if (arrived.length > 0) after.set(group, arrived.at(-1)!.seq);
        for (const event of arrived) {
          if (!streamWanted(event.logStreamName) || !match(event.message)) continue;
          if (results.length === UPDATE_EVENTS) {
            sampled = true;
            break;
          }
          results.push({
            logStreamName: event.logStreamName,
            logGroupIdentifier: logGroupArn(ctx, group),
            message: event.message,
            timestamp: event.timestamp,
            ingestionTime: event.ingestionTime,
          });
        }
      }
      yield { sessionUpdate: { sessionMetadata: { sampled }, sessionResults: results } };
    }
  }
  return { responseStream: session() };
}
