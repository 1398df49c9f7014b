// The service-linked roles Wharf's services use, as AWS defines them: the role's name, the AWS managed
// policy attached to it, and its description. Each lives at /aws-service-role/<service>/ and trusts only
// its service; only CreateServiceLinkedRole and DeleteServiceLinkedRole change them.

export interface ServiceLinkedRole {
  roleName: string;
  policyArn: string;
  description: string;
}

export const SERVICE_LINKED_ROLES: Readonly<Record<string, ServiceLinkedRole>> = {
  'ecs.amazonaws.com': {
    roleName: 'AWSServiceRoleForECS',
    policyArn: 'arn:aws:iam::aws:policy/aws-service-role/AmazonECSServiceRolePolicy',
    description: 'Role to enable Amazon ECS to manage your cluster.',
  },
  'elasticloadbalancing.amazonaws.com': {
    roleName: 'AWSServiceRoleForElasticLoadBalancing',
    policyArn: 'arn:aws:iam::aws:policy/aws-service-role/AWSElasticLoadBalancingServiceRolePolicy',
    description: "Allows ELB to call AWS services on customer's behalf.",
  },
  'ecs.application-autoscaling.amazonaws.com': {
    roleName: 'AWSServiceRoleForApplicationAutoScaling_ECSService',
    policyArn: 'arn:aws:iam::aws:policy/aws-service-role/AWSApplicationAutoscalingECSServicePolicy',
    description: '',
  },
};

export const serviceLinkedRolePath = (service: string) => `/aws-service-role/${service}/`;

/** The trust policy of a service-linked role: its service, and nobody else, may assume it. */
export const serviceLinkedTrustPolicy = (service: string) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }] });

/** DeleteServiceLinkedRole's task id: `task/<role path without its leading slash><role name>/<id>`. */
export const deletionTaskId = (service: string, roleName: string, id: string) => `task${serviceLinkedRolePath(service)}${roleName}/${id}`;

export const isDeletionTaskId = (taskId: string) => /^task\/aws-service-role\/[^/]+\/[^/]+\/[\w-]+$/.test(taskId);
