// Each served service's additions to the generic rule, by IAM prefix. A service not listed is authorised
// by the generic rule alone: adding one is adding its line here (and its rules file if it needs one).
import { ecsRules } from './ecs.js';
import { iamRules, stsRules } from './iam.js';
import type { ServiceRules } from './rules.js';

export const SERVICE_RULES: Readonly<Record<string, ServiceRules>> = {
  ecs: ecsRules,
  iam: iamRules,
  sts: stsRules,
  elasticloadbalancing: { taggedKinds: ['loadBalancer', 'targetGroup', 'listener', 'rule'] },
  acm: { taggedKinds: ['certificate'] },
  ec2: { taggedKinds: ['vpc', 'subnet', 'securityGroup', 'networkInterface'] },
};
