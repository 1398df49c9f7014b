// Terraform's AWS provider (5.x) against a real `wharf up`: a VPC stack as users write it (the default VPC
// and its subnets as data sources; a new VPC with two subnets, an internet gateway, a route table with a
// default route and two associations, security groups with inline and standalone ingress and egress rules)
// applies, plans again with no changes (-detailed-exitcode 0) and destroys, leaving only the default VPC.
// The provider comes from the machine's local mirror (see terraform-iam.test.ts); without Terraform on the
// machine the test is skipped and says so.
import { DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { startWharf, type WharfProcess } from './wharf-process.js';

const run = promisify(execFile);

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
  region                  = "us-east-1"
  skip_metadata_api_check = true
  endpoints {
    iam = "${endpoint}"
    sts = "${endpoint}"
    ec2 = "${endpoint}"
  }
}

data "aws_vpc" "default" {
  default = true
}

data "aws_subnets" "default" {
  filter {
    name   = "vpc-id"
    values = [data.aws_vpc.default.id]
  }
}

resource "aws_vpc" "app" {
  cidr_block           = "10.20.0.0/16"
  enable_dns_hostnames = true
  tags                 = { Name = "app" }
}

resource "aws_subnet" "a" {
  vpc_id                  = aws_vpc.app.id
  cidr_block              = "10.20.1.0/24"
  availability_zone       = "us-east-1a"
  map_public_ip_on_launch = true
  tags                    = { Name = "app-a" }
}

resource "aws_subnet" "b" {
  vpc_id            = aws_vpc.app.id
  cidr_block        = "10.20.2.0/24"
  availability_zone = "us-east-1b"
  tags              = { Name = "app-b" }
}

resource "aws_internet_gateway" "app" {
  vpc_id = aws_vpc.app.id
  tags   = { Name = "app" }
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.app.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.app.id
  }
  tags = { Name = "public" }
}

resource "aws_route_table_association" "a" {
  subnet_id      = aws_subnet.a.id
  route_table_id = aws_route_table.public.id
}

resource "aws_route_table_association" "b" {
  subnet_id      = aws_subnet.b.id
  route_table_id = aws_route_table.public.id
}

resource "aws_security_group" "web" {
  name        = "web"
  description = "web servers"
  vpc_id      = aws_vpc.app.id
  ingress {
    from_port   = 80
    to_port     = 80
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
  tags = { Name = "web" }
}

resource "aws_security_group" "db" {
  name        = "db"
  description = "databases"
  vpc_id      = aws_vpc.app.id
}

resource "aws_vpc_security_group_ingress_rule" "db_from_web" {
  security_group_id            = aws_security_group.db.id
  referenced_security_group_id = aws_security_group.web.id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  tags                         = { Name = "db-from-web" }
}

resource "aws_vpc_security_group_egress_rule" "db_out" {
  security_group_id = aws_security_group.db.id
  cidr_ipv4         = "10.20.0.0/16"
  ip_protocol       = "-1"
}

output "default_vpc" { value = data.aws_vpc.default.id }
output "default_subnets" { value = length(data.aws_subnets.default.ids) }
output "vpc" { value = aws_vpc.app.id }
`;

let wharf: WharfProcess;
let dir: string;
let env: NodeJS.ProcessEnv;

before(async () => {
  if (skip) return;
  wharf = await startWharf();
  dir = mkdtempSync(join(tmpdir(), 'wharf-tf-vpc-'));
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

test('a VPC stack applies, plans again with no changes, and destroys', { skip, timeout: 600_000 }, async () => {
  await tf('init', '-input=false', '-no-color');
  await tf('apply', '-auto-approve', '-input=false', '-no-color');
  const { stdout } = await tf('output', '-json');
  const outputs = JSON.parse(stdout) as Record<string, { value: string | number }>;
  assert.match(String(outputs.default_vpc!.value), /^vpc-[0-9a-f]{17}$/);
  assert.equal(outputs.default_subnets!.value, 3);

  const ec2 = new EC2Client({ endpoint: wharf.endpoint, region: 'us-east-1', credentials: wharf.credentials });
  const { Vpcs = [] } = await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'tag:Name', Values: ['app'] }] }));
  assert.deepEqual(Vpcs.map((v) => [v.VpcId, v.CidrBlock]), [[outputs.vpc!.value, '10.20.0.0/16']]);

  // -detailed-exitcode: 0 is "no changes", 2 is "changes present".
  const plan = await tf('plan', '-detailed-exitcode', '-input=false', '-no-color').catch((error: { code: number; stdout: string }) => error);
  assert.equal('code' in plan ? plan.code : 0, 0, `plan shows changes:\n${'stdout' in plan ? plan.stdout : ''}`);

  await tf('destroy', '-auto-approve', '-input=false', '-no-color');
  const { stdout: state } = await tf('state', 'list');
  assert.equal(state.trim(), '');
  const left = await ec2.send(new DescribeVpcsCommand({}));
  assert.deepEqual(left.Vpcs?.map((v) => v.IsDefault), [true], 'only the default VPC is left');
});
