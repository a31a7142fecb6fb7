#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The multipath parsers on good and hostile input (issue 12): VPD page 0x83
# and the kernel's wwid text -> WWID (mpath.c), MBR and GPT partition
# tables (parttab.c): bad lengths, tables pointing past the disk, EBR loops,
# CRCs, 2^32 entries. Builds 65-mpath-parse.c against make hostlib's
# ASan+UBSan build of the collector.
set -u

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"
scratch mpath
host_prog "$work/mpath-parse" "$here/65-mpath-parse.c" -- -lz
"$work/mpath-parse"
