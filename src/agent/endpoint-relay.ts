// Wharf's API as a task reaches it when the control plane listens on the host's loopback only (`wharf up`'s
// default): containers on bridge and awsvpc networks cannot reach 127.0.0.1, so the agent relays their
// requests from the address it already serves them at. A request goes on unchanged (method, path, headers
// with the Host the task signed for, body), so its SigV4 signature verifies as if it had been sent direct.
import { Agent, request, type IncomingMessage, type ServerResponse } from 'node:http';

export class EndpointRelay {
  private readonly agent = new Agent({ keepAlive: true });

  /** `upstream`: the control plane's endpoint, as this agent reaches it. */
  constructor(private readonly upstream: URL) {}

  forward(req: IncomingMessage, res: ServerResponse): Promise<void> {
    return new Promise((resolve, reject) => {
      const out = request(
        { agent: this.agent, host: this.upstream.hostname, port: this.upstream.port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.once('error', reject).pipe(res);
          res.once('close', resolve);
        },
      );
      out.once('error', reject);
      req.pipe(out);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
