#!/usr/bin/env bash
# make deps: check that every library, tool and test peer symbolon uses is
# present.  On Debian as root, install what is missing with apt-get;
# otherwise print the exact apt-get line and fail.
set -u

# pkg-config module -> Debian package
libraries=(
	"libsodium:libsodium-dev"
	"libcbor:libcbor-dev"
	"gpgme:libgpgme-dev"
	"libqrencode:libqrencode-dev"
	"zbar:libzbar-dev"
	"cairo:libcairo2-dev"
	"libjpeg:libjpeg62-turbo-dev"
	"cmocka:libcmocka-dev"
	"p11-kit-1:libp11-kit-dev"
	"tss2-esys:libtss2-dev"
	"tss2-tctildr:libtss2-dev"
	"tss2-mu:libtss2-dev"
	"tss2-rc:libtss2-dev"
)
# command -> Debian package (build tools, test runners, real peers)
commands=(
	"cc:gcc"
	"make:make"
	"pkg-config:pkg-config"
	"bats:bats"
	"valgrind:valgrind"
	"clang:clang"
	"gpg:gpg"
	"gpg-agent:gpg-agent"
	"gpgconf:gpgconf"
	"node:nodejs"
	"npm:npm"
	"qrencode:qrencode"
	"zbarimg:zbar-tools"
	"identify:imagemagick"
	"pdftoppm:poppler-utils"
	"rsvg-convert:librsvg2-bin"
	"softhsm2-util:softhsm2"
	"pkcs11-tool:opensc"
	"swtpm:swtpm"
	"swtpm_setup:swtpm-tools"
	"tpm2_createprimary:tpm2-tools"
)
# x86-64 only: the arm64 kernel is cross-built and run under qemu-user
cross_commands=(
	"aarch64-linux-gnu-gcc:gcc-aarch64-linux-gnu"
	"qemu-aarch64:qemu-user"
)
# files -> Debian package (headers and runtimes found by path)
files=(
	"/usr/include/valgrind/memcheck.h:valgrind"
	"/usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a:libclang-rt-14-dev"
	"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf:fonts-dejavu-core"
	"/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf:fonts-dejavu-core"
	"/usr/lib/softhsm/libsofthsm2.so:softhsm2"
	"/usr/aarch64-linux-gnu/include/stdio.h:libc6-dev-arm64-cross"
)

missing=()
have_pkg_config=0
command -v pkg-config >/dev/null 2>&1 && have_pkg_config=1
for entry in "${libraries[@]}"; do
	module=${entry%%:*} package=${entry#*:}
	if [ "$have_pkg_config" = 0 ] || ! pkg-config --exists "$module"; then
		missing+=("$package")
	fi
done
for entry in "${commands[@]}"; do
	command=${entry%%:*} package=${entry#*:}
	command -v "$command" >/dev/null 2>&1 || missing+=("$package")
done
if [ "$(uname -m)" = x86_64 ]; then
	for entry in "${cross_commands[@]}"; do
		command=${entry%%:*} package=${entry#*:}
		command -v "$command" >/dev/null 2>&1 || missing+=("$package")
	done
fi
for entry in "${files[@]}"; do
	file=${entry%%:*} package=${entry#*:}
	[ -e "$file" ] || [ "$(uname -m)" != x86_64 ] || missing+=("$package")
done

if [ ${#missing[@]} -eq 0 ]; then
	echo "deps: all present"
	exit 0
fi
# sort -u: one package may provide several of the things checked.
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
line="apt-get install -y ${missing[*]}"
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "deps: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null ||
		{ echo "deps: failed: $line" >&2; exit 1; }
	echo "deps: installed"
	exit 0
fi
echo "deps: missing ${missing[*]}" >&2
echo "deps: run as root: apt-get update && $line" >&2
exit 1
