// Loads @ldclabs/cose-ts for the interop scripts beside this file.
//
// The package is looked up in $COSE_TS_MODULES (a node_modules directory),
// by default build/interop/node_modules of this tree, where
// tests/cli/cose-interop.bats installs it.
//
// Its dist/*.js are ES modules whose relative imports leave out the ".js"
// extension ("./header"), which bundlers accept and Node's ESM loader does
// not; a resolve hook retries such imports with ".js" added.  Nothing else
// about the package is changed.
import { createRequire, register } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const hook = `
export async function resolve(specifier, context, next) {
	try {
		return await next(specifier, context);
	} catch (e) {
		if (e.code === 'ERR_MODULE_NOT_FOUND' &&
		    /^\\.\\.?\\//.test(specifier) && !specifier.endsWith('.js'))
			return next(specifier + '.js', context);
		throw e;
	}
}`;

export const modules = process.env.COSE_TS_MODULES ??
    resolve(dirname(fileURLToPath(import.meta.url)),
	'../../build/interop/node_modules');

export async function loadCoseTs() {
	register('data:text/javascript,' + encodeURIComponent(hook));
	const require = createRequire(join(modules, 'noop.js'));
	const load = (name) => import(pathToFileURL(require.resolve(name)).href);
	return {
		sign1: await load('@ldclabs/cose-ts/sign1'),
		ed25519: await load('@ldclabs/cose-ts/ed25519'),
		header: await load('@ldclabs/cose-ts/header'),
		iana: await load('@ldclabs/cose-ts/iana'),
	};
}

export const hex = (bytes) => Buffer.from(bytes).toString('hex');
