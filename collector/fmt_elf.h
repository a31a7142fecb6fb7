/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KCAP_FMT_ELF_H
#define KCAP_FMT_ELF_H

/*
 * ELF dumps (/proc/vmcore, makedumpfile -E, ours): an ELF64 core with one
 * PT_NOTE (NT_PRSTATUS per CPU, VMCOREINFO) and PT_LOADs for memory; the
 * layout is <elf.h>'s. What <elf.h> does not say, shared by the reader
 * (dump_read_elf.c), the writer (dump_write_elf.c) and kcap convert:
 */
#define DUMP_ELF_INCOMPLETE	0x1	/* e_flags of an unfinished makedumpfile -E; crash knows it */
#define DUMP_ELF_OFF_FLAGS	48	/* offsetof(Elf64_Ehdr, e_flags) */

#endif
