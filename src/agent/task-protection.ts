// The agent's task scale-in protection endpoint, `${ECS_AGENT_URI}/task-protection/v1/state`, as ECS's agent
// serves it ("Amazon ECS task scale-in protection endpoint"): GET answers the task's protection, PUT sets it
// from `{"ProtectionEnabled": bool, "ExpiresInMinutes"?: int}`. The agent calls GetTaskProtection and
// UpdateTaskProtection on the task's behalf with the task's own role credentials, so the task role must
// allow them; a task without a role is refused. Answers are ECS's agent's: `{"protection": {...}}`,
// `{"failure": {...}}` for a failure ECS reported, `{"error": {...}}` with the API error's status.
import { Agent as HttpsAgent } from 'node:https';
import {
  ECSClient,
  ECSServiceException,
  GetTaskProtectionCommand,
  UpdateTaskProtectionCommand,
  type Failure,
  type GetTaskProtectionRequest,
  type GetTaskProtectionResponse,
  type ProtectedTask,
  type UpdateTaskProtectionRequest,
  type UpdateTaskProtectionResponse,
} from '@aws-sdk/client-ecs';
import type { RoleCredentials, TaskAssignment } from '../core/agent-protocol.js';

/** The two ECS calls the endpoint makes, signed with the task role's credentials. */
export interface TaskProtectionClient {
  getTaskProtection(credentials: RoleCredentials, input: GetTaskProtectionRequest): Promise<GetTaskProtectionResponse>;
  updateTaskProtection(credentials: RoleCredentials, input: UpdateTaskProtectionRequest): Promise<UpdateTaskProtectionResponse>;
}

/** The calls through the control plane's ECS API, one short-lived client per call (each with its task's keys). */
export function ecsTaskProtectionClient(options: { endpoint: string; region: string; ca?: string | Buffer }): TaskProtectionClient {
  const httpsAgent = options.ca ? new HttpsAgent({ ca: options.ca, keepAlive: true }) : undefined;
  const withClient = async <T>(credentials: RoleCredentials, call: (client: ECSClient) => Promise<T>): Promise<T> => {
    const client = new ECSClient({
      endpoint: options.endpoint,
      region: options.region,
      credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey, sessionToken: credentials.sessionToken },
      ...(httpsAgent && { requestHandler: { httpsAgent } }),
    });
    try {
      return await call(client);
    } finally {
      client.destroy();
    }
  };
  return {
    getTaskProtection: (credentials, input) => withClient(credentials, (c) => c.send(new GetTaskProtectionCommand(input))),
    updateTaskProtection: (credentials, input) => withClient(credentials, (c) => c.send(new UpdateTaskProtectionCommand(input))),
  };
}

export interface EndpointAnswer {
  status: number;
  body: Record<string, unknown>;
}

const error = (status: number, arn: string, code: string, message: string): EndpointAnswer => ({ status, body: { error: { Arn: arn, Code: code, Message: message } } });

/** GET or PUT of the state path for `task`, `body` being PUT's raw body; `credentials` its task role's latest. */
export async function answerTaskProtection(
  client: TaskProtectionClient,
  task: Pick<TaskAssignment, 'taskArn' | 'clusterArn'>,
  credentials: RoleCredentials | undefined,
  method: string,
  body: string,
): Promise<EndpointAnswer> {
  const arn = task.taskArn;
  if (!credentials) return error(403, arn, 'AccessDeniedException', 'Invalid Request: no task IAM role credentials available for task');
  let request: UpdateTaskProtectionRequest | undefined;
  if (method === 'PUT') {
    const parsed = parseState(body);
    if (typeof parsed === 'string') return error(400, arn, 'InvalidParameterException', parsed);
    request = { cluster: task.clusterArn, tasks: [arn], protectionEnabled: parsed.ProtectionEnabled, expiresInMinutes: parsed.ExpiresInMinutes };
  }
  try {
    const out = request
      ? await client.updateTaskProtection(credentials, request)
      : await client.getTaskProtection(credentials, { cluster: task.clusterArn, tasks: [arn] });
    return answer(arn, out.protectedTasks, out.failures);
  } catch (err) {
    if (!(err instanceof ECSServiceException)) throw err;
    return error(err.$metadata.httpStatusCode ?? 500, arn, err.name, err.message);
  }
}

function answer(arn: string, tasks: ProtectedTask[] = [], failures: Failure[] = []): EndpointAnswer {
  const failure = failures[0];
  if (failure) return { status: 200, body: { failure: { Arn: failure.arn, Reason: failure.reason, Detail: failure.detail ?? null } } };
  const t = tasks[0];
  if (!t) return error(500, arn, 'ServerException', 'Unexpected response from ECS: no task protection and no failure');
  return {
    status: 200,
    body: { protection: { ExpirationDate: t.expirationDate ? new Date(t.expirationDate).toISOString() : null, ProtectionEnabled: t.protectionEnabled ?? false, TaskArn: t.taskArn } },
  };
}

/** PUT's body: ProtectionEnabled is required and boolean, ExpiresInMinutes an integer when given; or why not. */
function parseState(body: string): { ProtectionEnabled: boolean; ExpiresInMinutes?: number } | string {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return 'Invalid request: failed to decode request';
  }
  if (typeof value !== 'object' || value === null) return 'Invalid request: failed to decode request';
  const { ProtectionEnabled, ExpiresInMinutes } = value as Record<string, unknown>;
  if (typeof ProtectionEnabled !== 'boolean') return 'Invalid request: does not contain \'ProtectionEnabled\' field';
  if (ExpiresInMinutes !== undefined && ExpiresInMinutes !== null && !Number.isInteger(ExpiresInMinutes)) return 'Invalid request: ExpiresInMinutes must be an integer';
  return { ProtectionEnabled, ...(typeof ExpiresInMinutes === 'number' && { ExpiresInMinutes }) };
}
