// The world the ECR end-to-end suites share: a real `wharf up` with its registry on a free port, the docker
// CLI logged in to it with `aws ecr get-login-password` (its own DOCKER_CONFIG), images built FROM
// wharf-test/busybox, and a clean-up that removes every image of the registry's a suite built, pushed or had
// the agent pull.
import { CreateRepositoryCommand, ECRClient } from '@aws-sdk/client-ecr';
import type { ECSClient } from '@aws-sdk/client-ecs';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startWharf, type WharfProcess } from './wharf-process.js';

let root = dirname(fileURLToPath(import.meta.url));
while (!existsSync(join(root, 'package.json'))) root = dirname(root);

export const ACCOUNT = '000000000000';

export interface EcrWorld {
  wharf: WharfProcess;
  ecr: ECRClient;
  ecs: ECSClient;
  /** The registry's address, `127.0.0.1:<port>`. */
  registry: string;
  docker(args: string[], input?: string): SpawnSyncReturns<string>;
  /** Runs docker and asserts it succeeded; its output. */
  dockerOk(args: string[], input?: string): string;
  /** Builds a three-layer image (busybox, a dpkg status file listing wharf-demo-lib, a file unique to `seed`) tagged `name`. */
  build(name: string, seed: string): void;
  /** The image's registry digest, once pushed or pulled. */
  digestOf(name: string): string;
  /** Creates a repository; its registry address (`127.0.0.1:<port>/<name>`). */
  repository(name: string, options?: { immutable?: boolean; scanOnPush?: boolean }): Promise<string>;
  /** An `aws ecr get-login-password` token. */
  password(): string;
  close(): Promise<void>;
}

export async function ecrWorld(): Promise<EcrWorld> {
  const registryPort = await freePort();
  const wharf = await startWharf({ args: ['--registry-port', String(registryPort)] });
  const registry = `127.0.0.1:${registryPort}`;
  const ecr = new ECRClient({ endpoint: wharf.endpoint, region: 'us-east-1', credentials: wharf.credentials });
  const work = mkdtempSync(join(tmpdir(), 'wharf-ecr-'));
  const dockerConfig = join(work, 'docker');
  mkdirSync(dockerConfig);
  const docker = (args: string[], input?: string) => spawnSync('docker', args, { env: { ...process.env, DOCKER_CONFIG: dockerConfig }, input, encoding: 'utf8' });
  const dockerOk = (args: string[], input?: string) => {
    const out = docker(args, input);
    assert.equal(out.status, 0, `docker ${args.join(' ')}: ${out.stderr}`);
    return out.stdout;
  };
  const password = () => execFileSync('aws', ['ecr', 'get-login-password'], { env: wharf.env, encoding: 'utf8' });
  // The operator's advisories: the shipped test file.
  mkdirSync(join(wharf.dataDir, 'advisories'));
  copyFileSync(join(root, 'test', 'fixtures', 'advisories.json'), join(wharf.dataDir, 'advisories', 'test.json'));
  dockerOk(['login', '--username', 'AWS', '--password-stdin', registry], password());
  return {
    wharf,
    ecr,
    ecs: wharf.ecs(),
    registry,
    docker,
    dockerOk,
    build: (name, seed) => {
      const dir = mkdtempSync(join(work, 'build-'));
      writeFileSync(join(dir, 'status'), 'Package: wharf-demo-lib\nStatus: install ok installed\nVersion: 1.1.0-3\nArchitecture: amd64\n\nPackage: base-files\nStatus: install ok installed\nVersion: 12.4\n');
      writeFileSync(join(dir, 'Dockerfile'), `FROM wharf-test/busybox\nCOPY status /var/lib/dpkg/status\nRUN echo ${seed} > /seed\n`);
      dockerOk(['build', '-q', '-t', name, dir]);
    },
    digestOf: (name) => dockerOk(['inspect', '--format', '{{index .RepoDigests 0}}', name]).trim().split('@')[1]!,
    repository: async (name, options = {}) => {
      await ecr.send(
        new CreateRepositoryCommand({
          repositoryName: name,
          ...(options.immutable && { imageTagMutability: 'IMMUTABLE' }),
          ...(options.scanOnPush && { imageScanningConfiguration: { scanOnPush: true } }),
        }),
      );
      return `${registry}/${name}`;
    },
    password,
    close: async () => {
      await wharf.stop();
      // By id: an image a later build took the tag from is left as `<registry>/<name>:<none>`.
      const ours = docker(['images', '--format', '{{.ID}} {{.Repository}}']).stdout.split('\n').filter((line) => line.split(' ')[1]?.startsWith(`${registry}/`));
      const ids = [...new Set(ours.map((line) => line.split(' ')[0]!))];
      if (ids.length) docker(['rmi', '-f', ...ids]);
      rmSync(work, { recursive: true, force: true });
    },
  };
}
