// The AWS services a VPC endpoint may name (`com.amazonaws.<region>.<service>`), with the endpoint types
// each offers, and the AWS-managed prefix lists of the two gateway services. Data, as AWS publishes it;
// Wharf keeps endpoints as records and routes nothing through them.
export type EndpointType = 'Gateway' | 'Interface';

/** Interface endpoints ECS users make (ECR, ECS, Logs, CloudWatch, Secrets Manager, SSM...), plus the two gateways. */
const SERVICES: Record<string, readonly EndpointType[]> = {
  s3: ['Gateway', 'Interface'],
  dynamodb: ['Gateway', 'Interface'],
  ...Object.fromEntries(
    [
      'application-autoscaling', 'autoscaling', 'ec2', 'ec2messages', 'ecr.api', 'ecr.dkr', 'ecs', 'ecs-agent', 'ecs-telemetry',
      'elasticfilesystem', 'elasticloadbalancing', 'events', 'execute-api', 'kms', 'lambda', 'logs', 'monitoring', 'secretsmanager',
      'servicediscovery', 'sns', 'sqs', 'ssm', 'ssmmessages', 'sts', 'xray',
    ].map((s) => [s, ['Interface'] as const]),
  ),
};

export const endpointServiceName = (region: string, service: string) => `com.amazonaws.${region}.${service}`;

/** The endpoint types a service name offers in `region`, or undefined when no such service exists there. */
export function endpointTypesOf(region: string, serviceName: string): readonly EndpointType[] | undefined {
  const prefix = `com.amazonaws.${region}.`;
  return serviceName.startsWith(prefix) ? SERVICES[serviceName.slice(prefix.length)] : undefined;
}

export const endpointServices = (region: string) => Object.entries(SERVICES).map(([service, types]) => ({ name: endpointServiceName(region, service), types }));

export interface ManagedPrefixList {
  PrefixListId: string;
  PrefixListName: string;
  Cidrs: string[];
}

/** us-east-1's real ids; elsewhere a stable id derived from the list's name. */
const KNOWN_IDS: Record<string, string> = { 'com.amazonaws.us-east-1.s3': 'pl-63a5400a', 'com.amazonaws.us-east-1.dynamodb': 'pl-02cd2c6b' };
const CIDRS: Record<string, string[]> = {
  s3: ['3.5.0.0/19', '16.182.0.0/16', '18.34.0.0/19', '52.216.0.0/15', '54.231.0.0/16'],
  dynamodb: ['3.218.180.0/22', '35.71.64.0/22', '52.94.0.0/22', '52.119.224.0/20'],
};

/** The gateway services' prefix lists in `region`. */
export function managedPrefixLists(region: string): ManagedPrefixList[] {
  return Object.entries(CIDRS).map(([service, Cidrs]) => {
    const PrefixListName = endpointServiceName(region, service);
    const PrefixListId = KNOWN_IDS[PrefixListName] ?? `pl-${fnv1a(PrefixListName).toString(16).padStart(8, '0')}`;
    return { PrefixListId, PrefixListName, Cidrs };
  });
}

/** FNV-1a, 32 bits: a stable id from a name. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}
