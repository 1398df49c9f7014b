// Every AWS service Wharf serves, one line each: adding a service is adding its module here.
import { acm } from './acm.js';
import { ec2 } from './ec2.js';
import { ecs } from './ecs.js';
import { elbv2 } from './elbv2.js';
import { iam } from './iam.js';
import type { ServiceModule } from './module.js';
import { sts } from './sts.js';

export const SERVICES: readonly ServiceModule[] = [ecs, elbv2, acm, ec2, iam, sts];
