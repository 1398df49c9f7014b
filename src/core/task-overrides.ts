// ECS's override rules: what a task runs after RunTask/StartTask `overrides` (container command,
// environment, cpu and memory; task cpu, memory, roles, ephemeral storage) are applied to its definition.
// Placement sizes tasks and the control plane sends agents definitions by these same rules.
import type { ContainerDefinition, KeyValuePair, TaskDefinition, TaskOverride } from '@aws-sdk/client-ecs';

/**
 * The task definition as the task runs it: container and task-level overrides applied (command and
 * resources replaced, environment variables merged by name), so an agent needs nothing else.
 */
export function withOverrides(definition: TaskDefinition, overrides: TaskOverride | undefined): TaskDefinition {
  if (!overrides) return definition;
  const container = (c: ContainerDefinition): ContainerDefinition => {
    const o = overrides.containerOverrides?.find((x) => x.name === c.name);
    if (!o) return c;
    return {
      ...c,
      ...(o.command && { command: o.command }),
      ...(o.environment && { environment: mergeEnvironment(c.environment ?? [], o.environment) }),
      ...(o.environmentFiles && { environmentFiles: o.environmentFiles }),
      ...(o.cpu !== undefined && { cpu: o.cpu }),
      ...(o.memory !== undefined && { memory: o.memory }),
      ...(o.memoryReservation !== undefined && { memoryReservation: o.memoryReservation }),
      ...(o.resourceRequirements && { resourceRequirements: o.resourceRequirements }),
    };
  };
  return {
    ...definition,
    containerDefinitions: definition.containerDefinitions?.map(container),
    ...(overrides.cpu !== undefined && { cpu: overrides.cpu }),
    ...(overrides.memory !== undefined && { memory: overrides.memory }),
    ...(overrides.taskRoleArn !== undefined && { taskRoleArn: overrides.taskRoleArn }),
    ...(overrides.executionRoleArn !== undefined && { executionRoleArn: overrides.executionRoleArn }),
    ...(overrides.ephemeralStorage !== undefined && { ephemeralStorage: overrides.ephemeralStorage }),
  };
}

function mergeEnvironment(base: KeyValuePair[], overrides: KeyValuePair[]): KeyValuePair[] {
  const byName = new Map(base.map((e) => [e.name, e]));
  for (const e of overrides) byName.set(e.name, e);
  return [...byName.values()];
}
