// Independent QR decoder for tests/cli/qr.bats: jsQR (a JavaScript port
// of ZXing's QR reader; nothing shared with zbar), PNG files read with
// pngjs.  For each PNG given, prints the decoded bytes as hex on a line of
// their own, or "-" (and names the file on stderr) where it found none;
// exits 1 if it found none in any.
//   node qr-decode.mjs FILE.png...
// Modules are found through QR_INTEROP_MODULES (build/interop/node_modules).
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const modules = process.env.QR_INTEROP_MODULES;
const require = createRequire(path.join(modules, 'noop.js'));
const jsQR = require('jsqr');
const { PNG } = require('pngjs');

let status = 0;
for (const file of process.argv.slice(2)) {
	const png = PNG.sync.read(readFileSync(file));
	const code = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
	if (code === null) {
		process.stderr.write(`${file}: jsQR found no QR code\n`);
		process.stdout.write('-\n');
		status = 1;
		continue;
	}
	process.stdout.write(Buffer.from(code.binaryData).toString('hex') + '\n');
}
process.exit(status);
