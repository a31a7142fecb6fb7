// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * VMCOREINFO: the crashed kernel's note describing itself, "KEY=value"
 * lines written by kernel/crash_core.c and friends (symbol addresses,
 * structure sizes and member offsets, a few numbers). Also the ELF notes
 * it arrives in: the capture kernel merges every CPU's NT_PRSTATUS and the
 * VMCOREINFO note into one PT_NOTE; device-dump notes may come first, so
 * notes are walked generically by their headers.
 */
#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dump_read.h"
#include "dump_read_priv.h"

int dump_set_vmcoreinfo(struct dump *d, const char *text, size_t len)
{
	char *copy, *lines;
	size_t i;

	/* the note's descriptor may be NUL padded */
	len = strnlen(text, len);
	copy = malloc(len + 1);
	lines = malloc(len + 1);
	if (!copy || !lines) {
		free(copy);
		free(lines);
		return -ENOMEM;
	}
	memcpy(copy, text, len);
	copy[len] = '\0';
	memcpy(lines, text, len);
	lines[len] = '\0';
	for (i = 0; i < len; i++) {
		if (lines[i] == '\n')
			lines[i] = '\0';
	}
	free(d->vmcoreinfo);
	free(d->in->vi_lines);
	d->vmcoreinfo = copy;
	d->vmcoreinfo_len = len;
	d->in->vi_lines = lines;
	d->in->vi_len = len;
	return 0;
}

#define NOTE_ALIGN(x)	(((x) + 3) & ~(size_t)3)

int dump_set_notes(struct dump *d, const void *notes, size_t len)
{
	const char *p = notes, *name, *desc;
	const Elf64_Nhdr *nh;
	size_t off = 0, nsz, dsz;
	int cpus = 0, ret;

	free(d->notes);
	d->notes = malloc(len ? len : 1);
	if (!d->notes)
		return -ENOMEM;
	memcpy(d->notes, notes, len);
	d->notes_len = len;

	while (len - off >= sizeof(*nh)) {
		nh = (const Elf64_Nhdr *)(p + off);
		nsz = NOTE_ALIGN((size_t)nh->n_namesz);
		dsz = NOTE_ALIGN((size_t)nh->n_descsz);
		if (nh->n_namesz == 0 && nh->n_descsz == 0 && nh->n_type == 0)
			break;	/* zero padding after the last note */
		if (nsz > len - off - sizeof(*nh) ||
		    dsz > len - off - sizeof(*nh) - nsz)
			break;	/* truncated or garbage: keep what we have */
		name = p + off + sizeof(*nh);
		desc = name + nsz;
		if (nh->n_namesz == 5 && !memcmp(name, "CORE", 5) &&
		    nh->n_type == NT_PRSTATUS)
			cpus++;
		if (nh->n_namesz == 11 && !memcmp(name, "VMCOREINFO", 11) &&
		    !d->vmcoreinfo) {
			ret = dump_set_vmcoreinfo(d, desc, nh->n_descsz);
			if (ret)
				return ret;
		}
		off += sizeof(*nh) + nsz + dsz;
	}
	d->nr_cpus = cpus;
	return 0;
}

/* The value of "key=value", NUL terminated, or NULL. */
const char *vmcoreinfo_str(const struct dump *d, const char *key)
{
	const char *p, *end;
	size_t klen = strlen(key), llen;

	if (!d->in || !d->in->vi_lines)
		return NULL;
	p = d->in->vi_lines;
	end = p + d->in->vi_len;
	while (p < end) {
		llen = strlen(p);
		if (llen > klen && p[klen] == '=' && !memcmp(p, key, klen))
			return p + klen + 1;
		p += llen + 1;
	}
	return NULL;
}

static int lookup_u64(const struct dump *d, const char *kind,
		      const char *name, int base, uint64_t *val)
{
	char key[256];
	const char *s;
	char *end;
	unsigned long long v;

	if ((size_t)snprintf(key, sizeof(key), "%s(%s)", kind, name) >= sizeof(key))
		return -ENOENT;
	s = vmcoreinfo_str(d, key);
	if (!s || !*s || *s == '-')
		return -ENOENT;
	errno = 0;
	v = strtoull(s, &end, base);
	if (errno || *end)
		return -ENOENT;
	*val = v;
	return 0;
}

int vmcoreinfo_symbol(const struct dump *d, const char *name, uint64_t *val)
{
	return lookup_u64(d, "SYMBOL", name, 16, val);
}

int vmcoreinfo_offset(const struct dump *d, const char *name, uint64_t *val)
{
	return lookup_u64(d, "OFFSET", name, 10, val);
}

int vmcoreinfo_size(const struct dump *d, const char *name, uint64_t *val)
{
	return lookup_u64(d, "SIZE", name, 10, val);
}

int vmcoreinfo_length(const struct dump *d, const char *name, uint64_t *val)
{
	return lookup_u64(d, "LENGTH", name, 10, val);
}

int vmcoreinfo_number(const struct dump *d, const char *name, int64_t *val)
{
	char key[256];
	const char *s;
	char *end;
	long long v;

	if ((size_t)snprintf(key, sizeof(key), "NUMBER(%s)", name) >= sizeof(key))
		return -ENOENT;
	s = vmcoreinfo_str(d, key);
	if (!s || !*s)
		return -ENOENT;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end)
		return -ENOENT;
	*val = v;
	return 0;
}
