# swtpm, a software TPM 2.0, as the peer of the tpm2 seal.  Source this
# file (bash) and call:
#
#   swtpm_start DIR   starts swtpm with its state in DIR (created; a fresh
#                     DIR is a fresh TPM) on a free loopback port pair:
#                     the TPM at port N, its control channel at N+1 (the
#                     swtpm TCTI wants it there).  Exports SYMBOLON_TEST_TCTI
#                     ("swtpm:host=127.0.0.1;port=N", the seal string form)
#                     and TPM2TOOLS_TCTI (the same with ',', for tpm2-tools),
#                     and writes them to DIR/tcti and DIR/tools-tcti.
#                     Prints nothing; returns 1 (a message on stderr) when
#                     swtpm is missing or does not start.
#   swtpm_stop DIR    stops the swtpm started on DIR (DIR/pid) and waits
#                     until it is gone.  Safe to call twice.
#
# PCRs are reset each time swtpm starts; the state (the seeds, so the
# sealed blobs) persists in DIR.

# 1 when something listens on 127.0.0.1:$1.
swtpm_port_busy() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

swtpm_start() {
	local dir=$1 port try
	if ! command -v swtpm >/dev/null 2>&1; then
		echo "swtpm_start: swtpm is not installed" >&2
		return 1
	fi
	mkdir -p "$dir" || return 1
	for try in $(seq 1 30); do
		# A random pair in 20000..59998 that nothing answers on; swtpm
		# failing to bind (a race) only costs another try.
		port=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
		if swtpm_port_busy "$port" || swtpm_port_busy $((port + 1)); then
			continue
		fi
		rm -f "$dir/pid"
		if swtpm socket --tpm2 --tpmstate "dir=$dir" \
		    --server "type=tcp,port=$port,bindaddr=127.0.0.1" \
		    --ctrl "type=tcp,port=$((port + 1)),bindaddr=127.0.0.1" \
		    --flags not-need-init,startup-clear \
		    --daemon --pid "file=$dir/pid" \
		    --log "file=$dir/swtpm.log" >/dev/null 2>&1 &&
		    swtpm_wait "$dir" "$port"; then
			SYMBOLON_TEST_TCTI="swtpm:host=127.0.0.1;port=$port"
			TPM2TOOLS_TCTI="swtpm:host=127.0.0.1,port=$port"
			export SYMBOLON_TEST_TCTI TPM2TOOLS_TCTI
			printf '%s\n' "$SYMBOLON_TEST_TCTI" >"$dir/tcti"
			printf '%s\n' "$TPM2TOOLS_TCTI" >"$dir/tools-tcti"
			return 0
		fi
		swtpm_stop "$dir"
	done
	echo "swtpm_start: swtpm did not start (log: $dir/swtpm.log)" >&2
	return 1
}

# Waits (5 s at most) for DIR/pid and for the TPM port to answer.
swtpm_wait() {
	local dir=$1 port=$2 i
	for i in $(seq 1 50); do
		if [ -s "$dir/pid" ] && kill -0 "$(cat "$dir/pid")" 2>/dev/null &&
		    swtpm_port_busy "$port"; then
			return 0
		fi
		sleep 0.1
	done
	return 1
}

swtpm_stop() {
	local dir=$1 pid i
	[ -s "$dir/pid" ] || return 0
	pid=$(cat "$dir/pid")
	rm -f "$dir/pid"
	case $pid in ''|*[!0-9]*) return 0 ;; esac
	kill "$pid" 2>/dev/null || return 0
	for i in $(seq 1 50); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -9 "$pid" 2>/dev/null
	return 0
}
