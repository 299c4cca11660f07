// A throwaway PostgreSQL cluster — initdb into a temporary folder, pg_ctl on a free loopback port — for the tests
// that need one (started in their beforeAll, stopped and deleted in afterAll) and the study-database bench.
// initdb refuses root, so as root the cluster belongs to the `postgres` system user (runuser).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

export interface TestPostgres {
  /** postgres://… of the cluster's `postgres` database. */
  readonly url: string;
  /** A new empty database on the cluster; its connection string. */
  createDatabase(name: string): Promise<string>;
  stop(): void;
}

const SUPERUSER = 'pulse';

/** The server binaries: $PULSE_STUDIO_PG_BIN, else Debian's newest /usr/lib/postgresql/<v>/bin; null when absent. */
export function postgresBinDir(env = process.env): string | null {
  const candidates = env.PULSE_STUDIO_PG_BIN
    ? [env.PULSE_STUDIO_PG_BIN]
    : (fs.existsSync('/usr/lib/postgresql') ? fs.readdirSync('/usr/lib/postgresql') : [])
        .sort((a, b) => Number(b) - Number(a))
        .map((v) => path.join('/usr/lib/postgresql', v, 'bin'));
  return (
    candidates.find((dir) => fs.existsSync(path.join(dir, 'initdb')) && fs.existsSync(path.join(dir, 'pg_ctl'))) ?? null
  );
}

/** Why the PostgreSQL tests are skipped, or null when they can run. */
export const POSTGRES_SKIP_REASON = postgresBinDir()
  ? null
  : "PostgreSQL server binaries (initdb, pg_ctl) not found: install Debian's postgresql package or set PULSE_STUDIO_PG_BIN";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function startTestPostgres(): Promise<TestPostgres> {
  const bin = postgresBinDir();
  if (!bin) throw new Error(POSTGRES_SKIP_REASON!);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-pg-'));
  const asRoot = process.getuid?.() === 0;
  const run = (tool: string, args: string[]) =>
    asRoot
      ? execFileSync('runuser', ['-u', 'postgres', '--', path.join(bin, tool), ...args], { stdio: 'pipe', cwd: root })
      : execFileSync(path.join(bin, tool), args, { stdio: 'pipe', cwd: root });
  if (asRoot) execFileSync('chown', ['postgres:', root]);
  const data = path.join(root, 'data');
  const port = await freePort();
  try {
    run('initdb', ['-D', data, '-U', SUPERUSER, '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
    // fsync off: a throwaway cluster; the socket folder is ours, not /var/run/postgresql.
    const options = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${root} -c fsync=off -c max_connections=60`;
    run('pg_ctl', ['-D', data, '-o', options, '-l', path.join(root, 'server.log'), '-w', '-t', '30', 'start']);
  } catch (error) {
    fs.rmSync(root, { recursive: true, force: true });
    throw error;
  }
  const urlOf = (db: string) => `postgres://${SUPERUSER}@127.0.0.1:${port}/${db}`;
  return {
    url: urlOf('postgres'),
    async createDatabase(name) {
      const client = new pg.Client({ connectionString: urlOf('postgres') });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
      } finally {
        await client.end();
      }
      return urlOf(name);
    },
    stop() {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        fs.rmSync(root, { recursive: true, force: true });
      }
    },
  };
}
