#!/usr/bin/env node
// An independent peer for symbolon's Vault-format shares.
//
// The peer is the npm package shamir-secret-sharing 0.0.4 (Privy,
// https://github.com/privy-io/shamir-secret-sharing, Apache-2.0): a
// TypeScript port of HashiCorp Vault's shamir/shamir.go, with Vault's
// field (GF(2^8), polynomial 0x11B) and share layout (y bytes, then one x
// byte).  tests/cli/vault-interop.bats installs it into build/interop.
//
//   vault-shamir.mjs split --shares N --threshold T [--format base64|hex] FILE
//       reads the secret from FILE ('-': standard input) and prints N
//       shares, one per line, as `vault operator init` prints unseal keys
//       (keys_base64 by default, or keys in hex)
//   vault-shamir.mjs combine [--format base64|hex] FILE
//       reads shares, one per line (blank lines skipped), from FILE and
//       writes the secret's raw bytes to standard output
//
// SHAMIR_INTEROP_PREFIX names the npm prefix the package was installed
// into (default: build/interop at the top of the tree).

import { readFileSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const PACKAGE = 'shamir-secret-sharing';
const VERSION = '0.0.4';

function die(message, status = 2) {
  process.stderr.write(`vault-shamir: ${message}\n`);
  process.exit(status);
}

async function loadPeer() {
  const here = dirname(fileURLToPath(import.meta.url));
  const prefix = process.env.SHAMIR_INTEROP_PREFIX ??
    resolve(here, '..', '..', 'build', 'interop');
  const root = join(prefix, 'node_modules', PACKAGE);
  let meta;
  try {
    meta = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  } catch (e) {
    die(`${PACKAGE} is not installed in ${prefix}: ${e.message}`);
  }
  if (meta.version !== VERSION)
    die(`${PACKAGE} ${meta.version} found, ${VERSION} expected`);
  return import(pathToFileURL(join(root, 'esm', 'index.js')).href);
}

function parseArgs(argv) {
  const opts = { format: 'base64', file: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) die(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--shares') opts.shares = Number(value());
    else if (a === '--threshold') opts.threshold = Number(value());
    else if (a === '--format') opts.format = value();
    else if (opts.file === null && !a.startsWith('--')) opts.file = a;
    else die(`unexpected argument: ${a}`);
  }
  if (opts.format !== 'base64' && opts.format !== 'hex')
    die(`--format: expected base64 or hex, not ${opts.format}`);
  if (opts.file === null) die('no input file');
  return opts;
}

function readInput(file) {
  return readFileSync(file === '-' ? 0 : file);
}

function writeAll(bytes) {
  let off = 0;
  while (off < bytes.length) off += writeSync(1, bytes, off);
}

function decodeShare(line, format, lineno) {
  const strict = format === 'hex' ? /^[0-9a-fA-F]*$/ : /^[A-Za-z0-9+/]*={0,2}$/;
  if (!strict.test(line) || (format === 'hex' ? line.length % 2 : line.length % 4))
    die(`line ${lineno}: not ${format}`, 1);
  return new Uint8Array(Buffer.from(line, format));
}

async function main() {
  const [command, ...rest] = process.argv.slice(2);
  const opts = parseArgs(rest);
  const peer = await loadPeer();

  if (command === 'split') {
    const secret = new Uint8Array(readInput(opts.file));
    const shares = await peer.split(secret, opts.shares, opts.threshold);
    const text = shares.map((s) => Buffer.from(s).toString(opts.format));
    writeAll(Buffer.from(text.join('\n') + '\n'));
  } else if (command === 'combine') {
    const shares = [];
    readInput(opts.file).toString('utf8').split('\n').forEach((raw, i) => {
      const line = raw.trim();
      if (line !== '') shares.push(decodeShare(line, opts.format, i + 1));
    });
    const secret = await peer.combine(shares);
    writeAll(Buffer.from(secret));
  } else {
    die('usage: vault-shamir.mjs split|combine [options] FILE');
  }
}

main().catch((e) => die(e.message, 1));
