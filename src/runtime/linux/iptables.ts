// Running iptables: one command (waiting for the xtables lock), a check that only says whether it held, the
// filter table's listing, and iptables-restore of a whole table's text without flushing what it does not name.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export class Iptables {
  constructor(private readonly command = 'iptables') {}

  async exec(args: string[]): Promise<void> {
    await run(this.command, ['-w', ...args]);
  }

  /** The filter table's chains and rules as `iptables -S` prints them (`-N <chain>`, `-A <chain> ...`), in order. */
  async listing(): Promise<string[]> {
    const { stdout } = await run(this.command, ['-w', '-S']);
    return stdout.split('\n').filter(Boolean);
  }

  succeeds(args: string[]): Promise<boolean> {
    return this.exec(args).then(
      () => true,
      () => false,
    );
  }

  restore(input: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = execFile(`${this.command}-restore`, ['-w', '--noflush'], (err) => (err ? reject(err) : resolve()));
      child.stdin!.end(input);
    });
  }
}
