import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ecsSettings } from './ec2-instances-user-data.js';

test('ecs.config lines as user data', () => {
  assert.deepEqual(ecsSettings('ECS_CLUSTER=prod\nECS_ENABLE_SPOT_INSTANCE_DRAINING=true\n# comment\nOTHER=1'), {
    ECS_CLUSTER: 'prod',
    ECS_ENABLE_SPOT_INSTANCE_DRAINING: 'true',
  });
});

test('a bash script writing /etc/ecs/ecs.config, as the ECS docs show', () => {
  const script = [
    '#!/bin/bash',
    'echo ECS_CLUSTER=my-cluster >> /etc/ecs/ecs.config',
    'echo "ECS_RESERVED_MEMORY=256" >> /etc/ecs/ecs.config;',
    "echo 'ECS_INSTANCE_ATTRIBUTES={\"stack\":\"prod\"}' >> /etc/ecs/ecs.config",
    'cat <<EOF >> /etc/ecs/ecs.config',
    'ECS_ENABLE_TASK_IAM_ROLE=true',
    'EOF',
    'echo ECS_CLUSTER=elsewhere > /tmp/not-the-config',
    'yum install -y something',
  ].join('\n');
  assert.deepEqual(ecsSettings(script), {
    ECS_CLUSTER: 'my-cluster',
    ECS_RESERVED_MEMORY: '256',
    ECS_INSTANCE_ATTRIBUTES: '{"stack":"prod"}',
    ECS_ENABLE_TASK_IAM_ROLE: 'true',
  });
});
