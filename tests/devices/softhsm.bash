# SoftHSM2 as a PKCS#11 peer for the pkcs11 seal (bats tests source this).
#
#   softhsm_setup DIR
#       Makes DIR/softhsm2.conf and DIR/tokens, exports SOFTHSM2_CONF and
#       SOFTHSM_MODULE, and creates the token 'ceremony' (SO PIN 12345678,
#       user PIN 1234) holding
#         seal-aes   AES-256, id 01, sensitive, private, not extractable
#         seal-rsa   RSA-2048 pair, id 02: the public half readable without
#                    a login (PIN-less enrolment), the private half private,
#                    sensitive, not extractable
#         loose-aes  AES-256, id 03, extractable and not sensitive (must be
#                    refused)
#         seal-aes2  AES-256, id 04, like seal-aes (another key's blob)
#       and the token 'other' (same PINs) holding its own seal-aes (id 01).
#       Writes the user PIN to DIR/pin (mode 0600).  Prints nothing; returns
#       non-zero (with the tool's output on stderr) when a step fails.
#   softhsm_add_token DIR LABEL
#       Another empty token (same PINs).
#   softhsm_remove_token DIR LABEL
#       Deletes LABEL's directory under DIR/tokens: the token disappears.
#   softhsm_teardown DIR
#       Removes DIR.  SoftHSM runs in-process, so no process is left behind.

SOFTHSM_MODULE=${SOFTHSM_MODULE:-/usr/lib/softhsm/libsofthsm2.so}

_softhsm_quiet() {
	local out
	if ! out=$("$@" 2>&1); then
		printf '%s\n' "softhsm: failed: $*" "$out" >&2
		return 1
	fi
}

softhsm_add_token() {
	local dir=$1 label=$2
	SOFTHSM2_CONF="$dir/softhsm2.conf" _softhsm_quiet softhsm2-util \
	    --init-token --free --label "$label" --so-pin 12345678 --pin 1234
}

_softhsm_tool() {
	local dir=$1 label=$2
	shift 2
	SOFTHSM2_CONF="$dir/softhsm2.conf" _softhsm_quiet pkcs11-tool \
	    --module "$SOFTHSM_MODULE" --token-label "$label" --login \
	    --pin 1234 "$@"
}

softhsm_setup() {
	local dir=$1
	mkdir -p "$dir/tokens" || return 1
	cat >"$dir/softhsm2.conf" <<CONF || return 1
directories.tokendir = $dir/tokens
objectstore.backend = file
log.level = ERROR
slots.removable = false
CONF
	export SOFTHSM2_CONF="$dir/softhsm2.conf" SOFTHSM_MODULE
	softhsm_add_token "$dir" ceremony || return 1
	softhsm_add_token "$dir" other || return 1
	_softhsm_tool "$dir" ceremony --keygen --key-type aes:32 \
	    --label seal-aes --id 01 --sensitive --private || return 1
	_softhsm_tool "$dir" ceremony --keypairgen --key-type rsa:2048 \
	    --label seal-rsa --id 02 --sensitive || return 1
	_softhsm_tool "$dir" ceremony --keygen --key-type aes:32 \
	    --label loose-aes --id 03 --extractable || return 1
	_softhsm_tool "$dir" ceremony --keygen --key-type aes:32 \
	    --label seal-aes2 --id 04 --sensitive --private || return 1
	_softhsm_tool "$dir" other --keygen --key-type aes:32 \
	    --label seal-aes --id 01 --sensitive --private || return 1
	(umask 077 && printf '1234\n' >"$dir/pin") || return 1
}

softhsm_remove_token() {
	local dir=$1 label=$2 tok padded
	# One directory per token; token.object holds its label in clear,
	# blank-padded to 32 bytes (so 'doomed' does not match 'doomed2').
	padded=$(printf '%-32s' "$label")
	for tok in "$dir"/tokens/*/; do
		if grep -qaF -- "$padded" "$tok/token.object" 2>/dev/null; then
			rm -rf -- "$tok"
			return 0
		fi
	done
	echo "softhsm: no token '$label' under $dir/tokens" >&2
	return 1
}

softhsm_teardown() {
	local dir=$1
	[ -n "$dir" ] && rm -rf -- "$dir"
}
