// Copies the AWS service models Wharf serves from botocore (the Python SDK's data directory) into
// models/, without documentation, so shapes, required members, enums and errors come from AWS's own
// models rather than from hand-typing. Run by hand when botocore is upgraded; the output is committed.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';

const services = process.argv.slice(2).length ? process.argv.slice(2) : ['ecs'];
const botocore = execFileSync('python3', ['-c', 'import botocore,os;print(os.path.dirname(botocore.__file__))']).toString().trim();

const strip = (value) => {
  if (Array.isArray(value)) return value.map(strip);
  if (value && typeof value === 'object') {
    const out = {};
    for (const [k, v] of Object.entries(value)) if (k !== 'documentation' && k !== 'examples') out[k] = strip(v);
    return out;
  }
  return value;
};

for (const service of services) {
  const dir = join(botocore, 'data', service);
  const version = readdirSync(dir).sort().at(-1);
  const model = JSON.parse(gunzipSync(readFileSync(join(dir, version, 'service-2.json.gz'))).toString());
  writeFileSync(join('models', `${service}.json`), JSON.stringify(strip(model)) + '\n');
  console.log(`models/${service}.json from botocore ${version}`);
}
