// cose-sign.mjs SEED_HEX KID PAYLOAD BUNDLE
//
// Signs the file PAYLOAD with @ldclabs/cose-ts as a tagged COSE_Sign1 with
// alg EdDSA (-8) and kid KID (its UTF-8 bytes) in the protected header and
// an empty unprotected header: the form symbolon writes.  cose-ts encodes
// headers with RFC 8949 deterministic map ordering and Ed25519 signatures
// are deterministic, so for the same seed, kid and payload the bundle
// should equal symbolon's byte for byte.
import { readFileSync, writeFileSync } from 'node:fs';

import { loadCoseTs } from './cose-ts.mjs';

if (process.argv.length !== 6 || !/^[0-9a-f]{64}$/i.test(process.argv[2])) {
	console.error('usage: cose-sign.mjs SEED_HEX KID PAYLOAD BUNDLE');
	process.exit(2);
}

try {
	const cose = await loadCoseTs();
	const [seedHex, kidText, payloadPath, bundlePath] = process.argv.slice(2);
	const kid = new TextEncoder().encode(kidText);
	const key = cose.ed25519.Ed25519Key.fromSecret(
	    new Uint8Array(Buffer.from(seedHex, 'hex')));
	const protectedHeader = new cose.header.Header()
	    .setParam(cose.iana.HeaderParameterAlg, cose.iana.AlgorithmEdDSA)
	    .setParam(cose.iana.HeaderParameterKid, kid);
	const msg = new cose.sign1.Sign1Message(
	    new Uint8Array(readFileSync(payloadPath)), protectedHeader,
	    new cose.header.Header());
	writeFileSync(bundlePath,
	    cose.sign1.Sign1Message.withTag(msg.toBytes(key)));
} catch (e) {
	console.error(`cose-sign: ${e.message}`);
	process.exit(2);
}
