#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# net_resolve()/net_ntop() table (70-net-resolve.c) against make hostlib's
# build of the collector: the host forms of nfs and ssh targets.
set -u

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
scratch net
host_prog "$work/net" "$here/70-net-resolve.c"
"$work/net"
