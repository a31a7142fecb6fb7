#!/bin/sh
# kdump_post of the kcap side of tests/bench/dumpspeed (added to a copy of build/kcap.img
# as /bench/kdump-post with a bench kcap.conf). kcap runs kdump_post from its capture worker,
# after the vmcore was written and while the worker is still alive: our parent is that
# worker, so its /proc/PID/status holds VmHWM, the peak resident set of the process that
# filtered, compressed and wrote the dump. PID 1 (which only supervises) is reported too.
# Arguments (from kcap): $1 exit status of the capture, $2 the dump directory.

# field PID NAME: the value of NAME: in /proc/PID/status, in kB ("?" if absent).
field() {
	v="?"
	while read -r k n _; do
		[ "$k" = "$2:" ] && v=$n
	done <"/proc/$1/status"
	echo "$v"
}

line="KCAPBENCH name=kcap-worker pid=$PPID status=${1:-?} vmhwm_kb=$(field "$PPID" VmHWM) vmrss_kb=$(field "$PPID" VmRSS) pid1_vmhwm_kb=$(field 1 VmHWM)"
echo "<5>$line" >/dev/kmsg 2>/dev/null || echo "$line"
