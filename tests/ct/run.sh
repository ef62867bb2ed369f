#!/usr/bin/env bash
# ctgrind: run the constant-time programs under valgrind memcheck and report
# TAP.  memcheck exits 99 on any use of an undefined (secret) value in a
# branch or an address.
set -u
cd "$(dirname "$0")/../.."
vg="valgrind -q --error-exitcode=99 --track-origins=yes"
echo "1..5"

out=$($vg build/tests/ct_shamir 2>&1); rc=$?
if [ $rc -eq 0 ] && ! grep -q FAIL <<<"$out"; then
	echo "ok 1 - split, combine, share set and field ops: no secret-dependent branch or address"
else
	echo "not ok 1 - constant-time split/combine (valgrind status $rc)"
	sed 's/^/# /' <<<"$out" | head -60
fi

n=2
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
