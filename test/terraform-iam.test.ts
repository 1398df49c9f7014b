// Terraform's AWS provider (5.x) against a real `wharf up`, configured as a user would: only `endpoints`
// point at Wharf, with no skip_credentials_validation or skip_requesting_account_id, so the provider's
// own start-up calls (sts:GetCallerIdentity) must work. The IAM resources ECS users write apply, plan
// again with no changes, and destroy. The provider comes from the machine's local mirror (no registry is
// reachable); without Terraform on the machine the test is skipped and says so.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { startWharf, type WharfProcess } from './wharf-process.js';

const run = promisify(execFile);

/** The folder holding `registry.terraform.io/hashicorp/aws/<version>/...`, where the machine image keeps it. */
function providerMirror(): string | undefined {
  for (const dir of [process.env.WHARF_TF_PLUGIN_MIRROR, '/opt/tf-plugins', '/usr/share/terraform/plugins', join(process.env.HOME ?? '/root', '.terraform.d', 'plugins')]) {
    if (dir && existsSync(join(dir, 'registry.terraform.io', 'hashicorp', 'aws'))) return dir;
  }
  return undefined;
}

function terraformBinary(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':')) if (existsSync(join(dir, 'terraform'))) return join(dir, 'terraform');
  return undefined;
}

const mirror = providerMirror();
const terraform = terraformBinary();
const skip = !mirror || !terraform ? 'Terraform or its AWS provider mirror is not on this machine' : false;

const CONFIG = (endpoint: string, version: string) => `
terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "${version}" }
  }
}

provider "aws" {
  region                      = "us-east-1"
  skip_metadata_api_check     = true
  endpoints {
    iam = "${endpoint}"
    sts = "${endpoint}"
    ecs = "${endpoint}"
    ec2 = "${endpoint}"
    elbv2 = "${endpoint}"
  }
}

data "aws_caller_identity" "current" {}

data "aws_iam_policy_document" "ecs_tasks_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "task" {
  name               = "app-task"
  path               = "/ecs/"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_trust.json
  tags               = { team = "wharf" }
}

resource "aws_iam_policy" "read_bucket" {
  name        = "read-results"
  description = "read the results bucket"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["s3:GetObject", "s3:ListBucket"]
      Resource = ["arn:aws:s3:::results", "arn:aws:s3:::results/*"]
    }]
  })
}

resource "aws_iam_role_policy_attachment" "task_reads" {
  role       = aws_iam_role.task.name
  policy_arn = aws_iam_policy.read_bucket.arn
}

resource "aws_iam_role_policy_attachment" "task_execution" {
  role       = aws_iam_role.task.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

resource "aws_iam_role" "instance" {
  name = "ecs-instance"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy_attachment" "instance" {
  role       = aws_iam_role.instance.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role"
}

resource "aws_iam_instance_profile" "instance" {
  name = "ecs-instance"
  role = aws_iam_role.instance.name
}

resource "aws_iam_user" "ci" {
  name = "ci"
  tags = { purpose = "deploys" }
}

resource "aws_iam_access_key" "ci" {
  user = aws_iam_user.ci.name
}

output "account" { value = data.aws_caller_identity.current.account_id }
output "role_arn" { value = aws_iam_role.task.arn }
output "key_id" { value = aws_iam_access_key.ci.id }
`;

let wharf: WharfProcess;
let dir: string;
let env: NodeJS.ProcessEnv;

before(async () => {
  if (skip) return;
  wharf = await startWharf();
  dir = mkdtempSync(join(tmpdir(), 'wharf-tf-'));
  const version = readdirSync(join(mirror!, 'registry.terraform.io', 'hashicorp', 'aws')).sort().at(-1)!;
  writeFileSync(join(dir, 'main.tf'), CONFIG(wharf.endpoint, version));
  writeFileSync(
    join(dir, 'cli.tfrc'),
    `provider_installation {\n  filesystem_mirror {\n    path    = "${mirror}"\n    include = ["registry.terraform.io/hashicorp/aws"]\n  }\n  direct {\n    exclude = ["registry.terraform.io/hashicorp/aws"]\n  }\n}\n`,
  );
  env = {
    ...process.env,
    TF_CLI_CONFIG_FILE: join(dir, 'cli.tfrc'),
    TF_IN_AUTOMATION: '1',
    CHECKPOINT_DISABLE: '1',
    AWS_ACCESS_KEY_ID: wharf.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: wharf.credentials.secretAccessKey,
    AWS_ENDPOINT_URL: undefined,
    AWS_PROFILE: undefined,
  };
});

after(async () => {
  await wharf?.stop();
});

const tf = (...args: string[]) => run(terraform!, args, { cwd: dir, env, maxBuffer: 64 * 1024 * 1024 });

test('IAM resources apply, plan again with no changes, and destroy', { skip, timeout: 600_000 }, async () => {
  await tf('init', '-input=false', '-no-color');
  await tf('apply', '-auto-approve', '-input=false', '-no-color');
  const { stdout } = await tf('output', '-json');
  const outputs = JSON.parse(stdout) as Record<string, { value: string }>;
  assert.equal(outputs.account!.value, '000000000000');
  assert.equal(outputs.role_arn!.value, 'arn:aws:iam::000000000000:role/ecs/app-task');
  assert.match(outputs.key_id!.value, /^AKIA[A-Z0-9]{16}$/);

  // -detailed-exitcode: 0 is "no changes", 2 is "changes present".
  const plan = await tf('plan', '-detailed-exitcode', '-input=false', '-no-color').catch((error: { code: number; stdout: string }) => error);
  assert.equal('code' in plan ? plan.code : 0, 0, `plan shows changes:\n${'stdout' in plan ? plan.stdout : ''}`);

  await tf('destroy', '-auto-approve', '-input=false', '-no-color');
  const { stdout: state } = await tf('state', 'list');
  assert.equal(state.trim(), '');
});
