// The engine's actions on one container, through the runtime: ensure its image, create and start it (the
// task's volumes and host resources first), stop it. Each ends by updating the container's record; a
// failure marks the container STOPPED with ECS's reason (CannotPullContainerError, ...).
import { randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TaskAssignment } from '../core/agent-protocol.js';
import type { Logger } from '../core/ports.js';
import { isRuntimeError, type ContainerRuntime, type ContainerSpec, type ContainerState } from '../core/runtime.js';
import { LABELS, containerEngineName, containerSpec, taskVolumes, type TaskHostResources, type TaskVolume } from './container-config.js';
import { parseEcrImageName } from '../core/ecr.js';
import type { ImagePulls } from './image-pulls.js';
import { errorMessage, type LocalContainer, type LocalTask } from './local-task.js';
import { resolveHostPaths, taskRefusal, type SecuritySettings } from './security-settings.js';
import type { TaskResources } from './task-resources.js';

/** Extra environment for a container (e.g. ECS_CONTAINER_METADATA_URI_V4 once the metadata endpoint exists). */
export type ContainerEnvironmentHook = (task: TaskAssignment, containerName: string) => Record<string, string>;

/** Environment the ECS agent gives every container on an EC2 container instance. */
const AGENT_ENVIRONMENT = { AWS_EXECUTION_ENV: 'AWS_ECS_EC2' };

/** A failed stop is tried again after this long rather than at once. */
const ACTION_RETRY_MS = 1000;

export interface ContainerActionsOptions {
  runtime: ContainerRuntime;
  /** Gets containers' images (ECR's from Wharf's registry). */
  images: ImagePulls;
  log: Logger;
  cluster: string;
  containerInstanceArn: string;
  resources?: TaskResources;
  containerEnvironment?: ContainerEnvironmentHook;
  /** The resolvers containers with a network of their own get (containerSpec). */
  resolvers?: string[];
  /** What tasks may do here: a task the settings refuse fails before any of its containers is made. */
  security?: SecuritySettings;
  signal: AbortSignal;
  /** A container was created: the engine maps its runtime id to it. */
  created(task: LocalTask, container: LocalContainer): void;
  started(task: LocalTask, container: LocalContainer): void;
  /** Folds an inspection into the container's record. */
  observe(task: LocalTask, container: LocalContainer, state: ContainerState): void;
  /** Inspects the container and folds what it finds (a vanished one is STOPPED). */
  inspect(task: LocalTask, container: LocalContainer): Promise<void>;
}

export class ContainerActions {
  /** Per task, why the settings refuse it (undefined: allowed); checked once, before its first container. */
  private readonly refusals = new WeakMap<LocalTask, Promise<string | undefined>>();
  /** The name each container's image runs under, once ensured (an ECR image's registry address). */
  private readonly toRun = new WeakMap<LocalContainer, string>();

  constructor(private readonly options: ContainerActionsOptions) {}

  private get runtime() {
    return this.options.runtime;
  }

  /** Ensures the image of a container that waits for its dependencies, so it starts the moment they resolve. */
  async pull(task: LocalTask, container: LocalContainer): Promise<void> {
    if ((await this.pullImage(task, container)) && container.phase === 'PENDING') container.phase = 'PULLED';
  }

  async start(task: LocalTask, container: LocalContainer): Promise<void> {
    const assignment = task.assignment!;
    if (!container.runtimeId) {
      const refused = await this.refusal(task).catch((err: unknown) => errorMessage(err));
      if (refused) return this.fail(task, container, 'CannotCreateContainerError', new Error(refused));
    }
    const volumes = this.volumes(task);
    let host: TaskHostResources | undefined;
    try {
      await this.prepareVolumes(task, volumes);
      const resources = this.options.resources;
      // Made as soon as it can be (awsvpc: while the task's interface is plumbed), started once all is set up.
      if (resources?.needs(assignment)) host = await resources.creatable(assignment);
    } catch (err) {
      return this.fail(task, container, 'ResourceInitializationError', err);
    }
    // An ECR image runs under its registry's name: resolved (and pulled as ECS_IMAGE_PULL_BEHAVIOR says) first.
    if (!container.runtimeId && !this.toRun.has(container) && parseEcrImageName(container.def!.image!) && !(await this.pullImage(task, container))) return;
    if (!container.runtimeId) {
      const engineName = containerEngineName(assignment, container.name, randomBytes(10).toString('hex'));
      const siblings = Object.fromEntries(
        [...task.containers.values()].filter((c) => c.engineName).map((c) => [c.name, c.engineName!]),
      );
      let spec: ContainerSpec;
      try {
        spec = containerSpec({
          task: assignment,
          container: container.def!,
          engineName,
          cluster: this.options.cluster,
          containerInstanceArn: this.options.containerInstanceArn,
          volumes,
          siblings,
          agentEnvironment: { ...AGENT_ENVIRONMENT, ...this.options.containerEnvironment?.(assignment, container.name) },
          resolvers: this.options.resolvers,
          host,
        });
      } catch (err) {
        // A configuration the engine would refuse (a log driver's options), refused as Docker refuses it.
        return this.fail(task, container, 'CannotCreateContainerError', err);
      }
      spec.image = this.toRun.get(container) ?? spec.image;
      container.runtimeId = await this.create(task, container, spec);
      if (!container.runtimeId) return;
      container.engineName = engineName;
      this.options.created(task, container);
    }
    try {
      if (host) await this.options.resources!.prepare(assignment);
    } catch (err) {
      return this.fail(task, container, 'ResourceInitializationError', err);
    }
    try {
      await this.runtime.startContainer(container.runtimeId);
    } catch (err) {
      // Docker mounts an EFS volume's NFS export as the container starts: a failed mount is ECS's failed EFS set-up.
      const efs = volumes.some((v) => v.kind === 'volume' && v.efs && container.def!.mountPoints?.some((m) => m.sourceVolume === v.name));
      if (efs && /failed to mount local volume/.test(errorMessage(err))) {
        return this.fail(task, container, 'ResourceInitializationError', new Error(`failed to invoke EFS utils commands to set up EFS volumes: ${errorMessage(err)}`));
      }
      return this.fail(task, container, 'CannotStartContainerError', err);
    }
    container.started = true;
    container.startedAt = Date.now();
    if (container.phase === 'PENDING' || container.phase === 'PULLED') container.phase = 'RUNNING';
    this.options.log.info('container started', { taskArn: task.arn, containerName: container.name, runtimeId: container.runtimeId });
    this.options.started(task, container);
    const ports = container.def!.portMappings ?? [];
    if (assignment.taskDefinition.networkMode === 'host') {
      // Host networking binds container ports on the host as they are.
      container.networkBindings = ports.map((p) => ({
        bindIP: '0.0.0.0',
        containerPort: p.containerPort!,
        hostPort: p.containerPort!,
        protocol: p.protocol ?? 'tcp',
      }));
    } else if (ports.length) {
      // Dynamic host ports are known only once Docker has bound them.
      this.options.observe(task, container, await this.runtime.inspectContainer(container.runtimeId));
    }
  }

  async stop(task: LocalTask, container: LocalContainer): Promise<void> {
    try {
      await this.runtime.stopContainer(container.runtimeId!, container.stopTimeoutSeconds);
    } catch (err) {
      if (!isRuntimeError(err, 'ContainerNotFound')) {
        this.options.log.warn('container stop failed', { taskArn: task.arn, containerName: container.name, error: errorMessage(err) });
        await sleep(ACTION_RETRY_MS, undefined, { signal: this.options.signal }).catch(() => undefined);
        return;
      }
    }
    await this.options.inspect(task, container);
  }

  /** Ensures the container's image (pulled when needed, the task's pull timed); false when it cannot (the container then failed). */
  private async pullImage(task: LocalTask, container: LocalContainer): Promise<boolean> {
    let pulled = false;
    try {
      const run = await this.options.images.ensure(task.assignment!, container.def!.image!, this.options.signal, () => {
        pulled = true;
        task.pullStartedAt ??= new Date();
        this.options.log.info('pulling image', { taskArn: task.arn, image: container.def!.image });
      });
      this.toRun.set(container, run.image);
      if (run.digest) container.imageDigest = run.digest;
      return true;
    } catch (err) {
      this.fail(task, container, 'CannotPullContainerError', err);
      return false;
    } finally {
      if (pulled) task.pullStoppedAt = new Date();
    }
  }

  /**
   * Creates the container. No image check on the way to a start: the image is pulled only when the engine
   * says it is missing, then the create is tried once more. Undefined when it failed.
   */
  private async create(task: LocalTask, container: LocalContainer, spec: ContainerSpec): Promise<string | undefined> {
    try {
      return await this.runtime.createContainer(spec);
    } catch (err) {
      if (!isRuntimeError(err, 'ImageNotFound')) return void this.fail(task, container, 'CannotCreateContainerError', err);
    }
    this.toRun.delete(container);
    if (!(await this.pullImage(task, container))) return undefined;
    try {
      return await this.runtime.createContainer({ ...spec, image: this.toRun.get(container) ?? spec.image });
    } catch (err) {
      return void this.fail(task, container, 'CannotCreateContainerError', err);
    }
  }

  private fail(task: LocalTask, container: LocalContainer, reason: string, err: unknown): void {
    container.phase = 'STOPPED';
    container.reason = `${reason}: ${errorMessage(err)}`;
    this.options.log.warn('container failed', { taskArn: task.arn, containerName: container.name, reason: container.reason });
  }

  /** Why this instance's settings do not let the task run, or undefined; looked at once per task. */
  private refusal(task: LocalTask): Promise<string | undefined> {
    const security = this.options.security;
    if (!security) return Promise.resolve(undefined);
    let refusal = this.refusals.get(task);
    if (!refusal) {
      const definition = task.assignment!.taskDefinition;
      refusal = resolveHostPaths(definition).then((real) => taskRefusal(definition, security, (p) => real.get(p) ?? p));
      this.refusals.set(task, refusal);
    }
    return refusal;
  }

  /** Creates the task's volumes once, before its first container. */
  private prepareVolumes(task: LocalTask, volumes: TaskVolume[]): Promise<void> {
    task.volumes ??= (async () => {
      for (const volume of volumes) {
        if (volume.kind === 'unsupported') throw new Error(volume.reason);
        // Bound on another host, Docker would make an empty directory there: the data would silently diverge.
        if (volume.kind === 'bind' && volume.onServerHost && !(await stat(volume.sourcePath).catch(() => undefined))?.isDirectory()) {
          throw new Error(`failed to invoke EFS utils commands to set up EFS volumes: volume ${volume.name}: the file system is not on this container instance's host (across hosts EFS needs NFS: docs/efs.md)`);
        }
        if (volume.kind !== 'volume') continue;
        if (volume.scope === 'shared' && (await this.runtime.hasVolume(volume.spec.name))) continue;
        if (volume.scope === 'shared' && !volume.autoprovision) {
          throw new Error(`shared volume ${volume.spec.name} does not exist and autoprovision is off`);
        }
        await this.runtime.createVolume(volume.spec);
      }
    })();
    return task.volumes;
  }

  private volumes(task: LocalTask): TaskVolume[] {
    return taskVolumes(task.assignment!, {
      [LABELS.taskArn]: task.arn,
      [LABELS.cluster]: this.options.cluster,
      [LABELS.containerInstanceArn]: this.options.containerInstanceArn,
    });
  }
}

/** Removes a stopped task's containers and its task-scoped volumes (shared ones never carry the task's label). */
export async function removeTaskContainers(runtime: ContainerRuntime, log: Logger, task: LocalTask): Promise<void> {
  for (const c of task.containers.values()) {
    if (!c.runtimeId) continue;
    await runtime.removeContainer(c.runtimeId).catch((err: unknown) =>
      log.warn('container removal failed', { taskArn: task.arn, runtimeId: c.runtimeId, error: errorMessage(err) }),
    );
  }
  const volumes = await runtime.listVolumes({ [LABELS.taskArn]: task.arn }).catch(() => []);
  for (const name of volumes) {
    await runtime.removeVolume(name).catch((err: unknown) => log.warn('volume removal failed', { taskArn: task.arn, volume: name, error: errorMessage(err) }));
  }
}
