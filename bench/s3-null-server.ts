// The S3 benchmark's ceiling: a server that does nothing with what it is sent (PUT bodies are read and
// dropped, GET answers zeros of the size last PUT), so the throughput the SDK reaches against it is what the
// client itself allows on this machine at that moment. No checks, no disk, no checksums: not an S3.
// Run as `node dist/bench/s3-null-server.js <port>`.
import { createServer } from 'node:http';

const MIB = 1024 * 1024;
const zeros = Buffer.alloc(MIB);
const sizes = new Map<string, number>();

const server = createServer((req, res) => {
  const path = new URL(req.url ?? '/', 'http://null').pathname;
  if (req.method === 'PUT') {
    sizes.set(path, Number(req.headers['x-amz-decoded-content-length'] ?? req.headers['content-length'] ?? 0));
    req.resume();
    req.on('end', () => res.writeHead(200, { etag: '"00000000000000000000000000000000"', 'content-length': 0 }).end());
    return;
  }
  const size = sizes.get(path) ?? 0;
  res.writeHead(200, { 'content-length': size, etag: '"00000000000000000000000000000000"' });
  let left = size;
  const more = () => {
    while (left > 0) {
      const slice = zeros.subarray(0, Math.min(MIB, left));
      left -= slice.length;
      if (!res.write(slice)) return void res.once('drain', more);
    }
    res.end();
  };
  more();
});
server.listen(Number(process.argv[2]), '127.0.0.1');
