#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Final-action policy table (final_policy(): config + kcap.panic + result ->
# reboot/halt/poweroff/shell and delay). Builds 50-final-policy.c with gcc
# against make hostlib's build of the collector.
set -u

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
scratch final
host_prog "$work/policy" "$here/50-final-policy.c"
"$work/policy"
