// cose-verify.mjs BUNDLE PUBLIC_KEY
//
// The independent side of tests/cli/cose-interop.bats: verifies a
// COSE_Sign1 file with @ldclabs/cose-ts (cborg for CBOR, @noble/curves for
// Ed25519: nothing shared with libcbor or libsodium) against a raw 32-byte
// Ed25519 public key, and prints the payload in hex.  Exits 1 if the
// bundle does not verify, 2 on usage or I/O errors.
import { readFileSync } from 'node:fs';

import { hex, loadCoseTs } from './cose-ts.mjs';

if (process.argv.length !== 4) {
	console.error('usage: cose-verify.mjs BUNDLE PUBLIC_KEY');
	process.exit(2);
}

let bundle, publicKey, cose;
try {
	bundle = new Uint8Array(readFileSync(process.argv[2]));
	publicKey = new Uint8Array(readFileSync(process.argv[3]));
	cose = await loadCoseTs();
} catch (e) {
	console.error(`cose-verify: ${e.message}`);
	process.exit(2);
}

try {
	// cose-ts takes the tag as optional; symbolon always writes it.
	if (bundle[0] !== 0xd2)
		throw new Error('not a tagged COSE_Sign1 (no 0xD2)');
	const key = cose.ed25519.Ed25519Key.fromPublic(publicKey);
	const msg = cose.sign1.Sign1Message.fromBytes(key, bundle);
	if (msg.protected.getInt(cose.iana.HeaderParameterAlg) !==
	    cose.iana.AlgorithmEdDSA)
		throw new Error('alg is not EdDSA');
	const kid = msg.protected.getBytes(cose.iana.HeaderParameterKid);
	console.error(`cose-verify: ${process.argv[2]}: ok, kid ${hex(kid)}`);
	console.log(hex(msg.payload));
} catch (e) {
	console.error(`cose-verify: ${process.argv[2]}: ${e.message}`);
	process.exit(1);
}
