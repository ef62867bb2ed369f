#!/usr/bin/env bash
# make demo: a whole ceremony in a temporary directory, every step printed.
#   1. Vault-format shares: a 32-byte key split 3-of-5 and recovered from
#      shares 5, 2 and 4, entered in that order.
#   2. Signed share bundles: five holders make identities, a key is dealt
#      3-of-5 to them (each share encrypted to its holder), each holder
#      checks their share alone, three of them recover the key.
#   3. The storage image: a 3-of-5 image for the five holders, a secret
#      stored, seal status, a keyring rotation, the secret read back with
#      three other shares, the audit transcript exported and verified.
#   4-6. Rekey with verification, OpenPGP holders, share sheets and QR.
#   7. A bulk secret split into raw share files and streamed back.
#   8. An auto seal: an image sealed by a PKCS#11 token (SoftHSM2 here),
#      used with no shares; recovery shares open nothing but authorise;
#      the recovery keys rekeyed with verification; the root key exported.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export SYMBOLON_BIN=${SYMBOLON_BIN:-$here/../bin}
. "$here/common.sh"
work=$(mktemp -d /tmp/symbolon-demo.XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work"
holders=(ann bob cat dan eve)

printf '#### Part 1: Vault-format shares\n'
step "A 32-byte key (demo only: a real key never touches disk in clear)"
head -c 32 /dev/urandom > key.bin
step "Split it 3-of-5: one share per line, Vault's base64 form"
symbolon split -key-shares=5 -key-threshold=3 --in key.bin > shares.txt
for i in 1 2 3 4 5; do
	sed -n "${i}p" shares.txt > "holder-$i.share"
	printf 'holder %d receives holder-%d.share (%s...)\n' "$i" "$i" "$(cut -c1-8 "holder-$i.share")"
done
rm shares.txt
step "Holders 5, 2 and 4 bring their shares back, in that order"
run combine --key-threshold 3 --share holder-5.share --share holder-2.share \
	--share holder-4.share --out recovered.bin
cmp key.bin recovered.bin && echo "recovered.bin matches key.bin"
step "Two shares are not enough, and a repeated share is named"
cat holder-1.share holder-3.share > two.txt
if symbolon combine --key-threshold 3 --share two.txt --out never.bin </dev/null; then
	echo "combine accepted two shares" >&2; exit 1
fi
cat holder-1.share holder-1.share > dup.txt
if symbolon combine --share dup.txt </dev/null >/dev/null; then
	echo "combine accepted a duplicate" >&2; exit 1
fi
[ ! -e never.bin ] && echo "no output file was written"

printf '\n#### Part 2: signed share bundles and identities\n'
NO_PASSPHRASE=1 "$here/identities.sh" ids "${holders[@]}"
"$here/deal.sh" key.bin 3 deal ids "${holders[@]}"
"$here/recover.sh" recovered2.bin deal/manifest.cbor ids \
	eve:deal/share-5-of-5.cbor bob:deal/share-2-of-5.cbor dan:deal/share-4-of-5.cbor
cmp key.bin recovered2.bin && echo "recovered2.bin matches key.bin"
step "A share modified in one byte is named and refused"
cp deal/share-1-of-5.cbor tampered.cbor
printf '\x00' | dd of=tampered.cbor bs=1 seek=100 conv=notrunc 2>/dev/null
if symbolon verify tampered.cbor; then echo "tampered share accepted" >&2; exit 1; fi

printf '\n#### Part 3: the storage image\n'
"$here/init.sh" vault.img 3 seal "${holders[@]}"
printf 'postgres://admin:correct-horse@db/prod' > secret.txt
"$here/unseal.sh" vault.img "seal/share-1-of-5.cbor seal/share-3-of-5.cbor seal/share-5-of-5.cbor" \
	put db-password --in secret.txt
step "Seal status after the put"
run status --image vault.img
"$here/rotate.sh" vault.img seal/share-2-of-5.cbor seal/share-3-of-5.cbor seal/share-4-of-5.cbor
"$here/unseal.sh" vault.img "seal/share-2-of-5.cbor seal/share-3-of-5.cbor seal/share-4-of-5.cbor" \
	get db-password --out read-back.txt </dev/null
cmp secret.txt read-back.txt && echo "read-back.txt matches the stored secret"
"$here/audit.sh" vault.img transcript.cbor seal/share-1-of-5.cbor seal/share-2-of-5.cbor seal/share-4-of-5.cbor

printf '\n#### Part 4: rekey with verification, 3-of-5 to 2-of-3\n'
"$here/rekey.sh" vault.img 2 seal2 fay,gus,hal seal/share-1-of-5.cbor seal/share-4-of-5.cbor seal/share-5-of-5.cbor
"$here/unseal.sh" vault.img "seal2/share-3-of-3.cbor seal2/share-2-of-3.cbor" get db-password --out read-back2.txt </dev/null
cmp secret.txt read-back2.txt && echo "the new shares read the secret back"
step "The old shares are refused now"
if symbolon store --image vault.img --share seal/share-1-of-5.cbor --share seal/share-2-of-5.cbor \
	--share seal/share-3-of-5.cbor list </dev/null; then
	echo "old shares still work" >&2; exit 1
fi
"$here/audit.sh" vault.img transcript2.cbor seal2/share-1-of-3.cbor seal2/share-3-of-3.cbor
printf '\n#### Part 5: OpenPGP key holders (GnuPG, gpg-agent)\n'
export GNUPGHOME=$work/gnupg
"$here/pgp-keys.sh" "$GNUPGHOME" pgp alice bob carol wendy
step "Initialise an image whose shares are sealed to the holders' OpenPGP keys"
run keygen init --image pgp.img --key-shares 3 --key-threshold 2 --out-dir pgpseal \
	--pgp-keys pgp/alice.asc,pgp/bob.asc,pgp/carol.asc
step "The gpg command line reads a share as its holder would"
gpg --quiet --decrypt pgpseal/share-2-of-3.asc 2>/dev/null | cut -c1-40
"$here/unseal.sh" pgp.img "pgpseal/share-1-of-3.asc pgpseal/share-3-of-3.asc" put api-token --in secret.txt
step "Rekey to new OpenPGP-sealed shares, with a backup kept in the image"
run rekey --image pgp.img --init --key-shares 3 --key-threshold 2 --out-dir pgpseal2 \
	--pgp-keys pgp/alice.asc,pgp/bob.asc,pgp/carol.asc --backup
nonce=$(symbolon rekey --image pgp.img --status --format json | sed -n 's/.*"nonce": "\([^"]*\)".*/\1/p')
run rekey --image pgp.img --nonce "$nonce" --share pgpseal/share-2-of-3.asc </dev/null
run rekey --image pgp.img --nonce "$nonce" --share pgpseal/share-3-of-3.asc </dev/null
step "The backup: retrieved, then deleted"
run rekey --image pgp.img --backup-retrieve | grep -E '^(Nonce|Key|Recipient|User ID)'
run rekey --image pgp.img --backup-delete
"$here/unseal.sh" pgp.img "pgpseal2/share-3-of-3.asc pgpseal2/share-1-of-3.asc" get api-token --out read-back3.txt </dev/null
cmp secret.txt read-back3.txt && echo "the new OpenPGP-sealed shares read the secret back"
step "Audit: the transcript, signed by a witness"
run verify --image pgp.img --transcript pgp-transcript.cbor | tail -3
"$here/witness.sh" pgp-transcript.cbor wendy@example.org
gpgconf --kill gpg-agent 2>/dev/null || true

printf '\n#### Part 6: share sheets on paper, QR codes on a screen\n'
"$here/init.sh" paper.img 3 paperseal "${holders[@]}"
"$here/sheets.sh" paperseal sheets --contact "the security officer, ext. 4242"
"$here/unseal.sh" paper.img "sheets/sheet-2.png sheets/sheet-4.png sheets/sheet-5.png" \
	put db-password --in secret.txt </dev/null
step "A scan is not always clean: sheet 1 tilted, shrunk and saved as a JPEG"
convert sheets/sheet-1.png -background white -rotate 6 -resize 70% -quality 60 sheets/sheet-1-photo.jpg
"$here/unseal.sh" paper.img "sheets/sheet-1-photo.jpg sheets/sheet-3.png sheets/sheet-5.png" \
	get db-password --out read-back4.txt </dev/null
cmp secret.txt read-back4.txt && echo "three scanned sheets unsealed the image and read the secret back"
step "A rekey requested, the current holders' sheets scanned to submit it"
run rekey --image paper.img --init --key-shares 5 --key-threshold 3 --out-dir paperseal2 \
	--holders "$(IFS=,; echo "${holders[*]}")"
nonce=$(symbolon rekey --image paper.img --status --format json | sed -n 's/.*"nonce": "\([^"]*\)".*/\1/p')
run rekey --image paper.img --nonce "$nonce" --share sheets/sheet-2.png --share sheets/sheet-3.png \
	--share sheets/sheet-4.png </dev/null
run verify --image paper.img --transcript paper-transcript.cbor | tail -2
mkdir -p machine-a machine-b
mv paper-transcript.cbor machine-a/transcript.cbor
step "Machine A shows the transcript, the rekey's record, as QR codes on its screen"
printf '$ symbolon qr encode machine-a/transcript.cbor\n'
symbolon qr encode machine-a/transcript.cbor > machine-a/screen.txt
sed 's/\x1b\[[0-9;]*m//g' machine-a/screen.txt | awk 'NR <= 14'
echo "... ($(grep -c part machine-a/screen.txt || true) codes, $(wc -l <machine-a/screen.txt) lines)"
step "Machine B photographs the screen and reads the codes"
"$here/screen.py" machine-a/screen.txt machine-b/photo.png
run qr decode machine-b/photo.png --out machine-b/transcript.cbor
cmp machine-a/transcript.cbor machine-b/transcript.cbor && echo "machine B has the transcript byte for byte"
run verify machine-b/transcript.cbor | tail -2

printf '\n#### Part 7: a bulk secret as raw share files\n'
step "A 16 MiB backup archive (demo only)"
head -c $((16 << 20)) /dev/urandom > backup.tar
"$here/bulk.sh" split backup.tar 3 5 bulk
"$here/bulk.sh" combine backup-back.tar bulk/share-4-of-5.raw bulk/share-1-of-5.raw \
	bulk/share-5-of-5.raw
cmp backup.tar backup-back.tar && echo "backup-back.tar matches backup.tar"
rm -f backup.tar backup-back.tar

printf '\n#### Part 8: an auto seal (a PKCS#11 token), recovery shares\n'
step "The token: SoftHSM2 here (at a ceremony, the HSM or smartcard), an AES key that never leaves it"
export SOFTHSM2_CONF=$work/hsm/softhsm2.conf
mkdir -p hsm/tokens
printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' \
	"$work/hsm/tokens" >"$SOFTHSM2_CONF"
module=/usr/lib/softhsm/libsofthsm2.so
softhsm2-util --init-token --free --label ceremony --so-pin 12345678 --pin 1234 >/dev/null
pkcs11-tool --module "$module" --token-label ceremony --login --pin 1234 --keygen \
	--key-type aes:32 --label seal-aes --sensitive --private >/dev/null 2>&1
printf '1234\n' >hsm/pin
"$here/autoseal.sh" hsm.img "pkcs11:module=$module,token=ceremony,key=seal-aes,name=hsm1" \
	hsm/pin 3 recovery "${holders[@]}"
run store --image hsm.img --pin-file hsm/pin put db-password --in secret.txt
run rotate --image hsm.img --pin-file hsm/pin
step "Recovery shares alone open nothing: they are refused for store"
if symbolon store --image hsm.img --share recovery/recovery-share-1-of-5.cbor list </dev/null; then
	echo "a recovery share unsealed the image" >&2; exit 1
fi
"$here/autoseal-rekey.sh" hsm.img hsm/pin recovery2 2 fay,gus,hal \
	recovery/recovery-share-2-of-5.cbor recovery/recovery-share-4-of-5.cbor recovery/recovery-share-5-of-5.cbor
step "The root key, released to a quorum of the new recovery shares, opens the image with no token"
run keygen export-root --image hsm.img --out root.key --pin-file hsm/pin \
	--share recovery2/recovery-share-1-of-3.cbor --share recovery2/recovery-share-3-of-3.cbor </dev/null
SOFTHSM2_CONF=/nonexistent symbolon store --image hsm.img --root-key root.key get db-password --out read-back5.txt
cmp secret.txt read-back5.txt && echo "the exported root key read the secret back, with no device"
run verify --image hsm.img --pin-file hsm/pin --transcript hsm-transcript.cbor | tail -2
symbolon verify hsm-transcript.cbor | tail -6

printf '\nCeremony complete.\n'
