// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The crashed kernel's log, read out of its memory image.
 *
 * Linux >= 5.10 keeps it in the lockless printk_ringbuffer: a ring of
 * descriptors (state + id in state_var, the text block's logical
 * positions) with a parallel ring of printk_info (sequence, timestamp,
 * text length), and a data ring holding each text block behind its 8-byte
 * descriptor id; a block that would cross the end of the ring is stored
 * from its start instead. Linux 3.5 .. 5.9 kept variable-length printk_log
 * records in log_buf; older kernels plain text.
 *
 * The output is byte for byte what `makedumpfile --dump-dmesg` writes
 * (1.7.2, the version Debian 12 ships), so the two can be diffed:
 * "[%5llu.%06lu] " then the text; a newline inside a record is followed
 * by as many spaces as that prefix is long; bytes that are neither
 * printable ASCII nor white space come out as "\xNN", where NN is the byte
 * as a *signed* char in %02x (so 0xc3 gives "\xffffffc3", as makedumpfile's
 * sprintf of a plain char does on x86). Dictionaries are not printed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "checked.h"
#include "dmesg.h"
#include "dump_read.h"
#include "dump_read_priv.h"
#include "log.h"

/* ---- output ---- */

struct out {
	int fd;
	int err;
	size_t len;
	char buf[16384];
};

static void out_flush(struct out *o)
{
	size_t done = 0;
	ssize_t n;

	while (!o->err && done < o->len) {
		n = write(o->fd, o->buf + done, o->len - done);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			o->err = -errno;
			break;
		}
		done += (size_t)n;
	}
	o->len = 0;
}

static void out_mem(struct out *o, const void *p, size_t n)
{
	const char *s = p;
	size_t room;

	while (n) {
		if (o->len == sizeof(o->buf))
			out_flush(o);
		room = sizeof(o->buf) - o->len;
		if (room > n)
			room = n;
		memcpy(o->buf + o->len, s, room);
		o->len += room;
		s += room;
		n -= room;
	}
}

static void out_str(struct out *o, const char *s)
{
	out_mem(o, s, strlen(s));
}

/* One record, formatted as makedumpfile's dump_record()/dump_log_entry(). */
static void out_record(struct out *o, uint64_t ts_nsec, const unsigned char *text,
		       size_t len)
{
	char prefix[64], esc[16];
	size_t i;
	int indent;
	unsigned char c;

	indent = snprintf(prefix, sizeof(prefix), "[%5lld.%06ld] ",
			  (long long)(ts_nsec / 1000000000),
			  (long)(ts_nsec % 1000000000 / 1000));
	out_str(o, prefix);
	for (i = 0; i < len; i++) {
		c = text[i];
		if (c == '\n') {
			out_mem(o, "\n", 1);
			for (int k = 0; k < indent; k++)
				out_mem(o, " ", 1);
		} else if ((c >= 0x20 && c < 0x7f) || c == '\t' || c == '\v' ||
			   c == '\f' || c == '\r') {
			out_mem(o, &c, 1);
		} else {
			snprintf(esc, sizeof(esc), "\\x%02x", (int)(signed char)c);
			out_str(o, esc);
		}
	}
	out_mem(o, "\n", 1);
}

/* ---- VMCOREINFO helpers ---- */

struct need {
	const char *kind;	/* "OFFSET" or "SIZE" */
	const char *name;
	uint64_t *val;
};

static int get_all(struct dump *d, const struct need *n, size_t count)
{
	size_t i;
	int ret;

	for (i = 0; i < count; i++) {
		if (!strcmp(n[i].kind, "SIZE"))
			ret = vmcoreinfo_size(d, n[i].name, n[i].val);
		else
			ret = vmcoreinfo_offset(d, n[i].name, n[i].val);
		if (ret) {
			log_debug("VMCOREINFO lacks %s(%s)", n[i].kind, n[i].name);
			return ret;
		}
	}
	return 0;
}

static uint64_t get_u64(const char *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint32_t get_u32(const char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint16_t get_u16(const char *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* Read len bytes of kernel memory at vaddr into a new buffer. */
static int read_new(struct dump *d, uint64_t vaddr, size_t len, char **out)
{
	char *p = malloc(len ? len : 1);
	int ret;

	if (!p)
		return -ENOMEM;
	ret = dump_read_virt(d, vaddr, p, len);
	if (ret) {
		free(p);
		return ret;
	}
	*out = p;
	return 0;
}

/* ---- lockless printk_ringbuffer (Linux >= 5.10) ---- */

#define DESC_SV_BITS		64
#define DESC_FLAGS_SHIFT	(DESC_SV_BITS - 2)
#define DESC_ID_MASK		(~(3ULL << DESC_FLAGS_SHIFT))
#define DESC_COMMITTED		1
#define DESC_FINALIZED		2

struct prb {
	uint64_t sz_prb, o_desc_ring, o_text_ring;
	uint64_t o_count_bits, o_descs, o_infos, o_head_id, o_tail_id;
	uint64_t sz_desc, o_state_var, o_text_blk;
	uint64_t o_begin, o_next;
	uint64_t sz_info, o_ts_nsec, o_text_len;
	uint64_t o_size_bits, o_data;
	uint64_t o_counter;

	uint64_t count, size;		/* descriptors, bytes of text ring */
	uint64_t descs, infos, data;	/* their kernel addresses */
	char desc[256], info[256];
	unsigned char *text;		/* one record's text, up to 64K */
};

/*
 * One record, read straight from the dump: the descriptor, its info and
 * its text. Nothing is copied wholesale, so a corrupt ring size cannot
 * make us allocate much (PID 1 in a small capture kernel).
 */
static int prb_record(struct dump *d, struct out *o, struct prb *m, uint64_t id)
{
	uint64_t sv, begin, next, state, text_len;
	int ret;

	ret = dump_read_virt(d, m->descs + (id % m->count) * m->sz_desc,
			     m->desc, m->sz_desc);
	if (ret)
		return ret;
	sv = get_u64(m->desc + m->o_state_var + m->o_counter);
	state = (sv >> DESC_FLAGS_SHIFT) & 3;
	if ((sv & DESC_ID_MASK) != id ||
	    (state != DESC_COMMITTED && state != DESC_FINALIZED))
		return 0;
	begin = get_u64(m->desc + m->o_text_blk + m->o_begin) % m->size;
	next = get_u64(m->desc + m->o_text_blk + m->o_next) % m->size;
	if (begin == next)
		return 0;	/* no text */
	ret = dump_read_virt(d, m->infos + (id % m->count) * m->sz_info,
			     m->info, m->sz_info);
	if (ret)
		return ret;
	text_len = get_u16(m->info + m->o_text_len);
	if (begin > next)
		begin = 0;	/* wrapped: the block is at the start */
	begin += 8;		/* the block's descriptor id */
	if (begin <= next && next - begin < text_len)
		text_len = next - begin;
	if (begin >= m->size)
		text_len = 0;
	else if (text_len > m->size - begin)
		text_len = m->size - begin;	/* corrupt: stay inside the ring */
	ret = dump_read_virt(d, m->data + begin, m->text, (size_t)text_len);
	if (ret)
		return ret;
	out_record(o, get_u64(m->info + m->o_ts_nsec), m->text, (size_t)text_len);
	return 0;
}

/* A field of width bytes at a + b is not inside size bytes (or a + b wraps). */
static int outside(uint64_t a, uint64_t b, uint64_t width, uint64_t size)
{
	uint64_t off;

	return checked_add(a, b, &off) || checked_range(off, width, size);
}

static int dmesg_lockless(struct dump *d, uint64_t prb_sym, struct out *o)
{
	struct prb m;
	const struct need need[] = {
		{ "SIZE", "printk_ringbuffer", &m.sz_prb },
		{ "OFFSET", "printk_ringbuffer.desc_ring", &m.o_desc_ring },
		{ "OFFSET", "printk_ringbuffer.text_data_ring", &m.o_text_ring },
		{ "OFFSET", "prb_desc_ring.count_bits", &m.o_count_bits },
		{ "OFFSET", "prb_desc_ring.descs", &m.o_descs },
		{ "OFFSET", "prb_desc_ring.infos", &m.o_infos },
		{ "OFFSET", "prb_desc_ring.head_id", &m.o_head_id },
		{ "OFFSET", "prb_desc_ring.tail_id", &m.o_tail_id },
		{ "SIZE", "prb_desc", &m.sz_desc },
		{ "OFFSET", "prb_desc.state_var", &m.o_state_var },
		{ "OFFSET", "prb_desc.text_blk_lpos", &m.o_text_blk },
		{ "OFFSET", "prb_data_blk_lpos.begin", &m.o_begin },
		{ "OFFSET", "prb_data_blk_lpos.next", &m.o_next },
		{ "SIZE", "printk_info", &m.sz_info },
		{ "OFFSET", "printk_info.ts_nsec", &m.o_ts_nsec },
		{ "OFFSET", "printk_info.text_len", &m.o_text_len },
		{ "OFFSET", "prb_data_ring.size_bits", &m.o_size_bits },
		{ "OFFSET", "prb_data_ring.data", &m.o_data },
		{ "OFFSET", "atomic_long_t.counter", &m.o_counter },
	};
	uint64_t prb_addr, head, tail, id, bits, n;
	char rb[4096], *dr, *tr;
	int ret;

	memset(&m, 0, sizeof(m));
	ret = get_all(d, need, sizeof(need) / sizeof(need[0]));
	if (ret)
		return ret;
	/* every offset from VMCOREINFO, added without wrapping */
	if (m.sz_prb > sizeof(rb) || outside(m.o_desc_ring, 0, 48, m.sz_prb) ||
	    outside(m.o_text_ring, 0, 16, m.sz_prb) || m.sz_desc < 8 || m.sz_info < 8 ||
	    m.sz_desc > sizeof(m.desc) || m.sz_info > sizeof(m.info) ||
	    outside(m.o_count_bits, 0, 4, m.sz_prb - m.o_desc_ring) ||
	    outside(m.o_descs, 0, 8, m.sz_prb - m.o_desc_ring) ||
	    outside(m.o_infos, 0, 8, m.sz_prb - m.o_desc_ring) ||
	    outside(m.o_head_id, m.o_counter, 8, m.sz_prb - m.o_desc_ring) ||
	    outside(m.o_tail_id, m.o_counter, 8, m.sz_prb - m.o_desc_ring) ||
	    outside(m.o_size_bits, 0, 4, m.sz_prb - m.o_text_ring) ||
	    outside(m.o_data, 0, 8, m.sz_prb - m.o_text_ring) ||
	    outside(m.o_state_var, m.o_counter, 8, m.sz_desc) ||
	    outside(m.o_text_blk, m.o_begin, 8, m.sz_desc) ||
	    outside(m.o_text_blk, m.o_next, 8, m.sz_desc) ||
	    outside(m.o_ts_nsec, 0, 8, m.sz_info) || outside(m.o_text_len, 0, 2, m.sz_info))
		return -EUCLEAN;

	/* SYMBOL(prb) is the address of the pointer to the ring buffer */
	ret = dump_read_u64(d, prb_sym, &prb_addr);
	if (ret)
		return ret;
	ret = dump_read_virt(d, prb_addr, rb, m.sz_prb);
	if (ret)
		return ret;
	dr = rb + m.o_desc_ring;
	tr = rb + m.o_text_ring;

	/* the kernel allows log_buf_len up to 2G: 31 bits of text ring */
	bits = get_u32(tr + m.o_size_bits);
	if (bits < 4 || bits > 31)
		return -EUCLEAN;
	m.size = 1ULL << bits;
	bits = get_u32(dr + m.o_count_bits);
	if (bits > 31)
		return -EUCLEAN;
	m.count = 1ULL << bits;
	m.descs = get_u64(dr + m.o_descs);
	m.infos = get_u64(dr + m.o_infos);
	m.data = get_u64(tr + m.o_data);
	m.text = malloc(65536);
	if (!m.text)
		return -ENOMEM;

	tail = get_u64(dr + m.o_tail_id + m.o_counter) & DESC_ID_MASK;
	head = get_u64(dr + m.o_head_id + m.o_counter) & DESC_ID_MASK;
	/*
	 * Only the last count ids can still be in the ring; older ones map
	 * to descriptors since reused (a mismatch makedumpfile skips too).
	 * This bounds the walk if tail_id is garbage.
	 */
	n = (head - tail) & DESC_ID_MASK;
	if (n >= m.count)
		tail = (head - m.count + 1) & DESC_ID_MASK;
	for (id = tail; id != head && !ret; id = (id + 1) & DESC_ID_MASK)
		ret = prb_record(d, o, &m, id);
	if (!ret)
		ret = prb_record(d, o, &m, head);
	free(m.text);
	return ret;
}

/* ---- log_buf with printk_log records (Linux 3.5 .. 5.9) ---- */

static int dmesg_printk_log(struct dump *d, struct out *o)
{
	uint64_t sym_buf, sym_len, sym_first, sym_next, sz, o_ts, o_len, o_tlen;
	uint64_t buf_addr, steps, max_steps, walked = 0;
	uint32_t first, next, buf_len, pos, rec, len, tlen;
	const char *prefix = "printk_log";
	char name[64];
	char *buf = NULL;
	int ret;

	if (vmcoreinfo_symbol(d, "log_buf", &sym_buf) ||
	    vmcoreinfo_symbol(d, "log_buf_len", &sym_len) ||
	    vmcoreinfo_symbol(d, "log_first_idx", &sym_first) ||
	    vmcoreinfo_symbol(d, "log_next_idx", &sym_next))
		return -ENOENT;
	if (vmcoreinfo_size(d, prefix, &sz)) {
		prefix = "log";		/* Linux 3.5 .. 3.10 called it struct log */
		if (vmcoreinfo_size(d, prefix, &sz))
			return -ENOENT;
	}
	snprintf(name, sizeof(name), "%s.ts_nsec", prefix);
	ret = vmcoreinfo_offset(d, name, &o_ts);
	snprintf(name, sizeof(name), "%s.len", prefix);
	ret = ret ? ret : vmcoreinfo_offset(d, name, &o_len);
	snprintf(name, sizeof(name), "%s.text_len", prefix);
	ret = ret ? ret : vmcoreinfo_offset(d, name, &o_tlen);
	if (ret)
		return ret;
	if (sz < 8 || sz > 256 || outside(o_ts, 0, 8, sz) || outside(o_len, 0, 2, sz) ||
	    outside(o_tlen, 0, 2, sz))
		return -EUCLEAN;

	if ((ret = dump_read_u64(d, sym_buf, &buf_addr)) ||
	    (ret = dump_read_virt(d, sym_len, &buf_len, 4)) ||
	    (ret = dump_read_virt(d, sym_first, &first, 4)) ||
	    (ret = dump_read_virt(d, sym_next, &next, 4)))
		return ret;
	if ((int32_t)buf_len <= 0 || buf_len > (1U << 30) || first >= buf_len ||
	    next >= buf_len)
		return -EUCLEAN;
	ret = read_new(d, buf_addr, buf_len, &buf);
	if (ret)
		return ret;

	/* a record with len 0 marks the end: the next one is at the start */
	max_steps = buf_len / sz + 2;
	for (pos = first, steps = 0; pos != next; steps++) {
		if (steps > max_steps || pos + sz > buf_len) {
			ret = -EUCLEAN;		/* corrupt: a cycle, or off the end */
			goto out;
		}
		rec = pos;
		len = get_u16(buf + pos + o_len);
		if (!len) {
			rec = 0;
			len = get_u16(buf + o_len);
			if (!len || sz > buf_len) {
				ret = -EUCLEAN;
				goto out;
			}
		}
		/*
		 * A record holds its header and its text: a shorter one is
		 * corrupt, and the text never runs past it (else a ring of
		 * tiny records prints the rest of the buffer at every step).
		 */
		if (len < sz || rec + len > buf_len) {
			ret = -EUCLEAN;
			goto out;
		}
		/* a real ring is walked once: wrapping round again is a cycle */
		walked += len;
		if (walked > buf_len) {
			ret = -EUCLEAN;
			goto out;
		}
		tlen = get_u16(buf + rec + o_tlen);
		if (tlen > len - sz)
			tlen = len - (uint32_t)sz;
		out_record(o, get_u64(buf + rec + o_ts),
			   (const unsigned char *)buf + rec + sz, tlen);
		pos = rec + len;
	}
	ret = 0;
out:
	free(buf);
	return ret;
}

/* ---- plain log_buf text (before Linux 3.5) ---- */

static int dmesg_plain(struct dump *d, struct out *o)
{
	uint64_t sym_buf, sym_len, sym_end, buf_addr, log_end = 0;
	uint32_t buf_len, end32;
	unsigned int maj = 0, min = 0, sub = 0;
	const char *rel = vmcoreinfo_str(d, "OSRELEASE");
	char *buf = NULL;
	uint64_t idx;
	int ret;

	if (vmcoreinfo_symbol(d, "log_buf", &sym_buf) ||
	    vmcoreinfo_symbol(d, "log_buf_len", &sym_len) ||
	    vmcoreinfo_symbol(d, "log_end", &sym_end))
		return -ENOENT;
	if (rel)
		sscanf(rel, "%u.%u.%u", &maj, &min, &sub);
	if ((ret = dump_read_u64(d, sym_buf, &buf_addr)) ||
	    (ret = dump_read_virt(d, sym_len, &buf_len, 4)))
		return ret;
	if (maj > 2 || (maj == 2 && (min > 6 || (min == 6 && sub >= 25)))) {
		ret = dump_read_virt(d, sym_end, &end32, 4);	/* unsigned */
		log_end = end32;
	} else {
		ret = dump_read_u64(d, sym_end, &log_end);	/* unsigned long */
	}
	if (ret)
		return ret;
	if ((int32_t)buf_len <= 0 || buf_len > (1U << 30))
		return -EUCLEAN;
	buf = malloc(buf_len);
	if (!buf)
		return -ENOMEM;
	if (log_end < buf_len) {
		ret = dump_read_virt(d, buf_addr, buf, log_end);
		if (!ret)
			out_mem(o, buf, log_end);
	} else {
		/* full: the oldest text starts at log_end in the ring */
		idx = log_end & (buf_len - 1);
		ret = dump_read_virt(d, buf_addr + idx, buf, buf_len - idx);
		if (!ret)
			ret = dump_read_virt(d, buf_addr, buf + buf_len - idx, idx);
		if (!ret)
			out_mem(o, buf, buf_len);
	}
	free(buf);
	return ret;
}

int dmesg_write(struct dump *d, int fd)
{
	struct out *o;
	uint64_t sym;
	int ret;

	o = calloc(1, sizeof(*o));
	if (!o)
		return -ENOMEM;
	o->fd = fd;
	if (vmcoreinfo_symbol(d, "prb", &sym) == 0)
		ret = dmesg_lockless(d, sym, o);
	else if (vmcoreinfo_symbol(d, "log_end", &sym) == 0)
		ret = dmesg_plain(d, o);
	else
		ret = dmesg_printk_log(d, o);
	out_flush(o);
	if (!ret)
		ret = o->err;
	free(o);
	return ret;
}
