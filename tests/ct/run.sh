#!/usr/bin/env bash
# ctgrind: run the constant-time programs under valgrind memcheck and report
# TAP.  memcheck exits 99 on any use of an undefined (secret) value in a
# branch or an address.
set -u
cd "$(dirname "$0")/../.."
vg="valgrind -q --error-exitcode=99 --track-origins=yes"
# Every GF(2^8) kernel valgrind can execute.  valgrind 3.19 decodes
# neither GFNI nor AVX-512, so the GFNI kernels are checked by the
# kernel-equivalence unit test and the timing test of make bench instead
# (docs/DECISIONS.md).
kernels="portable ssse3 avx2 neon"
echo "1..$((5 + $(wc -w <<<"$kernels")))"
n=1
for k in $kernels; do
	out=$($vg build/tests/ct_shamir "$k" 2>&1); rc=$?
	if [ $rc -eq 77 ]; then
		echo "ok $n # SKIP kernel $k: not on this CPU"
	elif [ $rc -eq 0 ] && ! grep -q FAIL <<<"$out" && grep -q "^kernel $k$" <<<"$out"; then
		echo "ok $n - kernel $k: split, combine (key-sized and bulk), share set and field ops: no secret-dependent branch or address"
	else
		echo "not ok $n - constant-time split/combine, kernel $k (valgrind status $rc)"
		sed 's/^/# /' <<<"$out" | head -60
	fi
	n=$((n + 1))
done

for leak in table branch; do
	out=$($vg build/tests/ct_negative_control $leak 2>&1); rc=$?
	if [ $rc -eq 99 ] && grep -qE 'depends on uninitialised|Use of uninitialised value' <<<"$out"; then
		echo "ok $n - control: memcheck reports a secret-dependent $leak"
	else
		echo "not ok $n - control: memcheck missed a secret-dependent $leak (status $rc)"
		sed 's/^/# /' <<<"$out" | head -20
	fi
	n=$((n + 1))
done

for half in valid invalid; do
	out=$($vg build/tests/ct_base45 $half 2>&1); rc=$?
	if [ $rc -eq 0 ] && ! grep -q FAIL <<<"$out"; then
		echo "ok $n - base45 on $half secret input: no secret-dependent branch or address"
	else
		echo "not ok $n - constant-time base45, $half input (valgrind status $rc)"
		sed 's/^/# /' <<<"$out" | head -60
	fi
	n=$((n + 1))
done

out=$($vg build/tests/ct_codec 2>&1); rc=$?
if [ $rc -eq 0 ] && ! grep -q FAIL <<<"$out"; then
	echo "ok $n - base64 of secret bytes: no secret-dependent branch or address"
else
	echo "not ok $n - constant-time base64 (valgrind status $rc)"
	sed 's/^/# /' <<<"$out" | head -60
fi
