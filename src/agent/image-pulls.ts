// The images containers run, as the ECS agent gets them. An ECR image of any region
// (`<account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>`) is pulled from Wharf's registry: the
// agent asks GetAuthorizationToken (as the task's execution role, else as its instance role) and runs the
// image under the registry's address its proxyEndpoint gives; an image named by that address is pulled
// with the same login. ECS_IMAGE_PULL_BEHAVIOR says when an ECR
// image is pulled again: `default` pulls and falls back to a cached copy, `always` pulls, `once` pulls the
// first time this agent needs it, `prefer-cached` uses a cached copy. Other images are used when present
// and pulled when not (nothing else is reachable from these hosts; docs/ecr.md).
import { ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { Agent as HttpsAgent } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RoleCredentials, TaskAssignment } from '../core/agent-protocol.js';
import { parseEcrImageName } from '../core/ecr.js';
import type { Logger } from '../core/ports.js';
import type { ContainerRuntime, RegistryAuth } from '../core/runtime.js';

export const IMAGE_PULL_BEHAVIORS = ['default', 'always', 'once', 'prefer-cached'] as const;
export type ImagePullBehavior = (typeof IMAGE_PULL_BEHAVIORS)[number];

/** ECS_IMAGE_PULL_BEHAVIOR, as the ECS agent reads it (unset: default). */
export function imagePullBehavior(value: string | undefined): ImagePullBehavior {
  if (value === undefined || value === '') return 'default';
  if (!(IMAGE_PULL_BEHAVIORS as readonly string[]).includes(value)) throw new Error(`ECS_IMAGE_PULL_BEHAVIOR must be one of ${IMAGE_PULL_BEHAVIORS.join(', ')}, not ${value}`);
  return value as ImagePullBehavior;
}

export interface ImagePullsOptions {
  runtime: ContainerRuntime;
  /** Where GetAuthorizationToken is asked (the control plane), and as whom for tasks without an execution role (the instance role). */
  ecr?: {
    endpoint: string;
    region: string;
    ca?: string;
    instanceCredentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
    /** A task's execution role credentials, as the control plane last sent them. */
    executionCredentials(taskArn: string): RoleCredentials | undefined;
  };
  behavior: ImagePullBehavior;
  log: Logger;
}

export interface ImageToRun {
  /** The name the runtime knows the image by (an ECR image's registry address). */
  image: string;
  digest?: string;
}

interface Login {
  address: string;
  auth: RegistryAuth;
  expiresAt: number;
}

/** A registry on this host's loopback: Wharf's, when GetAuthorizationToken names it. */
const LOOPBACK_REGISTRY = /^(?:127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost):\d+$/;

/** A token is used until this long before it expires. */
const TOKEN_MARGIN_MS = 60 * 60 * 1000;

export class ImagePulls {
  private readonly logins = new Map<string, Login>();
  /** ECR images this agent pulled (`once`). */
  private readonly pulled = new Set<string>();

  constructor(private readonly options: ImagePullsOptions) {}

  /**
   * The image a container of `task` runs, present in the runtime; `pulling` is called before a pull. Throws
   * what CannotPullContainerError reports.
   */
  async ensure(task: TaskAssignment, image: string, signal: AbortSignal, pulling: () => void): Promise<ImageToRun> {
    const { runtime } = this.options;
    const target = await this.target(task, image, signal);
    if (!target) {
      if (!(await runtime.hasImage(image))) {
        pulling();
        await runtime.pullImage(image, signal);
      }
      return { image };
    }
    const { local, login } = target;
    const cached = () => runtime.hasImage(local);
    const behavior = this.options.behavior;
    const reuse = (behavior === 'prefer-cached' || (behavior === 'once' && this.pulled.has(local))) && (await cached());
    if (!reuse) {
      pulling();
      try {
        await runtime.pullImage(local, signal, login.auth);
        this.pulled.add(local);
      } catch (err) {
        const fallback = behavior === 'default' && (await cached());
        if (!fallback) throw new Error(pullFailure(image, (err as Error).message));
        this.options.log.warn('image pull failed; using the cached image', { image, error: (err as Error).message });
      }
    }
    return { image: local, digest: await runtime.imageDigest(local).catch(() => undefined) };
  }

  /**
   * Where an image of Wharf's registry is pulled from, and with which login: an ECR name of any region, or
   * the registry's own loopback address (what GetAuthorizationToken in the agent's region answers).
   */
  private async target(task: TaskAssignment, image: string, signal: AbortSignal): Promise<{ local: string; login: Login } | undefined> {
    const ecr = parseEcrImageName(image);
    if (ecr) {
      const login = await this.login(task, ecr.region, signal);
      return { local: `${login.address}/${ecr.repositoryName}${ecr.reference}`, login };
    }
    const host = image.slice(0, Math.max(image.indexOf('/'), 0));
    const region = this.options.ecr?.region;
    if (!region || !LOOPBACK_REGISTRY.test(host)) return undefined;
    const login = await this.login(task, region, signal).catch(() => undefined);
    return login?.address === host ? { local: image, login } : undefined;
  }

  private async executionCredentials(taskArn: string, signal: AbortSignal): Promise<RoleCredentials> {
    const deadline = Date.now() + CREDENTIALS_WAIT_MS;
    for (;;) {
      const credentials = this.options.ecr!.executionCredentials(taskArn);
      if (credentials) return credentials;
      if (Date.now() > deadline || signal.aborted) throw new Error('The task cannot pull registry auth from Amazon ECR: its execution role has no credentials');
      await sleep(200, undefined, { signal }).catch(() => undefined);
    }
  }

  /** The registry's address and credentials for the task's pulls in `region`, from GetAuthorizationToken (kept until near expiry). */
  private async login(task: TaskAssignment, region: string, signal: AbortSignal): Promise<Login> {
    const ecr = this.options.ecr;
    if (!ecr) throw new Error('The task cannot pull registry auth from Amazon ECR: this agent has no control plane to ask');
    const execution = task.taskDefinition.executionRoleArn ? await this.executionCredentials(task.taskArn, signal) : undefined;
    const key = `${execution?.accessKeyId ?? 'instance'} ${region}`;
    const known = this.logins.get(key);
    if (known && known.expiresAt - TOKEN_MARGIN_MS > Date.now()) return known;
    const { endpoint, ca } = ecr;
    const client = new ECRClient({
      endpoint,
      region,
      credentials: execution ? { accessKeyId: execution.accessKeyId, secretAccessKey: execution.secretAccessKey, sessionToken: execution.sessionToken } : ecr.instanceCredentials,
      ...(ca && { requestHandler: { httpsAgent: new HttpsAgent({ ca }) } }),
    });
    try {
      const { authorizationData = [] } = await client.send(new GetAuthorizationTokenCommand({}));
      const data = authorizationData[0];
      if (!data?.authorizationToken || !data.proxyEndpoint) throw new Error('GetAuthorizationToken answered no token');
      const [username, ...rest] = Buffer.from(data.authorizationToken, 'base64').toString('utf8').split(':');
      const address = data.proxyEndpoint.replace(/^https?:\/\//, '').replace(/\/$/, '');
      const login = { address, auth: { username: username!, password: rest.join(':'), serveraddress: address }, expiresAt: data.expiresAt?.getTime() ?? Date.now() };
      this.logins.set(key, login);
      return login;
    } catch (err) {
      throw new Error(`The task cannot pull registry auth from Amazon ECR: ${(err as Error).name}: ${(err as Error).message}`);
    } finally {
      client.destroy();
    }
  }
}

/** How long a pull waits for the execution role's credentials, which the control plane sends just after the task. */
const CREDENTIALS_WAIT_MS = 30_000;

/** ECS's wording for a pull that failed: the image missing, or the pull refused. */
function pullFailure(image: string, cause: string): string {
  if (/denied|unauthorized|forbidden|403|401/i.test(cause))
    return `pull image manifest has been retried 1 time(s): failed to resolve ref ${image}: pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed`;
  if (/not found|manifest unknown|name unknown|404/i.test(cause)) return `pull image manifest has been retried 1 time(s): failed to resolve ref ${image}: ${image}: not found`;
  return `pull image manifest has been retried 1 time(s): ${cause}`;
}
