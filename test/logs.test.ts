// CloudWatch Logs end to end against a real `wharf up`: the API through @aws-sdk/client-cloudwatch-logs and
// the `aws` CLI (v1, whose `logs` has no `tail`: a follower polls FilterLogEvents with its nextToken, as
// `aws logs tail --follow` does in v2; and CLI v2's own follow loop, in boto3), AWS's errors for bad input,
// and the awslogs driver: a busybox task
// whose every line lands in GetLogEvents and FilterLogEvents in order, across an agent restart.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  DescribeLogGroupsCommand,
  FilterLogEventsCommand,
  GetLogEventsCommand,
  ListTagsLogGroupCommand,
  PutLogEventsCommand,
  PutRetentionPolicyCommand,
  StartLiveTailCommand,
  type FilteredLogEvent,
} from '@aws-sdk/client-cloudwatch-logs';
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { DescribeTasksCommand, RegisterTaskDefinitionCommand, RunTaskCommand, type Task } from '@aws-sdk/client-ecs';
import { eventually, startWharf, type WharfProcess } from './wharf-process.js';

const run = promisify(execFile);
const IMAGE = 'wharf-test/busybox:latest';

let wharf: WharfProcess;
let logs: CloudWatchLogsClient;

before(async () => {
  wharf = await startWharf();
  logs = new CloudWatchLogsClient({ endpoint: wharf.endpoint, region: 'us-east-1', credentials: wharf.credentials });
});

after(async () => {
  logs?.destroy();
  await wharf?.stop();
});

const cli = async (...args: string[]) => JSON.parse((await run('aws', ['logs', ...args, '--output', 'json'], { env: wharf.env })).stdout || '{}');
const cliError = async (...args: string[]) => {
  try {
    await run('aws', ['logs', ...args], { env: wharf.env });
  } catch (err) {
    return String((err as { stderr: string }).stderr);
  }
  throw new Error(`aws logs ${args.join(' ')} succeeded`);
};

/** The SDK call's error code. */
const failure = (promise: Promise<unknown>) => promise.then(() => 'succeeded', (err: Error) => `${err.name}: ${err.message}`);

/**
 * Follows a group as `aws logs tail --follow` (CLI v2) does: FilterLogEvents from the last timestamp seen,
 * every page, skipping the event ids already shown at that timestamp.
 */
function follower(logGroupName: string) {
  const seen: FilteredLogEvent[] = [];
  let since = 0;
  let atSince = new Set<string>();
  return {
    seen,
    async poll() {
      let nextToken: string | undefined;
      do {
        const out = await logs.send(new FilterLogEventsCommand({ logGroupName, startTime: since, nextToken }));
        for (const event of out.events ?? []) {
          if (atSince.has(event.eventId!)) continue;
          seen.push(event);
          if (event.timestamp! > since) [since, atSince] = [event.timestamp!, new Set()];
          atSince.add(event.eventId!);
        }
        nextToken = out.nextToken;
      } while (nextToken);
    },
  };
}

describe('CloudWatch Logs API', () => {
  it('events through the CLI and the SDK; AWS errors for bad input', async () => {
    await logs.send(new CreateLogGroupCommand({ logGroupName: '/cli/app', tags: { team: 'web' } }));
    await logs.send(new PutRetentionPolicyCommand({ logGroupName: '/cli/app', retentionInDays: 7 }));
    await logs.send(new CreateLogStreamCommand({ logGroupName: '/cli/app', logStreamName: 'one' }));
    const now = Date.now();
    const events = JSON.stringify([0, 1, 2].map((i) => ({ timestamp: now + i, message: `line ${i}` })));
    await cli('put-log-events', '--log-group-name', '/cli/app', '--log-stream-name', 'one', '--log-events', events);
    const got = await cli('get-log-events', '--log-group-name', '/cli/app', '--log-stream-name', 'one', '--start-from-head');
    assert.deepEqual(got.events.map((e: { message: string }) => e.message), ['line 0', 'line 1', 'line 2']);
    const groups = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/cli/' }));
    assert.equal(groups.logGroups?.[0]?.retentionInDays, 7);
    assert.equal(groups.logGroups?.[0]?.arn, 'arn:aws:logs:us-east-1:000000000000:log-group:/cli/app:*');
    const filtered = await logs.send(new FilterLogEventsCommand({ logGroupName: '/cli/app', filterPattern: '"line 1"' }));
    assert.deepEqual(filtered.events?.map((e) => e.message), ['line 1']);
    const unordered = JSON.stringify([{ timestamp: now + 5, message: 'b' }, { timestamp: now, message: 'a' }]);
    assert.match(await cliError('put-log-events', '--log-group-name', '/cli/app', '--log-stream-name', 'one', '--log-events', unordered), /InvalidParameterException.*chronological/);

    const put = (logGroupName: string, message: string, timestamp = now) => logs.send(new PutLogEventsCommand({ logGroupName, logStreamName: 'one', logEvents: [{ timestamp, message }] }));
    assert.match(await failure(put('/cli/none', 'x')), /^ResourceNotFoundException: The specified log group does not exist/);
    assert.match(await failure(put('/cli/app', 'x'.repeat(300_000))), /^InvalidParameterException: Log event too large/);
    assert.match(await failure(logs.send(new CreateLogGroupCommand({ logGroupName: '/cli/app' }))), /^ResourceAlreadyExistsException/);
    assert.match(await failure(logs.send(new CreateLogGroupCommand({ logGroupName: 'bad:name' }))), /^InvalidParameterException: 1 validation error detected/);
    assert.match(await failure(logs.send(new FilterLogEventsCommand({ logGroupName: '/cli/app', filterPattern: '{ $.a = ' }))), /^InvalidParameterException/);
    assert.deepEqual((await logs.send(new ListTagsLogGroupCommand({ logGroupName: '/cli/app' }))).tags, { team: 'web' });
  });

  it('a follower polling FilterLogEvents (the `logs tail --follow` pattern) sees every line once, in order', async () => {
    await logs.send(new CreateLogGroupCommand({ logGroupName: '/sdk/follow' }));
    await logs.send(new CreateLogStreamCommand({ logGroupName: '/sdk/follow', logStreamName: 's' }));
    const tail = follower('/sdk/follow');
    for (let batch = 0; batch < 3; batch++) {
      const base = Date.now();
      await logs.send(new PutLogEventsCommand({
        logGroupName: '/sdk/follow',
        logStreamName: 's',
        // Several lines share a millisecond, as a busy container's do.
        logEvents: Array.from({ length: 100 }, (_, i) => ({ timestamp: base + Math.floor(i / 10), message: `b${batch} l${i}` })),
      }));
      await tail.poll();
      await tail.poll();
    }
    assert.deepEqual(tail.seen.map((e) => e.message), [0, 1, 2].flatMap((b) => Array.from({ length: 100 }, (_, i) => `b${b} l${i}`)));
    const groups = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePattern: 'FOLLOW' }));
    assert.deepEqual(groups.logGroups?.map((g) => g.logGroupName), ['/sdk/follow']);
    const last = await logs.send(new GetLogEventsCommand({ logGroupName: '/sdk/follow', logStreamName: 's', limit: 1 }));
    assert.deepEqual(last.events?.map((e) => e.message), ['b2 l99']);
    assert.ok((groups.logGroups?.[0]?.storedBytes ?? 0) > 0);
  });
});

/**
 * `aws logs tail GROUP --follow` as CLI v2 runs it (awscli/customizations/logs/tail.py, FollowLogEventsGenerator),
 * in boto3: the CLI here is v1, which has no `logs tail`. FilterLogEvents with interleaved and startTime (--since,
 * 10 minutes by default), every page by nextToken, then again from the newest timestamp seen, skipping the event
 * ids already shown at it; printing each message until one is END. (v2 sleeps 5 s between polls; this, 0.2 s.)
 */
const TAIL_FOLLOW = `
import boto3, sys, time
from collections import defaultdict
client = boto3.client('logs', endpoint_url=sys.argv[2], region_name='us-east-1')
kwargs = {'logGroupName': sys.argv[1], 'interleaved': True, 'startTime': int((time.time() - 600) * 1000)}
seen = defaultdict(set)
deadline = time.time() + 120
while time.time() < deadline:
    response = client.filter_log_events(**kwargs)
    for event in response['events']:
        if event['eventId'] not in seen[event['timestamp']]:
            seen[event['timestamp']].add(event['eventId'])
            print(event['logStreamName'] + ' ' + event['message'], flush=True)
            if event['message'] == 'END':
                sys.exit(0)
    if seen:
        newest = max(seen.keys())
        seen = defaultdict(set, {newest: seen[newest]})
    if 'nextToken' in response:
        kwargs['nextToken'] = response['nextToken']
    else:
        if seen:
            kwargs['startTime'] = max(seen.keys())
        kwargs.pop('nextToken', None)
        time.sleep(0.2)
sys.exit(1)
`;

/**
 * `aws logs start-live-tail` as CLI v2 runs it (botocore's event stream parser), in boto3: prints STARTED at the
 * session's start, then each line that arrives, until END. Host prefix off, as docs/logs.md says.
 */
const LIVE_TAIL = `
import boto3, sys, time, botocore.config
client = boto3.client('logs', endpoint_url=sys.argv[2], region_name='us-east-1', config=botocore.config.Config(inject_host_prefix=False))
stream = client.start_live_tail(logGroupIdentifiers=[sys.argv[1]])['responseStream']
deadline = time.time() + 60
for event in stream:
    if 'sessionStart' in event:
        print('STARTED', flush=True)
    for result in event.get('sessionUpdate', {}).get('sessionResults', []):
        print(result['message'], flush=True)
        if result['message'] == 'END':
            stream.close()
            sys.exit(0)
    if time.time() > deadline:
        sys.exit(1)
`;

describe('StartLiveTail (an event stream, through the SDK and boto3)', () => {
  it('streams the lines that arrive after it starts, filtered by stream prefix and pattern, once each', async () => {
    await logs.send(new CreateLogGroupCommand({ logGroupName: '/sdk/live' }));
    for (const logStreamName of ['app-1', 'other']) await logs.send(new CreateLogStreamCommand({ logGroupName: '/sdk/live', logStreamName }));
    const put = (logStreamName: string, messages: string[]) =>
      logs.send(new PutLogEventsCommand({ logGroupName: '/sdk/live', logStreamName, logEvents: messages.map((message) => ({ timestamp: Date.now(), message })) }));
    await put('app-1', ['before ERROR']);
    const { logGroups: [group] = [] } = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/sdk/live' }));
    // The SDK sends StartLiveTail to `stream-<endpoint host>`: a local endpoint turns the prefix off (docs/logs.md).
    const live = new CloudWatchLogsClient({ endpoint: wharf.endpoint, region: 'us-east-1', credentials: wharf.credentials, disableHostPrefix: true });
    const { responseStream } = await live.send(new StartLiveTailCommand({ logGroupIdentifiers: [group!.logGroupArn!], logStreamNamePrefixes: ['app'], logEventFilterPattern: 'ERROR' }));
    const events = responseStream![Symbol.asyncIterator]();
    const first = await events.next();
    assert.deepEqual(first.value?.sessionStart?.logGroupIdentifiers, [group!.logGroupArn]);
    await put('app-1', ['x ERROR 1', 'fine', 'x ERROR 2']);
    await put('other', ['y ERROR']);
    const seen: { logStreamName?: string; logGroupIdentifier?: string; message?: string }[] = [];
    // An update a second, empty when nothing arrived: at most 15 of them.
    for (let update = 0; update < 15 && seen.length < 2; update++) {
      const { value } = await events.next();
      for (const event of value?.sessionUpdate?.sessionResults ?? []) seen.push({ logStreamName: event.logStreamName, logGroupIdentifier: event.logGroupIdentifier, message: event.message });
      assert.equal(value?.sessionUpdate?.sessionMetadata?.sampled, false);
    }
    assert.deepEqual(seen, ['x ERROR 1', 'x ERROR 2'].map((message) => ({ logStreamName: 'app-1', logGroupIdentifier: group!.logGroupArn, message })));
    await events.return?.();

    const start = (input: ConstructorParameters<typeof StartLiveTailCommand>[0]) => failure(live.send(new StartLiveTailCommand(input)));
    assert.match(await start({ logGroupIdentifiers: ['/sdk/nowhere'] }), /^ResourceNotFoundException/);
    assert.match(await start({ logGroupIdentifiers: ['/sdk/live', '/sdk/follow'], logStreamNames: ['app-1'] }), /^InvalidParameterException/);
    assert.match(await start({ logGroupIdentifiers: [] }), /^InvalidParameterException: 1 validation error detected/);
    live.destroy();
  });

  it('boto3 (as CLI v2) reads the stream: the session starts, then each line as it arrives', async () => {
    const tail = spawn('python3', ['-c', LIVE_TAIL, '/sdk/live', wharf.endpoint], { env: wharf.env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    tail.stdout.on('data', (chunk) => (out += chunk));
    const exited = new Promise<number | null>((resolve) => tail.once('exit', resolve));
    await eventually(async () => out.includes('STARTED') || undefined, 'the live tail session to start', 30_000);
    await logs.send(new PutLogEventsCommand({ logGroupName: '/sdk/live', logStreamName: 'other', logEvents: ['b1', 'b2', 'END'].map((message, i) => ({ timestamp: Date.now() + i, message })) }));
    assert.equal(await exited, 0);
    assert.deepEqual(out.trim().split('\n'), ['STARTED', 'b1', 'b2', 'END']);
  });
});

describe('aws logs tail --follow (CLI v2\'s polling, through boto3)', () => {
  it('shows every line of every stream once, each stream in order, as the lines come', async () => {
    const logGroupName = '/tail/follow';
    await logs.send(new CreateLogGroupCommand({ logGroupName }));
    for (const logStreamName of ['a', 'b']) await logs.send(new CreateLogStreamCommand({ logGroupName, logStreamName }));
    const tail = run('python3', ['-c', TAIL_FOLLOW, logGroupName, wharf.endpoint], { env: wharf.env });
    const written: string[] = [];
    for (let batch = 0; batch < 4; batch++) {
      const base = Date.now();
      for (const logStreamName of ['a', 'b']) {
        // Many lines share a millisecond, as a busy container's do, and batches come while the follower polls.
        const logEvents = Array.from({ length: 150 }, (_, i) => ({ timestamp: base + Math.floor(i / 25), message: `${logStreamName}${batch} l${i}` }));
        await logs.send(new PutLogEventsCommand({ logGroupName, logStreamName, logEvents }));
        written.push(...logEvents.map((e) => `${logStreamName} ${e.message}`));
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    await logs.send(new PutLogEventsCommand({ logGroupName, logStreamName: 'a', logEvents: [{ timestamp: Date.now() + 5, message: 'END' }] }));
    const shown = (await tail).stdout.trim().split('\n');
    assert.equal(shown.pop(), 'a END');
    assert.equal(new Set(shown).size, shown.length, 'no line twice');
    for (const stream of ['a', 'b']) assert.deepEqual(shown.filter((l) => l.startsWith(`${stream} `)), written.filter((l) => l.startsWith(`${stream} `)));
  });
});

describe('the awslogs log driver', () => {
  const taskWhen = (taskArn: string, status: string) =>
    eventually(async () => {
      const { tasks: [task] = [] } = await wharf.ecs().send(new DescribeTasksCommand({ tasks: [taskArn] }));
      return task?.lastStatus === status ? task : undefined;
    }, `task ${taskArn} ${status}`, 60_000);

  /** Runs a busybox task that prints `count` lines (`line 1`...) through awslogs, one every `pauseUs`. */
  async function printer(family: string, count: number, pauseUs: number, options: Record<string, string> = {}, executionRoleArn?: string): Promise<Task> {
    await wharf.ecs().send(new RegisterTaskDefinitionCommand({
      family,
      executionRoleArn,
      containerDefinitions: [{
        name: 'printer',
        image: IMAGE,
        memory: 32,
        command: ['sh', '-c', `i=1; while [ $i -le ${count} ]; do echo "line $i"; ${pauseUs ? `usleep ${pauseUs};` : ''} i=$((i+1)); done`],
        logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/printer', 'awslogs-region': 'us-east-1', 'awslogs-stream-prefix': family, ...options } },
      }],
    }));
    const { tasks: [task] = [], failures } = await wharf.ecs().send(new RunTaskCommand({ taskDefinition: family }));
    assert.ok(task, JSON.stringify(failures));
    return task;
  }

  /** Every message of the stream, through GetLogEvents' forward tokens until the same token comes back. */
  async function streamMessages(logStreamName: string, logGroupName = '/ecs/printer'): Promise<string[]> {
    const messages: string[] = [];
    let nextToken: string | undefined;
    for (;;) {
      const out = await logs.send(new GetLogEventsCommand({ logGroupName, logStreamName, startFromHead: true, nextToken }));
      messages.push(...(out.events ?? []).map((e) => e.message!));
      if (out.nextForwardToken === nextToken) return messages;
      nextToken = out.nextForwardToken;
    }
  }

  async function filteredMessages(logStreamName: string): Promise<string[]> {
    const messages: string[] = [];
    let nextToken: string | undefined;
    do {
      const out = await logs.send(new FilterLogEventsCommand({ logGroupName: '/ecs/printer', logStreamNames: [logStreamName], filterPattern: 'line', nextToken }));
      messages.push(...(out.events ?? []).map((e) => e.message!));
      nextToken = out.nextToken;
    } while (nextToken);
    return messages;
  }

  const lines = (count: number) => Array.from({ length: count }, (_, i) => `line ${i + 1}`);

  before(async () => {
    await logs.send(new CreateLogGroupCommand({ logGroupName: '/ecs/printer' }));
  });

  it('a task that prints and exits has every line in its stream, in order, once it is STOPPED', async () => {
    const task = await printer('burst', 5000, 0);
    const stopped = await taskWhen(task.taskArn!, 'STOPPED');
    assert.equal(stopped.containers?.[0]?.exitCode, 0);
    // Nothing to wait for: the agent reports STOPPED only once every line was sent.
    const stream = `burst/printer/${task.taskArn!.split('/').at(-1)}`;
    assert.deepEqual(await streamMessages(stream), lines(5000));
    assert.deepEqual(await filteredMessages(stream), lines(5000));
  });

  it('an agent restart in mid-stream loses no line and sends none twice', async () => {
    const task = await printer('restarted', 1500, 2000);
    const stream = `restarted/printer/${task.taskArn!.split('/').at(-1)}`;
    await eventually(async () => ((await streamMessages(stream).catch(() => [])).length > 100 ? true : undefined), 'the first lines sent');
    await wharf.restart();
    await taskWhen(task.taskArn!, 'STOPPED');
    assert.deepEqual(await streamMessages(stream), lines(1500));
  });

  it('a task with an execution role sends its lines as that role', async () => {
    const iam = new IAMClient({ endpoint: wharf.endpoint, region: 'us-east-1', credentials: wharf.credentials });
    const { Role } = await iam.send(new CreateRoleCommand({
      RoleName: 'logs-writer',
      AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }] }),
    }));
    await iam.send(new PutRolePolicyCommand({
      RoleName: 'logs-writer',
      PolicyName: 'logs',
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'], Resource: 'arn:aws:logs:*:*:log-group:/ecs/as-role*' }] }),
    }));
    iam.destroy();
    const task = await printer('as-role', 50, 0, { 'awslogs-group': '/ecs/as-role', 'awslogs-create-group': 'true' }, Role!.Arn!);
    await taskWhen(task.taskArn!, 'STOPPED');
    const stream = `as-role/printer/${task.taskArn!.split('/').at(-1)}`;
    assert.deepEqual(await streamMessages(stream, '/ecs/as-role'), lines(50));
  });

  it('awslogs-multiline-pattern joins the lines that do not start an event to the one before', async () => {
    await wharf.ecs().send(new RegisterTaskDefinitionCommand({
      family: 'multiline',
      containerDefinitions: [{
        name: 'printer',
        image: IMAGE,
        memory: 32,
        command: ['sh', '-c', 'echo "ERROR boom"; echo "  at one"; echo "  at two"; echo "INFO fine"'],
        logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/printer', 'awslogs-stream-prefix': 'multiline', 'awslogs-multiline-pattern': '(ERROR|INFO)' } },
      }],
    }));
    const { tasks: [task] = [] } = await wharf.ecs().send(new RunTaskCommand({ taskDefinition: 'multiline' }));
    await taskWhen(task!.taskArn!, 'STOPPED');
    assert.deepEqual(await streamMessages(`multiline/printer/${task!.taskArn!.split('/').at(-1)}`), ['ERROR boom\n  at one\n  at two', 'INFO fine']);
  });

  it('options Docker or CloudWatch Logs would refuse stop the task before its container is made', async () => {
    const task = await printer('refused', 1, 0, { 'awslogs-group': 'bad:group' });
    const stopped = await taskWhen(task.taskArn!, 'STOPPED');
    assert.match(stopped.containers?.[0]?.reason ?? '', /CannotCreateContainerError: failed to initialize logging driver/);
  });
});
