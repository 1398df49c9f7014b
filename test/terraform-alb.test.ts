// Terraform's AWS provider (5.x) against a real `wharf up`: an ALB stack as users write it (aws_lb,
// aws_lb_target_group, aws_lb_listener, aws_lb_listener_rule) applies, plans again with no changes, answers
// HTTP, and destroys leaving nothing. The provider reads more than it writes (DescribeCapacityReservation,
// DescribeListenerAttributes, the attributes of every resource): a missing read used to break every later
// plan and destroy. The provider comes from the machine's local mirror; without it the test is skipped.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { eventually, freePort, startWharf, type WharfProcess } from './wharf-process.js';

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

const CONFIG = (endpoint: string, version: string, port: number) => `
terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "${version}" }
  }
}

provider "aws" {
  region                  = "us-east-1"
  skip_metadata_api_check = true
  endpoints {
    iam   = "${endpoint}"
    sts   = "${endpoint}"
    ec2   = "${endpoint}"
    elbv2 = "${endpoint}"
  }
}

data "aws_subnets" "default" {
  filter {
    name   = "default-for-az"
    values = ["true"]
  }
}

resource "aws_lb" "web" {
  name               = "tf-web"
  load_balancer_type = "application"
  subnets            = data.aws_subnets.default.ids
  idle_timeout       = 30
  tags               = { app = "web" }
}

resource "aws_lb_target_group" "web" {
  name        = "tf-web"
  port        = 80
  protocol    = "HTTP"
  target_type = "ip"
  vpc_id      = aws_lb.web.vpc_id
  health_check {
    path     = "/health"
    interval = 10
    matcher  = "200-299"
  }
  deregistration_delay = 5
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.web.arn
  port              = ${port}
  protocol          = "HTTP"
  default_action {
    type = "fixed-response"
    fixed_response {
      content_type = "text/plain"
      message_body = "default"
      status_code  = "200"
    }
  }
}

resource "aws_lb_listener_rule" "api" {
  listener_arn = aws_lb_listener.http.arn
  priority     = 10
  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }
  condition {
    path_pattern { values = ["/api/*"] }
  }
}

output "dns_name" { value = aws_lb.web.dns_name }
`;

let wharf: WharfProcess;
let dir: string;
let env: NodeJS.ProcessEnv;
let port: number;

before(async () => {
  if (skip) return;
  wharf = await startWharf({ hostWide: true });
  port = await freePort();
  dir = mkdtempSync(join(tmpdir(), 'wharf-tf-alb-'));
  const version = readdirSync(join(mirror!, 'registry.terraform.io', 'hashicorp', 'aws')).sort().at(-1)!;
  writeFileSync(join(dir, 'main.tf'), CONFIG(wharf.endpoint, version, port));
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

function get(path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, timeout: 10_000 }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, body: body.trim() }));
    });
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end();
  });
}

test('an ALB stack applies, plans again with no changes, answers, and destroys', { skip, timeout: 900_000 }, async () => {
  await tf('init', '-input=false', '-no-color');
  await tf('apply', '-auto-approve', '-input=false', '-no-color');
  const { stdout } = await tf('output', '-json');
  assert.match((JSON.parse(stdout) as { dns_name: { value: string } }).dns_name.value, /^tf-web-[0-9a-f]{16}\.us-east-1\.elb\.localhost$/);

  // -detailed-exitcode: 0 is "no changes", 2 is "changes present".
  const plan = await tf('plan', '-detailed-exitcode', '-input=false', '-no-color').catch((error: { code: number; stdout: string; stderr: string }) => error);
  assert.equal('code' in plan ? plan.code : 0, 0, `plan shows changes:\n${'stdout' in plan ? plan.stdout + plan.stderr : ''}`);

  const answer = await eventually(async () => {
    const reply = await get('/').catch(() => undefined);
    return reply?.status === 200 ? reply : undefined;
  }, 'the listener answering');
  assert.equal(answer.body, 'default');

  await tf('destroy', '-auto-approve', '-input=false', '-no-color');
  const { stdout: state } = await tf('state', 'list');
  assert.equal(state.trim(), '');
});
