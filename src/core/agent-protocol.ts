// The channel between the control plane and a container-instance agent, like ECS's ACS: the agent opens a
// WebSocket to the endpoint that DiscoverPollEndpoint returns (path AGENT_CHANNEL_PATH, signed with SigV4)
// and the control plane pushes, level-based, the whole set of tasks it wants on that instance. The agent
// converges on it and reports state changes through the ECS API (SubmitTaskStateChange,
// SubmitContainerStateChange), as the real agent does.
import type { TaskDefinition, TaskOverride } from '@aws-sdk/client-ecs';

export const AGENT_CHANNEL_PATH = '/_wharf/agent';

/** One task the control plane wants on an instance, with everything needed to run it. */
export interface TaskAssignment {
  taskArn: string;
  clusterArn: string;
  desiredStatus: 'RUNNING' | 'STOPPED';
  taskDefinitionArn: string;
  taskDefinition: TaskDefinition;
  overrides: TaskOverride;
  /** Container ARNs by container name, so state reports name the containers ECS created. */
  containerArns: Record<string, string>;
  /** Task-level cpu and memory after overrides (strings, as in ECS). */
  cpu?: string;
  memory?: string;
  stoppedReason?: string;
}

/** Control plane -> agent. `tasks` is the full desired set: a task not in it is not wanted on the instance. */
export type ControlMessage = { type: 'tasks'; tasks: TaskAssignment[] };

/** Container health that ECS reports outside SubmitContainerStateChange (the real agent uses TCS). */
export interface ContainerHealth {
  taskArn: string;
  containerName: string;
  healthStatus: 'HEALTHY' | 'UNHEALTHY' | 'UNKNOWN';
}

/** Agent -> control plane. */
export type AgentMessage = { type: 'health'; health: ContainerHealth[] };
