#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Every libFuzzer harness (tests/fuzz/run) for a short fixed time on its
# seed corpus, after replaying the crash inputs kept in tests/fuzz/corpus/
# (regression cases). KCAP_FUZZ_SECONDS per target (default 10); make fuzz
# runs longer.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
exec "$top/tests/fuzz/run" "${KCAP_FUZZ_SECONDS:-10}"
