// The awslogs log driver's options, read and checked as Docker's driver and ECS read them, and the stream a
// container's output goes to. Pure. Docker refuses an unknown option or a bad value when the container is
// made ("failed to initialize logging driver"); group and stream names are checked as CloudWatch Logs checks
// them, so nothing AWS would refuse leaves the agent.
import { isLogGroupName, isLogStreamName } from '../core/logs.js';

export interface AwslogsConfig {
  logGroupName: string;
  /** awslogs-region; without it, the agent's region. */
  region?: string;
  /** The stream, when `awslogs-stream` names it; otherwise made from the prefix (see `awslogsStreamName`). */
  logStreamName?: string;
  streamPrefix?: string;
  createGroup: boolean;
  /** non-blocking: lines past `maxBufferBytes` waiting to be sent are dropped, as Docker drops them. */
  mode: 'blocking' | 'non-blocking';
  maxBufferBytes: number;
  /** A line matching it starts a new event; the others are appended to the event before them. */
  multiline?: RegExp;
}

const OPTIONS = new Set([
  'awslogs-region',
  'awslogs-endpoint',
  'awslogs-group',
  'awslogs-create-group',
  'awslogs-stream',
  'awslogs-stream-prefix',
  'awslogs-datetime-format',
  'awslogs-multiline-pattern',
  'awslogs-credentials-endpoint',
  'awslogs-force-flush-interval-seconds',
  'awslogs-max-buffered-events',
  'awslogs-format',
  'mode',
  'max-buffer-size',
  'tag',
]);

/** Docker's default buffer for non-blocking mode (1 MB). */
const DEFAULT_MAX_BUFFER_BYTES = 1024 * 1024;

/** strftime directives Docker's driver turns into a regular expression for awslogs-datetime-format. */
const STRFTIME: Record<string, string> = {
  a: '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)',
  A: '(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)',
  b: '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)',
  B: '(?:January|February|March|April|May|June|July|August|September|October|November|December)',
  d: '(?:0[1-9]|[1,2][0-9]|3[0,1])',
  H: '(?:[0,1][0-9]|2[0-3])',
  I: '(?:0[0-9]|1[0-2])',
  j: '(?:0[0-9][1-9]|[1,2][0-9][0-9]|3[0-5][0-9]|36[0-6])',
  L: '\\.\\d{3}',
  m: '(?:0[1-9]|1[0-2])',
  M: '[0-5][0-9]',
  p: '[A,P]M',
  S: '[0-5][0-9]',
  y: '\\d{2}',
  Y: '\\d{4}',
  z: '[+-]\\d{4}',
  Z: '[A-Z]{1,4}T',
  f: '\\d{6}',
  '%': '%',
};

const invalid = (why: string) => new Error(`failed to initialize logging driver: ${why}`);

/** Docker's size strings (`25m`, `1g`, `512k`, `4096`). */
function parseSize(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?$/i.exec(text.trim());
  if (!match) return undefined;
  const unit = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[match[2]!.toLowerCase() as '' | 'k' | 'm' | 'g' | 't'];
  return Math.floor(Number(match[1]) * unit);
}

function datetimeRegExp(format: string): RegExp {
  let source = '';
  for (let i = 0; i < format.length; i++) {
    if (format[i] === '%' && i + 1 < format.length) {
      const directive = STRFTIME[format[++i]!];
      if (directive === undefined) throw invalid(`awslogs-datetime-format: unsupported directive %${format[i]}`);
      source += directive;
    } else {
      source += format[i]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}`);
}

/** The options of a container's awslogs configuration; throws Docker's refusal of a bad one. */
export function awslogsConfig(options: Record<string, string>): AwslogsConfig {
  const unknown = Object.keys(options).find((key) => !OPTIONS.has(key));
  if (unknown) throw invalid(`unknown log opt '${unknown}' for awslogs log driver`);
  const logGroupName = options['awslogs-group'];
  if (!logGroupName) throw invalid('must specify a value for log opt \'awslogs-group\'');
  if (!isLogGroupName(logGroupName)) throw invalid(`awslogs-group '${logGroupName}' is not a valid log group name`);
  const region = options['awslogs-region'];
  if (region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) throw invalid(`awslogs-region '${region}' is not a region`);
  const prefix = options['awslogs-stream-prefix'];
  if (prefix !== undefined && !isLogStreamName(prefix)) throw invalid(`awslogs-stream-prefix '${prefix}' is not valid`);
  const stream = options['awslogs-stream'];
  if (stream !== undefined && !isLogStreamName(stream)) throw invalid(`awslogs-stream '${stream}' is not a valid log stream name`);
  const createGroup = options['awslogs-create-group'] ?? 'false';
  if (!/^(true|false|1|0)$/i.test(createGroup)) throw invalid(`awslogs-create-group must be a boolean, not '${createGroup}'`);
  const mode = options.mode ?? 'blocking';
  if (mode !== 'blocking' && mode !== 'non-blocking') throw invalid(`logger: unknown mode: ${mode}`);
  let maxBufferBytes = DEFAULT_MAX_BUFFER_BYTES;
  if (options['max-buffer-size'] !== undefined) {
    if (mode !== 'non-blocking') throw invalid('logger: max-buffer-size option is only supported with \'mode=non-blocking\'');
    const size = parseSize(options['max-buffer-size']);
    if (!size) throw invalid(`logger: could not parse max-buffer-size '${options['max-buffer-size']}'`);
    maxBufferBytes = size;
  }
  const datetime = options['awslogs-datetime-format'];
  const pattern = options['awslogs-multiline-pattern'];
  if (datetime !== undefined && pattern !== undefined) throw invalid('you cannot configure log opt \'awslogs-datetime-format\' and \'awslogs-multiline-pattern\' at the same time');
  let multiline: RegExp | undefined;
  if (datetime !== undefined) multiline = datetimeRegExp(datetime);
  if (pattern !== undefined) {
    try {
      multiline = new RegExp(`^${pattern}`);
    } catch {
      throw invalid(`awslogs-multiline-pattern '${pattern}' is not a valid regular expression`);
    }
  }
  return {
    logGroupName,
    ...(region !== undefined && { region }),
    ...(stream !== undefined && { logStreamName: stream }),
    ...(prefix !== undefined && { streamPrefix: prefix }),
    createGroup: /^(true|1)$/i.test(createGroup),
    mode,
    maxBufferBytes,
    ...(multiline && { multiline }),
  };
}

/**
 * The stream a container writes to, as ECS names it: `prefix/container-name/task-id`; without a prefix,
 * Docker's default, the container's id. Checked as CloudWatch Logs checks stream names.
 */
export function awslogsStreamName(config: AwslogsConfig, containerName: string, taskId: string, runtimeId: string): string {
  const name = config.logStreamName ?? (config.streamPrefix !== undefined ? `${config.streamPrefix}/${containerName}/${taskId}` : runtimeId);
  if (!isLogStreamName(name)) throw invalid(`log stream name '${name}' is not valid`);
  return name;
}
