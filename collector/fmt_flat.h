/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KCAP_FMT_FLAT_H
#define KCAP_FMT_FLAT_H

/*
 * makedumpfile's flattened format (-F, makedumpfile.h): a stream that can
 * go down a pipe or onto a raw device. One definition for the reader
 * (dump_read_flat.c), the writer (dump_write.c) and kcap convert.
 *
 *   0      struct makedumpfile_header: char signature[16] ("makedumpfile"),
 *          int64 type, int64 version (big-endian), padded to FLAT_HEADER_SIZE
 *   then   records: {int64 offset, int64 size} (big-endian), then size
 *          bytes meant for that offset of the rebuilt file
 *   end    the record {-1, -1}
 */
#define FLAT_SIGNATURE		"makedumpfile"
#define FLAT_HEADER_SIZE	4096
#define FLAT_OFF_TYPE		16	/* int64, big-endian */
#define FLAT_OFF_VERSION	24
#define FLAT_TYPE		1
#define FLAT_VERSION		1
#define FLAT_RECORD_SIZE	16	/* {offset, size} before each record's data */

#endif
