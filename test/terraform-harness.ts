// Runs Terraform and its AWS provider, as found on the machine, against an AWS-compatible endpoint (Wharf,
// or moto for the benchmark). The machine image carries the provider in a local mirror: Terraform is told to
// install from there only, so nothing is ever downloaded; without Terraform or the mirror, `skipReason` says
// so and the suites skip. A stack is a folder of .tf files under test/terraform/ (its local modules in
// subfolders); each run copies it into a fresh working directory beside the provider block a user would
// write (only `endpoints` point at the endpoint; no skip_credentials_validation), so the stacks carry no
// endpoint of their own.
import { execFile } from 'node:child_process';
import { request } from 'node:http';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder holding `registry.terraform.io/hashicorp/aws/<version>/...`, where the machine image keeps it. */
function providerMirror(): string | undefined {
  for (const dir of [process.env.WHARF_TF_PLUGIN_MIRROR, '/opt/tf-plugins', '/usr/share/terraform/plugins', join(process.env.HOME ?? '/root', '.terraform.d', 'plugins')]) {
    if (dir && existsSync(join(dir, 'registry.terraform.io', 'hashicorp', 'aws'))) return dir;
  }
  return undefined;
}

function terraformBinary(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':')) if (dir && existsSync(join(dir, 'terraform'))) return join(dir, 'terraform');
  return undefined;
}

const mirror = providerMirror();
const binary = terraformBinary();

/** The highest of the mirror's versions, compared number by number (5.100.0 is after 5.9.1). */
function newest(versions: string[]): string {
  const parts = (version: string) => version.split('.').map(Number);
  const compare = (a: string, b: string) => {
    const [x, y] = [parts(a), parts(b)];
    for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
    return 0;
  };
  return versions.sort(compare).at(-1)!;
}

/** Why the Terraform suites cannot run here, or false when they can. */
export const skipReason: string | false = !binary
  ? 'Terraform is not on this machine (no `terraform` on PATH)'
  : !mirror
    ? 'the Terraform AWS provider mirror is not on this machine (looked in $WHARF_TF_PLUGIN_MIRROR, /opt/tf-plugins, ...)'
    : false;

// The package root, whether this runs from test/ (tsx) or dist/test/ (compiled): the stacks are not compiled.
let root = dirname(fileURLToPath(import.meta.url));
while (!existsSync(join(root, 'package.json'))) root = dirname(root);
export const STACKS_DIR = join(root, 'test', 'terraform');

/** The endpoints every stack may use: each service Wharf serves that the provider has a client for. */
export const ENDPOINT_SERVICES = [
  'acm', 'appautoscaling', 'autoscaling', 'cloudwatch', 'dynamodb', 'ec2', 'ecr', 'ecs', 'efs', 'elbv2', 'events', 'iam', 'logs', 's3',
  'scheduler', 'servicediscovery', 'sts',
] as const;

/** The provider block a user writes to point Terraform at `endpoint` (the README shows the same). */
export function providerConfig(endpoint: string, region: string, providerVersion: string): string {
  const endpoints = ENDPOINT_SERVICES.map((service) => `    ${service.padEnd(16)} = "${endpoint}"`).join('\n');
  return `terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "${providerVersion}" }
  }
}

provider "aws" {
  region                  = "${region}"
  skip_metadata_api_check = true
  # S3 addressed by path (bucket names in the path), as Wharf's endpoint is one host.
  s3_use_path_style       = true
  endpoints {
${endpoints}
  }
}
`;
}

export interface TerraformOutput {
  stdout: string;
  stderr: string;
}

/** A failed Terraform command: its exit code and both streams, for the assertion's message. */
export class TerraformError extends Error {
  constructor(
    readonly args: string[],
    readonly code: number,
    readonly stdout: string,
    readonly stderr: string,
  ) {
    super(`terraform ${args.join(' ')} exited ${code}:\n${stderr || stdout}`);
  }
}

export interface WorkspaceOptions {
  endpoint: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  region?: string;
  /** `-var` values for the stack's variables. */
  vars?: Record<string, string | number>;
  /** Extra environment, e.g. TF_LOG=debug to see the provider's API calls. */
  env?: NodeJS.ProcessEnv;
}

/** One stack copied into its own working directory, with its own state, run with the machine's Terraform. */
export class TerraformWorkspace {
  private constructor(
    readonly dir: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly vars: string[],
  ) {}

  /** Copies test/terraform/<stack>/*.tf beside the provider block and a CLI configuration naming the mirror. */
  static create(stack: string, options: WorkspaceOptions): TerraformWorkspace {
    if (skipReason) throw new Error(skipReason);
    const dir = mkdtempSync(join(tmpdir(), `wharf-tf-${stack}-`));
    // Subfolders too: a stack may be a root of local modules (test/terraform/ecs).
    cpSync(join(STACKS_DIR, stack), dir, { recursive: true, filter: (path) => statSync(path).isDirectory() || path.endsWith('.tf') });
    const version = newest(readdirSync(join(mirror!, 'registry.terraform.io', 'hashicorp', 'aws')));
    writeFileSync(join(dir, 'provider.tf'), providerConfig(options.endpoint, options.region ?? 'us-east-1', version));
    writeFileSync(
      join(dir, 'cli.tfrc'),
      `provider_installation {\n  filesystem_mirror {\n    path    = "${mirror}"\n    include = ["registry.terraform.io/hashicorp/aws"]\n  }\n  direct {\n    exclude = ["registry.terraform.io/hashicorp/aws"]\n  }\n}\n`,
    );
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      TF_CLI_CONFIG_FILE: join(dir, 'cli.tfrc'),
      TF_IN_AUTOMATION: '1',
      CHECKPOINT_DISABLE: '1',
      AWS_ACCESS_KEY_ID: options.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: options.credentials.secretAccessKey,
      ...options.env,
    };
    // The provider would prefer these over its `endpoints`, or read another account's profile.
    for (const name of ['AWS_ENDPOINT_URL', 'AWS_PROFILE', 'AWS_SESSION_TOKEN', 'AWS_REGION', 'AWS_DEFAULT_REGION']) delete env[name];
    const vars = Object.entries(options.vars ?? {}).flatMap(([name, value]) => ['-var', `${name}=${value}`]);
    return new TerraformWorkspace(dir, env, vars);
  }

  /** Runs `terraform <args>` in the workspace; rejects with a TerraformError on a non-zero exit. */
  run(...args: string[]): Promise<TerraformOutput> {
    return new Promise((resolve, reject) => {
      execFile(binary!, args, { cwd: this.dir, env: this.env, maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) => {
        if (!error) return resolve({ stdout, stderr });
        reject(new TerraformError(args, typeof error.code === 'number' ? error.code : -1, stdout, stderr));
      });
    });
  }

  init(): Promise<TerraformOutput> {
    return this.run('init', '-input=false', '-no-color');
  }

  /** `apply`, with the stack's variables and any further arguments (`-target`, ...). */
  apply(...args: string[]): Promise<TerraformOutput> {
    return this.run('apply', '-auto-approve', '-input=false', '-no-color', ...this.vars, ...args);
  }

  /** `plan`, with the stack's variables and any further arguments. */
  plan(...args: string[]): Promise<TerraformOutput> {
    return this.run('plan', '-input=false', '-no-color', ...this.vars, ...args);
  }

  /**
   * `plan -detailed-exitcode`: undefined when there is nothing to change (exit 0), else the plan's text
   * (exit 2 means changes are present); any other failure rejects.
   */
  async planChanges(): Promise<string | undefined> {
    try {
      await this.plan('-detailed-exitcode');
      return undefined;
    } catch (error) {
      if (error instanceof TerraformError && error.code === 2) return error.stdout;
      throw error;
    }
  }

  /** Whether a `destroy` has completed since the workspace was made. */
  destroyed = false;

  async destroy(): Promise<TerraformOutput> {
    const output = await this.run('destroy', '-auto-approve', '-input=false', '-no-color', ...this.vars);
    this.destroyed = true;
    return output;
  }

  /**
   * For a suite's `after`: destroys what is left unless a destroy completed (a stack's tasks and instances are
   * real containers and processes); a failure is printed, not thrown, so the suite's own failure stays the one
   * shown, and the workspace is kept for a look. A workspace whose destroy completed is removed.
   */
  async close(): Promise<void> {
    if (!this.destroyed) await this.destroy().catch((error: Error) => console.error(`destroy after failure (workspace kept: ${this.dir}): ${error.message}`));
    if (this.destroyed) rmSync(this.dir, { recursive: true, force: true });
  }

  /** The root module's outputs, by name. */
  async outputs(): Promise<Record<string, unknown>> {
    const { stdout } = await this.run('output', '-json');
    const outputs = JSON.parse(stdout) as Record<string, { value: unknown }>;
    return Object.fromEntries(Object.entries(outputs).map(([name, { value }]) => [name, value]));
  }

  /** The addresses left in the state (none after a complete destroy). */
  async stateList(): Promise<string[]> {
    const { stdout } = await this.run('state', 'list');
    return stdout.split('\n').filter(Boolean);
  }
}

/**
 * One HTTP GET of / through a load balancer's listener, which Wharf binds on loopback, with the Host header
 * a client of its DNS name sends.
 */
export function getThroughListener(port: number, dnsName: string, path = '/'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false, headers: { host: dnsName }, timeout: 5_000 }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body: body.trim() }));
    });
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end();
  });
}
