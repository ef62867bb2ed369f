// Independent QR encoder for tests/cli/qr.bats: node-qrcode (qrcode on
// npm; nothing shared with libqrencode).  Writes the contents of IN as one
// QR code to OUT.png, in the mode given: alphanumeric (the text form of a
// bundle), byte (any bytes: a binary bundle), or auto (the library's own
// choice of segments).
//   node qr-encode.mjs alphanumeric|byte|auto L|M|Q|H IN OUT.png
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const modules = process.env.QR_INTEROP_MODULES;
const require = createRequire(path.join(modules, 'noop.js'));
const QRCode = require('qrcode');

const [mode, level, input, output] = process.argv.slice(2);
const bytes = readFileSync(input);
let segments;
if (mode === 'byte')
	segments = [{ data: new Uint8ClampedArray(bytes), mode: 'byte' }];
else if (mode === 'alphanumeric')
	segments = [{ data: bytes.toString('latin1').trim(), mode: 'alphanumeric' }];
else
	segments = bytes.toString('latin1').trim();
await QRCode.toFile(output, segments, {
	type: 'png', errorCorrectionLevel: level, margin: 4, scale: 4,
});
