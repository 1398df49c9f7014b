// The worker thread that checkpoints a SqliteStore's database (sqlite-store.ts), so that copying the WAL
// into the database and syncing it never stalls the thread that serves calls. It checkpoints PASSIVE (it
// never waits for, or blocks, the writer) once the store has committed since its last checkpoint, polled
// every CHECKPOINT_EVERY_MS; `close` from the store ends it after one last checkpoint.
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from './database.js';

const CHECKPOINT_EVERY_MS = 100;

const { path, commits } = workerData as { path: string; commits: Int32Array };
const db = openDatabase(path, []);
let checkpointed = 0;
const checkpoint = () => {
  const seen = Atomics.load(commits, 0);
  if (seen === checkpointed) return;
  checkpointed = seen;
  db.pragma('wal_checkpoint(PASSIVE)');
};
const timer = setInterval(checkpoint, CHECKPOINT_EVERY_MS);
parentPort!.once('message', () => {
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort!.close();
});
