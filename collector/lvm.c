// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * LVM2 logical volumes (see lvm.h for the on-disk layout and the rules).
 *
 * One pass: scan the devices (label, PV UUID, the metadata text of each
 * metadata area that passes its checks), pick the newest metadata of the
 * VG (highest seqno), parse it into a small tree, check the LV against the
 * rules and turn its segments into a device-mapper table. Every number
 * from the disk goes through checked.h before it is used.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <linux/dm-ioctl.h>
#include <linux/fs.h>

#include "blkdev.h"
#include "checked.h"
#include "dm.h"
#include "lvm.h"
#include "mpath.h"

#define SECTOR		512u
#define LABEL_SCAN	4		/* sectors 0..3 */
#define MDA_HDR		512u
#define CRC_INIT	0xf597a6cfu
#define ID_LEN		32
#define MAX_PVS		64		/* labelled devices in one scan */
#define MAX_MDAS	2		/* metadata areas per PV (lvm2 has at most 2) */
#define MAX_NODES	65536
#define MAX_DEPTH	16

static const char mda_magic[16] = " LVM2 x[5A%r0N*>";

/* --- checksums and little-endian fields ------------------------------------ */

static uint32_t lvm_crc(uint32_t crc, const unsigned char *p, size_t n)
{
	int k;

	while (n--) {
		crc ^= *p++;
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
	}
	return crc;
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const unsigned char *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

static int why_add(char *why, size_t whylen, int ret, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Append "; msg" (or set msg) to why; returns ret. */
static int why_add(char *why, size_t whylen, int ret, const char *fmt, ...)
{
	size_t at;
	va_list ap;

	if (!why || !whylen)
		return ret;
	at = strnlen(why, whylen);
	if (at && at + 2 < whylen) {
		memcpy(why + at, "; ", 2);
		at += 2;
	}
	if (at + 1 < whylen) {
		va_start(ap, fmt);
		vsnprintf(why + at, whylen - at, fmt, ap);
		va_end(ap);
	}
	return ret;
}

/* --- scanning: labels and metadata areas ------------------------------------ */

struct lvm_pv {
	char path[64];		/* /dev/vda, or the image file */
	char devt[64];		/* how a table names it: "254:0", or the path */
	char uuid[ID_LEN + 1];	/* without dashes */
	uint64_t size;		/* bytes, as the kernel (or the file) says */
	char *meta;		/* newest good metadata text on it, or NULL */
	uint64_t seqno;
	char vgname[128];
	char vgid[ID_LEN + 1];
};

struct lvm_scan {
	struct lvm_pv pv[MAX_PVS];
	int n;
	char notes[LVM_WHY_LEN];	/* what was wrong with what was seen */
};

static int pread_all(int fd, void *buf, size_t len, uint64_t off)
{
	size_t done = 0;
	ssize_t n;

	if (off > INT64_MAX - len)
		return -EINVAL;
	while (done < len) {
		n = pread(fd, (char *)buf + done, len - done, (off_t)(off + done));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		done += (size_t)n;
	}
	return 0;
}

/*
 * The label in sectors 0..3: 0 with the PV UUID and metadata areas, -ENODATA
 * when there is none, -EBADMSG when it is there but broken (why says how).
 */
static int lvm_read_label(int fd, const char *path, uint64_t size, char *uuid,
			  uint64_t mda[][2], int *nmda, char *why, size_t whylen)
{
	unsigned char buf[LABEL_SCAN * SECTOR], *l = NULL;
	uint32_t off, at;
	int i, pass;
	uint64_t o, s;

	if (size < sizeof(buf) || pread_all(fd, buf, sizeof(buf), 0) < 0)
		return -ENODATA;
	for (i = 0; i < LABEL_SCAN; i++) {
		if (memcmp(buf + i * SECTOR, "LABELONE", 8))
			continue;
		l = buf + i * SECTOR;
		break;
	}
	if (!l)
		return -ENODATA;
	if (le64(l + 8) != (uint64_t)i)
		return why_add(why, whylen, -EBADMSG, "%s: LVM label in sector %d says sector %" PRIu64,
			       path, i, le64(l + 8));
	if (lvm_crc(CRC_INIT, l + 20, SECTOR - 20) != le32(l + 16))
		return why_add(why, whylen, -EBADMSG, "%s: LVM label checksum mismatch", path);
	if (memcmp(l + 24, "LVM2 001", 8))
		return why_add(why, whylen, -EBADMSG, "%s: LVM label type is not LVM2 001", path);
	off = le32(l + 20);
	/* PV header: uuid, device size, then 16-byte ranges, all inside the sector */
	if (off < 32 || off > SECTOR - ID_LEN - 8 - 16)
		return why_add(why, whylen, -EBADMSG, "%s: PV header offset %u out of range", path, off);
	memcpy(uuid, l + off, ID_LEN);
	uuid[ID_LEN] = '\0';
	for (i = 0; i < ID_LEN; i++)
		if (uuid[i] < '!' || uuid[i] > '~')
			return why_add(why, whylen, -EBADMSG, "%s: PV UUID is not text", path);
	at = off + ID_LEN + 8;
	*nmda = 0;
	/* pass 0: data areas (skipped), pass 1: metadata areas */
	for (pass = 0; pass < 2; pass++) {
		for (;;) {
			if (at + 16 > SECTOR)
				return why_add(why, whylen, -EBADMSG, "%s: PV header runs past its sector",
					       path);
			o = le64(l + at);
			s = le64(l + at + 8);
			at += 16;
			if (!o)
				break;
			if (pass == 0)
				continue;
			if (*nmda >= MAX_MDAS)
				return why_add(why, whylen, -EBADMSG, "%s: more than %d metadata areas",
					       path, MAX_MDAS);
			if (s < 2 * MDA_HDR || checked_range(o, s, size))
				return why_add(why, whylen, -EBADMSG,
					       "%s: metadata area %" PRIu64 "+%" PRIu64 " outside the device (%" PRIu64 " bytes)",
					       path, o, s, size);
			mda[*nmda][0] = o;
			mda[*nmda][1] = s;
			(*nmda)++;
		}
	}
	return 0;
}

/*
 * The current metadata text of the area at off (size bytes): 0 with a
 * malloc'ed NUL-terminated *text, 1 when the area is unused or ignored,
 * -EBADMSG when it fails a check (why says which).
 */
static int lvm_read_mda(int fd, const char *path, uint64_t off, uint64_t size, char **text,
			char *why, size_t whylen)
{
	unsigned char h[MDA_HDR];
	uint64_t ro, rs, first, end;
	uint32_t rc, flags;
	char *t;
	int ret;

	*text = NULL;
	if (pread_all(fd, h, sizeof(h), off) < 0)
		return why_add(why, whylen, -EBADMSG, "%s: cannot read metadata area at %" PRIu64, path, off);
	if (memcmp(h + 4, mda_magic, sizeof(mda_magic)))
		return why_add(why, whylen, -EBADMSG, "%s: metadata area at %" PRIu64 ": bad magic", path, off);
	if (lvm_crc(CRC_INIT, h + 4, MDA_HDR - 4) != le32(h))
		return why_add(why, whylen, -EBADMSG, "%s: metadata area header at %" PRIu64 " fails its checksum",
			       path, off);
	if (le32(h + 20) != 1)
		return why_add(why, whylen, -EBADMSG, "%s: metadata area version %u, not 1", path, le32(h + 20));
	if (le64(h + 24) != off || le64(h + 32) != size)
		return why_add(why, whylen, -EBADMSG,
			       "%s: metadata area header says %" PRIu64 "+%" PRIu64 ", the label %" PRIu64 "+%" PRIu64,
			       path, le64(h + 24), le64(h + 32), off, size);
	ro = le64(h + 40);
	rs = le64(h + 48);
	rc = le32(h + 56);
	flags = le32(h + 60);
	if (!ro || !rs || (flags & 1))	/* RAW_LOCN_IGNORED */
		return 1;
	if (ro < MDA_HDR || ro >= size || rs > size - MDA_HDR)
		return why_add(why, whylen, -EBADMSG,
			       "%s: metadata text %" PRIu64 "+%" PRIu64 " outside its area of %" PRIu64 " bytes",
			       path, ro, rs, size);
	if (rs > LVM_META_MAX)
		return why_add(why, whylen, -EBADMSG, "%s: metadata text of %" PRIu64 " bytes (more than %u)",
			       path, rs, LVM_META_MAX);
	t = malloc((size_t)rs + 1);
	if (!t)
		return why_add(why, whylen, -ENOMEM, "%s: metadata text: out of memory", path);
	/* the text may wrap round to just after the header */
	first = size - ro < rs ? size - ro : rs;
	ret = pread_all(fd, t, (size_t)first, off + ro);
	if (!ret && first < rs) {
		end = rs - first;
		if (end > size - MDA_HDR - first)	/* cannot overlap itself */
			ret = -EBADMSG;
		else
			ret = pread_all(fd, t + first, (size_t)end, off + MDA_HDR);
	}
	if (ret < 0) {
		free(t);
		return why_add(why, whylen, -EBADMSG, "%s: cannot read metadata text", path);
	}
	if (lvm_crc(CRC_INIT, (unsigned char *)t, (size_t)rs) != rc) {
		free(t);
		return why_add(why, whylen, -EBADMSG, "%s: metadata text fails its checksum", path);
	}
	t[rs] = '\0';
	*text = t;
	return 0;
}

/* --- the metadata text: a small tree ---------------------------------------- */

enum { LN_SECTION, LN_NUM, LN_STR, LN_ARRAY };

struct lvm_node {
	const char *key;	/* NULL for array elements */
	int kind;
	int64_t num;
	const char *str;
	int child, next;	/* indices, -1 for none */
};

struct lvm_tree {
	struct lvm_node *n;
	int count;
	char *arena;		/* keys and strings, NUL-terminated */
	size_t used, size;
	const char *p, *end;
	char err[96];
};

static void skip_space(struct lvm_tree *t)
{
	while (t->p < t->end) {
		if (*t->p == '#') {
			while (t->p < t->end && *t->p != '\n')
				t->p++;
		} else if (*t->p == ' ' || *t->p == '\t' || *t->p == '\n' || *t->p == '\r') {
			t->p++;
		} else {
			break;
		}
	}
}

static int ident_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '.' || c == '+' || c == '-';
}

static int new_node(struct lvm_tree *t, int kind, const char *key)
{
	struct lvm_node *n;

	if (t->count >= MAX_NODES)
		return -1;
	n = &t->n[t->count];
	memset(n, 0, sizeof(*n));
	n->kind = kind;
	n->key = key;
	n->child = n->next = -1;
	return t->count++;
}

/* Copy len bytes (unescaping \x when esc) to the arena; NULL when full. */
static const char *arena_put(struct lvm_tree *t, const char *s, size_t len, int esc)
{
	char *d = t->arena + t->used;
	size_t i, o = 0;

	if (len + 1 > t->size - t->used)
		return NULL;
	for (i = 0; i < len; i++) {
		if (esc && s[i] == '\\' && i + 1 < len)
			i++;
		d[o++] = s[i];
	}
	d[o++] = '\0';
	t->used += o;
	return d;
}

static int parse_value(struct lvm_tree *t, const char *key, int depth);

static int parse_scalar(struct lvm_tree *t, const char *key)
{
	const char *s = t->p, *str;
	int64_t v = 0;
	int i, neg = 0;

	if (*t->p == '"') {
		s = ++t->p;
		while (t->p < t->end && *t->p != '"') {
			if (*t->p == '\\')
				t->p++;
			t->p++;
		}
		if (t->p >= t->end)
			return snprintf(t->err, sizeof(t->err), "unterminated string"), -1;
		str = arena_put(t, s, (size_t)(t->p - s), 1);
		t->p++;
		if (!str || (i = new_node(t, LN_STR, key)) < 0)
			return snprintf(t->err, sizeof(t->err), "too large"), -1;
		t->n[i].str = str;
		return i;
	}
	if (*t->p == '-') {
		neg = 1;
		t->p++;
	}
	if (t->p >= t->end || *t->p < '0' || *t->p > '9')
		return snprintf(t->err, sizeof(t->err), "expected a value"), -1;
	while (t->p < t->end && *t->p >= '0' && *t->p <= '9') {
		if (v > (INT64_MAX - 9) / 10)
			return snprintf(t->err, sizeof(t->err), "number too large"), -1;
		v = v * 10 + (*t->p++ - '0');
	}
	/* lvm2 writes only integers; a fraction (never seen) would be a misread */
	if (t->p < t->end && *t->p == '.')
		return snprintf(t->err, sizeof(t->err), "fractional number"), -1;
	if ((i = new_node(t, LN_NUM, key)) < 0)
		return snprintf(t->err, sizeof(t->err), "too large"), -1;
	t->n[i].num = neg ? -v : v;
	return i;
}

static int parse_value(struct lvm_tree *t, const char *key, int depth)
{
	int arr, el, last = -1;

	skip_space(t);
	if (t->p >= t->end)
		return snprintf(t->err, sizeof(t->err), "value missing at the end"), -1;
	if (*t->p != '[')
		return parse_scalar(t, key);
	if (depth > MAX_DEPTH)
		return snprintf(t->err, sizeof(t->err), "nested too deep"), -1;
	t->p++;
	if ((arr = new_node(t, LN_ARRAY, key)) < 0)
		return snprintf(t->err, sizeof(t->err), "too large"), -1;
	for (;;) {
		skip_space(t);
		if (t->p < t->end && *t->p == ']') {
			t->p++;
			return arr;
		}
		if (last >= 0) {
			if (t->p >= t->end || *t->p != ',')
				return snprintf(t->err, sizeof(t->err), "expected , or ]"), -1;
			t->p++;
			skip_space(t);
		}
		if ((el = parse_scalar(t, NULL)) < 0)
			return -1;
		if (last < 0)
			t->n[arr].child = el;
		else
			t->n[last].next = el;
		last = el;
	}
}

/* Items up to '}' (or the end at depth 0); returns the first item or -1 for none. */
static int parse_items(struct lvm_tree *t, int depth, int *first)
{
	const char *s, *key;
	int last = -1, i;

	*first = -1;
	if (depth > MAX_DEPTH)
		return snprintf(t->err, sizeof(t->err), "nested too deep"), -1;
	for (;;) {
		skip_space(t);
		if (t->p >= t->end)
			return depth ? (snprintf(t->err, sizeof(t->err), "missing }"), -1) : 0;
		if (*t->p == '}') {
			if (!depth)
				return snprintf(t->err, sizeof(t->err), "unbalanced }"), -1;
			t->p++;
			return 0;
		}
		s = t->p;
		while (t->p < t->end && ident_char(*t->p))
			t->p++;
		if (t->p == s)
			return snprintf(t->err, sizeof(t->err), "expected a name, found '%c'", *s), -1;
		if (!(key = arena_put(t, s, (size_t)(t->p - s), 0)))
			return snprintf(t->err, sizeof(t->err), "too large"), -1;
		skip_space(t);
		if (t->p < t->end && *t->p == '{') {
			t->p++;
			if ((i = new_node(t, LN_SECTION, key)) < 0)
				return snprintf(t->err, sizeof(t->err), "too large"), -1;
			if (parse_items(t, depth + 1, &t->n[i].child) < 0)
				return -1;
		} else if (t->p < t->end && *t->p == '=') {
			t->p++;
			if ((i = parse_value(t, key, depth + 1)) < 0)
				return -1;
		} else {
			return snprintf(t->err, sizeof(t->err), "expected = or { after %s", key), -1;
		}
		if (last < 0)
			*first = i;
		else
			t->n[last].next = i;
		last = i;
	}
}

/* 0 with the tree; root items from t->n[*root]. */
static int lvm_parse(struct lvm_tree *t, const char *text, int *root)
{
	size_t len = strlen(text);

	memset(t, 0, sizeof(*t));
	t->n = calloc(MAX_NODES, sizeof(*t->n));
	t->size = len + 1 + MAX_NODES;
	t->arena = malloc(t->size);
	if (!t->n || !t->arena) {
		snprintf(t->err, sizeof(t->err), "out of memory");
		return -ENOMEM;
	}
	t->p = text;
	t->end = text + len;
	return parse_items(t, 0, root) < 0 ? -EBADMSG : 0;
}

static void lvm_tree_free(struct lvm_tree *t)
{
	free(t->n);
	free(t->arena);
}

static int tfind(const struct lvm_tree *t, int first, const char *key, int kind)
{
	int i;

	for (i = first; i >= 0; i = t->n[i].next)
		if (t->n[i].key && !strcmp(t->n[i].key, key) && t->n[i].kind == kind)
			return i;
	return -1;
}

/* A numeric field >= 0: 0, or -1 when missing or negative. */
static int tnum(const struct lvm_tree *t, int sect, const char *key, uint64_t *v)
{
	int i = tfind(t, t->n[sect].child, key, LN_NUM);

	if (i < 0 || t->n[i].num < 0)
		return -1;
	*v = (uint64_t)t->n[i].num;
	return 0;
}

static const char *tstr(const struct lvm_tree *t, int sect, const char *key)
{
	int i = tfind(t, t->n[sect].child, key, LN_STR);

	return i < 0 ? NULL : t->n[i].str;
}

/* The string array key of sect holds word. */
static int thas(const struct lvm_tree *t, int sect, const char *key, const char *word)
{
	int i = tfind(t, t->n[sect].child, key, LN_ARRAY);

	for (i = i < 0 ? -1 : t->n[i].child; i >= 0; i = t->n[i].next)
		if (t->n[i].kind == LN_STR && !strcmp(t->n[i].str, word))
			return 1;
	return 0;
}

/* The top-level section (the VG) and its seqno/id: 0, or -EBADMSG. */
static int lvm_vg_of(const struct lvm_tree *t, int root, int *vg)
{
	int i;

	for (i = root; i >= 0; i = t->n[i].next)
		if (t->n[i].kind == LN_SECTION) {
			*vg = i;
			return 0;
		}
	return -EBADMSG;
}

/* "abcdef-ghij-..." -> "abcdefghij..." */
static void id_nodash(const char *in, char *out, size_t len)
{
	size_t o = 0;

	for (; *in && o + 1 < len; in++)
		if (*in != '-')
			out[o++] = *in;
	out[o] = '\0';
}

/* --- scanning the devices ----------------------------------------------------- */

static void scan_fd(struct lvm_scan *sc, int fd, const char *path, const char *devt,
		    uint64_t size)
{
	struct lvm_pv *pv;
	struct lvm_tree t;
	uint64_t mda[MAX_MDAS][2], seq;
	char *text, uuid[ID_LEN + 1];
	const char *id;
	int nmda = 0, i, ret, root, vg;

	if (sc->n >= MAX_PVS)
		return;
	if (lvm_read_label(fd, path, size, uuid, mda, &nmda, sc->notes, sizeof(sc->notes)) < 0)
		return;
	pv = &sc->pv[sc->n++];
	memset(pv, 0, sizeof(*pv));
	snprintf(pv->path, sizeof(pv->path), "%s", path);
	snprintf(pv->devt, sizeof(pv->devt), "%s", devt);
	memcpy(pv->uuid, uuid, sizeof(pv->uuid));
	pv->size = size;
	for (i = 0; i < nmda; i++) {
		ret = lvm_read_mda(fd, path, mda[i][0], mda[i][1], &text, sc->notes, sizeof(sc->notes));
		if (ret)
			continue;
		ret = lvm_parse(&t, text, &root);
		if (ret < 0 || lvm_vg_of(&t, root, &vg) < 0 || tnum(&t, vg, "seqno", &seq) ||
		    !(id = tstr(&t, vg, "id"))) {
			why_add(sc->notes, sizeof(sc->notes), 0, "%s: metadata text does not parse (%s)",
				path, t.err[0] ? t.err : "no VG, seqno or id");
			lvm_tree_free(&t);
			free(text);
			continue;
		}
		if (!pv->meta || seq > pv->seqno) {
			free(pv->meta);
			pv->meta = text;
			pv->seqno = seq;
			snprintf(pv->vgname, sizeof(pv->vgname), "%s", t.n[vg].key);
			id_nodash(id, pv->vgid, sizeof(pv->vgid));
		} else {
			free(text);
		}
		lvm_tree_free(&t);
	}
}

static uint64_t fd_size(int fd)
{
	uint64_t size = 0;
	struct stat st;

	if (fstat(fd, &st) < 0)
		return 0;
	if (S_ISREG(st.st_mode))
		return (uint64_t)st.st_size;
	if (ioctl(fd, BLKGETSIZE64, &size) < 0)
		return 0;
	return size;
}

static int read_sys(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/* The device-mapper uuid of /sys/class/block/<name>, "" when it is none. */
static void dm_uuid_of(const char *name, char *uuid, size_t len)
{
	char path[300];

	snprintf(path, sizeof(path), "/sys/class/block/%s/dm/uuid", name);
	if (read_sys(path, uuid, len) < 0)
		uuid[0] = '\0';
}

int lvm_skip_device(const char *name)
{
	char path[300], uuid[160];
	struct dirent *de;
	int skip = 0;
	DIR *d;

	/* our own LVs are not PVs */
	dm_uuid_of(name, uuid, sizeof(uuid));
	if (!strncmp(uuid, "LVM-", 4))
		return 1;
	/* a path of a multipath LUN, or a partition of one: the multipath device is the PV */
	if (mpath_is_path(name))
		return 1;
	snprintf(path, sizeof(path), "/sys/class/block/%s/holders", name);
	d = opendir(path);
	if (!d)
		return 0;
	while (!skip && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		dm_uuid_of(de->d_name, uuid, sizeof(uuid));
		if (!strncmp(uuid, "mpath-", 6))
			skip = 1;	/* a path of a multipath device */
	}
	closedir(d);
	return skip;
}

static int visible(const struct dirent *de)
{
	return de->d_name[0] != '.';
}

static void lvm_scan_devices(struct lvm_scan *sc)
{
	char node[300], devt[64], path[300];
	struct dirent **list;
	uint64_t size;
	int i, n, fd;
	char *p;

	memset(sc, 0, sizeof(*sc));
	n = scandir("/sys/class/block", &list, visible, alphasort);
	if (n < 0)
		return;
	for (i = 0; i < n; i++) {
		if (lvm_skip_device(list[i]->d_name))
			continue;
		snprintf(path, sizeof(path), "/sys/class/block/%s/dev", list[i]->d_name);
		if (read_sys(path, devt, sizeof(devt)) < 0)
			continue;
		snprintf(node, sizeof(node), "/dev/%s", list[i]->d_name);
		for (p = node + 5; *p; p++)
			if (*p == '!')
				*p = '/';
		fd = open(node, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		size = fd_size(fd);
		if (size)
			scan_fd(sc, fd, node, devt, size);
		close(fd);
	}
	for (i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

static void lvm_scan_free(struct lvm_scan *sc)
{
	int i;

	for (i = 0; i < sc->n; i++)
		free(sc->pv[i].meta);
	sc->n = 0;
}

/* --- one VG: the newest metadata, its PVs, an LV's table ------------------------ */

struct lvm_vgpv {
	const char *name;	/* pv0 */
	char id[ID_LEN + 1];
	uint64_t pe_start, pe_count;
	const struct lvm_pv *dev;	/* NULL when missing */
};

struct lvm_vg {
	struct lvm_tree t;
	int vg, lvs;
	const char *name;
	uint64_t extent;	/* sectors */
	struct lvm_vgpv pv[MAX_PVS];
	int npv;
};

/*
 * Load the newest metadata of the VG named name (or, with name NULL, of
 * the VG whose id is vgid): 0, -ENOENT, or -errno with why.
 */
static int lvm_vg_load(const struct lvm_scan *sc, const char *name, const char *vgid,
		       struct lvm_vg *v, char *why, size_t whylen)
{
	const struct lvm_pv *best = NULL;
	int i, j, root, p, sect;
	const char *id;

	memset(v, 0, sizeof(*v));
	for (i = 0; i < sc->n; i++) {
		const struct lvm_pv *pv = &sc->pv[i];

		if (!pv->meta || (name ? strcmp(pv->vgname, name) : strcmp(pv->vgid, vgid)))
			continue;
		if (!best || pv->seqno > best->seqno)
			best = pv;
	}
	if (!best)
		return -ENOENT;
	/* /dev/mapper/<vg>-<lv> would be ambiguous: neither is safe to pick */
	for (i = 0; i < sc->n; i++)
		if (sc->pv[i].meta && !strcmp(sc->pv[i].vgname, best->vgname) &&
		    strcmp(sc->pv[i].vgid, best->vgid))
			return why_add(why, whylen, -ENOTUNIQ,
				       "two volume groups named %s (on %s and %s): refusing both",
				       best->vgname, best->path, sc->pv[i].path);
	/* on failure the caller frees v->t, as after success */
	if (lvm_parse(&v->t, best->meta, &root) < 0 || lvm_vg_of(&v->t, root, &v->vg) < 0)
		return why_add(why, whylen, -EBADMSG, "VG metadata on %s does not parse", best->path);
	v->name = v->t.n[v->vg].key;
	if (tnum(&v->t, v->vg, "extent_size", &v->extent) || !v->extent)
		return why_add(why, whylen, -EBADMSG, "VG %s: no extent_size", v->name);
	if (tstr(&v->t, v->vg, "lock_type") && strcmp(tstr(&v->t, v->vg, "lock_type"), "none"))
		return why_add(why, whylen, -EPERM,
			       "VG %s is shared (lock_type %s): another host may be using it",
			       v->name, tstr(&v->t, v->vg, "lock_type"));
	sect = tfind(&v->t, v->t.n[v->vg].child, "physical_volumes", LN_SECTION);
	for (p = sect < 0 ? -1 : v->t.n[sect].child; p >= 0; p = v->t.n[p].next) {
		struct lvm_vgpv *vp;

		if (v->t.n[p].kind != LN_SECTION)
			continue;
		if (v->npv >= MAX_PVS)
			return why_add(why, whylen, -E2BIG, "VG %s: more than %d PVs", v->name, MAX_PVS);
		vp = &v->pv[v->npv++];
		vp->name = v->t.n[p].key;
		id = tstr(&v->t, p, "id");
		if (!id || tnum(&v->t, p, "pe_start", &vp->pe_start) ||
		    tnum(&v->t, p, "pe_count", &vp->pe_count))
			return why_add(why, whylen, -EBADMSG, "VG %s: PV %s lacks id, pe_start or pe_count",
				       v->name, vp->name);
		id_nodash(id, vp->id, sizeof(vp->id));
		for (j = 0; j < sc->n; j++)
			if (!strcmp(sc->pv[j].uuid, vp->id))
				vp->dev = &sc->pv[j];
		if (!vp->dev) {
			const char *hint = tstr(&v->t, p, "device");

			return why_add(why, whylen, -ENODEV,
				       "VG %s: PV %s (%s, last seen as %s) is missing: not activating a partial VG",
				       v->name, id, vp->name, hint ? hint : "?");
		}
	}
	if (!v->npv)
		return why_add(why, whylen, -EBADMSG, "VG %s has no physical_volumes", v->name);
	v->lvs = tfind(&v->t, v->t.n[v->vg].child, "logical_volumes", LN_SECTION);
	return 0;
}

static const struct lvm_vgpv *vg_pv(const struct lvm_vg *v, const char *name)
{
	int i;

	for (i = 0; i < v->npv; i++)
		if (!strcmp(v->pv[i].name, name))
			return &v->pv[i];
	return NULL;
}

static int lvm_lv_find(const struct lvm_vg *v, const char *lv)
{
	return v->lvs < 0 ? -1 : tfind(&v->t, v->t.n[v->lvs].child, lv, LN_SECTION);
}

static const char *type_why(const char *type)
{
	if (!strncmp(type, "thin", 4))
		return "thin provisioning needs dm-thin and the pool's own metadata";
	if (!strncmp(type, "cache", 5) || !strcmp(type, "writecache"))
		return "a cached LV needs dm-cache and its cache pool";
	if (!strncmp(type, "raid", 4) || !strcmp(type, "mirror"))
		return "RAID and mirror LVs need dm-raid and their metadata sub-LVs";
	if (!strcmp(type, "snapshot"))
		return "a snapshot needs dm-snapshot and its origin";
	if (!strncmp(type, "vdo", 3))
		return "VDO needs dm-vdo";
	return "kcap activates linear and striped LVs only";
}

/*
 * The sector on its PV's device where segment sect's stripe k starts, and
 * the PV: 0, or -errno with why. per: extents per stripe.
 */
static int seg_area(const struct lvm_vg *v, const char *lvname, int seg, int k, uint64_t per,
		    const struct lvm_vgpv **pvo, uint64_t *sector, char *why, size_t whylen)
{
	int arr = tfind(&v->t, v->t.n[seg].child, "stripes", LN_ARRAY), e, i;
	const struct lvm_vgpv *pv;
	uint64_t pe, end, bytes;

	for (e = arr < 0 ? -1 : v->t.n[arr].child, i = 0; e >= 0 && i < 2 * k; i++)
		e = v->t.n[e].next;
	if (e < 0 || v->t.n[e].kind != LN_STR || v->t.n[e].next < 0 ||
	    v->t.n[v->t.n[e].next].kind != LN_NUM || v->t.n[v->t.n[e].next].num < 0)
		return why_add(why, whylen, -EBADMSG, "LV %s/%s %s: stripe %d is not \"pv\", extent",
			       v->name, lvname, v->t.n[seg].key, k);
	pv = vg_pv(v, v->t.n[e].str);
	if (!pv)
		return why_add(why, whylen, -EBADMSG, "LV %s/%s %s: stripe %d on %s, which is not a PV of the VG",
			       v->name, lvname, v->t.n[seg].key, k, v->t.n[e].str);
	pe = (uint64_t)v->t.n[v->t.n[e].next].num;
	if (checked_add(pe, per, &end) || end > pv->pe_count)
		return why_add(why, whylen, -ERANGE,
			       "LV %s/%s %s: extents %" PRIu64 "+%" PRIu64 " beyond PV %s's %" PRIu64,
			       v->name, lvname, v->t.n[seg].key, pe, per, pv->name, pv->pe_count);
	/* the whole area must lie on the device as it is now */
	if (checked_mul(end, v->extent, &end) || checked_add(end, pv->pe_start, &end) ||
	    checked_mul(end, SECTOR, &bytes) || bytes > pv->dev->size)
		return why_add(why, whylen, -ERANGE,
			       "LV %s/%s %s: extents end past the end of %s (%" PRIu64 " bytes)",
			       v->name, lvname, v->t.n[seg].key, pv->dev->path, pv->dev->size);
	*sector = pv->pe_start + pe * v->extent;	/* <= end: no overflow */
	*pvo = pv;
	return 0;
}

/* The dm table of vg/lv into buf: 0, or -errno with why naming the rule. */
static int lvm_lv_table(const struct lvm_vg *v, const char *lvname, char *buf, size_t len,
			uint64_t *first_sector, const struct lvm_pv **first_dev, char *why, size_t whylen)
{
	int lv = lvm_lv_find(v, lvname), s, o, k, n;
	uint64_t count, want = 0, ext, cnt, stripes, ssize, per, sector, start, length;
	const struct lvm_vgpv *pv;
	const char *type, *origin;
	size_t at = 0;
	char segname[32];

	if (lv < 0)
		return why_add(why, whylen, -ENOENT, "VG %s has no LV %s", v->name, lvname);
	if (tnum(&v->t, lv, "segment_count", &count) || !count || count > DM_MAX_TARGETS)
		return why_add(why, whylen, -EBADMSG, "LV %s/%s: segment_count missing or above %d",
			       v->name, lvname, DM_MAX_TARGETS);
	buf[0] = '\0';
	for (k = 1; (uint64_t)k <= count; k++) {
		snprintf(segname, sizeof(segname), "segment%d", k);
		s = tfind(&v->t, v->t.n[lv].child, segname, LN_SECTION);
		if (s < 0 || tnum(&v->t, s, "start_extent", &ext) || tnum(&v->t, s, "extent_count", &cnt) ||
		    !(type = tstr(&v->t, s, "type")))
			return why_add(why, whylen, -EBADMSG, "LV %s/%s: %s missing or incomplete",
				       v->name, lvname, segname);
		if (strcmp(type, "striped"))
			return why_add(why, whylen, -EOPNOTSUPP, "LV %s/%s %s has type %s: %s", v->name,
				       lvname, segname, type, type_why(type));
		if (ext != want || !cnt)
			return why_add(why, whylen, -EBADMSG, "LV %s/%s %s starts at extent %" PRIu64 ", expected %" PRIu64,
				       v->name, lvname, segname, ext, want);
		if (tnum(&v->t, s, "stripe_count", &stripes) || !stripes || stripes > MAX_PVS ||
		    cnt % stripes)
			return why_add(why, whylen, -EBADMSG, "LV %s/%s %s: bad stripe_count", v->name,
				       lvname, segname);
		per = cnt / stripes;
		if (checked_mul(ext, v->extent, &start) || checked_mul(cnt, v->extent, &length) ||
		    checked_add(want, cnt, &want))
			return why_add(why, whylen, -ERANGE, "LV %s/%s %s: size overflows", v->name,
				       lvname, segname);
		if (stripes == 1) {
			if (seg_area(v, lvname, s, 0, per, &pv, &sector, why, whylen) < 0)
				return -ERANGE;
			n = snprintf(buf + at, len - at, "%" PRIu64 " %" PRIu64 " linear %s %" PRIu64 "\n",
				     start, length, pv->dev->devt, sector);
		} else {
			/* dm-striped wants a power of two of at least 8 sectors, as lvm2 writes */
			if (tnum(&v->t, s, "stripe_size", &ssize) || ssize < 8 || (ssize & (ssize - 1)) ||
			    (per * v->extent) % ssize)
				return why_add(why, whylen, -EBADMSG, "LV %s/%s %s: bad stripe_size", v->name,
					       lvname, segname);
			n = snprintf(buf + at, len - at, "%" PRIu64 " %" PRIu64 " striped %" PRIu64 " %" PRIu64,
				     start, length, stripes, ssize);
			for (o = 0; (uint64_t)o < stripes && n > 0 && (size_t)n < len - at; o++) {
				int m;

				if (seg_area(v, lvname, s, o, per, &pv, &sector, why, whylen) < 0)
					return -ERANGE;
				if (k == 1 && o == 0 && first_sector) {
					*first_sector = sector;
					*first_dev = pv->dev;
				}
				m = snprintf(buf + at + n, len - at - n, " %s %" PRIu64, pv->dev->devt, sector);
				n = m < 0 ? m : n + m;
			}
			if (n > 0 && (size_t)n < len - at - 1) {
				buf[at + n++] = '\n';
				buf[at + n] = '\0';
			}
		}
		if (k == 1 && stripes == 1 && first_sector) {
			*first_sector = sector;
			*first_dev = pv->dev;
		}
		if (n < 0 || (size_t)n >= len - at)
			return why_add(why, whylen, -E2BIG, "LV %s/%s: table too large", v->name, lvname);
		at += (size_t)n;
	}
	/*
	 * After the segments, so that *first_sector is known even for an LV
	 * refused here: LABEL=/UUID= then finds it and says why it is refused.
	 */
	if (!thas(&v->t, lv, "status", "VISIBLE"))
		return why_add(why, whylen, -EPERM, "LV %s/%s is hidden (a part of another LV)", v->name,
			       lvname);
	if (thas(&v->t, lv, "status", "PVMOVE") || thas(&v->t, lv, "status", "LOCKED"))
		return why_add(why, whylen, -EBUSY, "LV %s/%s is being moved (pvmove)", v->name, lvname);
	/* an origin: writing it without dm-snapshot-origin would corrupt its snapshots */
	for (o = v->t.n[v->lvs].child; o >= 0; o = v->t.n[o].next)
		for (s = v->t.n[o].kind == LN_SECTION ? v->t.n[o].child : -1; s >= 0; s = v->t.n[s].next)
			if (v->t.n[s].kind == LN_SECTION && (origin = tstr(&v->t, s, "origin")) &&
			    !strcmp(origin, lvname))
				return why_add(why, whylen, -EPERM,
					       "LV %s/%s is the origin of snapshot %s: writing it without dm-snapshot would corrupt the snapshot",
					       v->name, lvname, v->t.n[o].key);
	return 0;
}

/* --- the API ---------------------------------------------------------------- */

static int mapper_split(const char *name, char *vg, size_t vglen, char *lv, size_t lvlen)
{
	size_t o = 0, outlen = vglen;
	const char *p;
	char *out = vg;
	int split = 0;

	for (p = name; *p; p++) {
		if (*p == '-' && p[1] == '-') {
			p++;
		} else if (*p == '-') {
			if (split++ || !o)
				return 0;
			out[o] = '\0';
			out = lv;
			outlen = lvlen;
			o = 0;
			continue;
		}
		if (o + 1 >= outlen)
			return 0;
		out[o++] = *p;
	}
	out[o] = '\0';
	return split == 1 && o > 0;
}

int lvm_spec_lv(const char *spec, char *vg, size_t vglen, char *lv, size_t lvlen)
{
	const char *a, *b;

	if (!strncmp(spec, "/dev/mapper/", 12))
		return mapper_split(spec + 12, vg, vglen, lv, lvlen);
	if (strncmp(spec, "/dev/", 5))
		return 0;
	a = spec + 5;
	b = strchr(a, '/');
	if (!b || b == a || strchr(b + 1, '/') || !b[1] || !strncmp(a, "disk/", 5))
		return 0;
	if ((size_t)(b - a) >= vglen || strlen(b + 1) >= lvlen)
		return 0;
	memcpy(vg, a, (size_t)(b - a));
	vg[b - a] = '\0';
	strcpy(lv, b + 1);
	return 1;
}

static int lvm_activate_in(const struct lvm_vg *v, const char *lvname, char *dev, size_t len,
			   char *why, size_t whylen)
{
	char name[DM_NAME_LEN], uuid[DM_UUID_LEN], link[300], table[8192], vgid[ID_LEN + 1];
	char lvid[ID_LEN + 1];
	const char *id;
	int ret, lv;

	if (dm_lvm_name(v->name, lvname, name, sizeof(name)) < 0)
		return why_add(why, whylen, -ENAMETOOLONG, "LV %s/%s: name too long", v->name, lvname);
	ret = lvm_lv_table(v, lvname, table, sizeof(table), NULL, NULL, why, whylen);
	if (ret < 0)
		return ret;
	lv = lvm_lv_find(v, lvname);
	id = tstr(&v->t, lv, "id");
	id_nodash(id ? id : "", lvid, sizeof(lvid));
	id_nodash(tstr(&v->t, v->vg, "id"), vgid, sizeof(vgid));
	/* the uuid lvm2 gives an LV: "LVM-" VG id, LV id */
	snprintf(uuid, sizeof(uuid), "LVM-%s%s", vgid, lvid);
	ret = dm_init(why, whylen);
	if (ret < 0)
		return ret;
	/* active already (an earlier target of the chain): use it as it is */
	if (dm_info(name, NULL, NULL, 0) < 0) {
		ret = dm_create(name, uuid, table, 0, NULL, why, whylen);
		if (ret < 0)
			return ret;
		/* on success why holds the evidence for the log: the live table */
		if (why && whylen) {
			char *nl;

			why[0] = '\0';
			dm_table(name, table, sizeof(table), NULL, 0);
			while ((nl = strchr(table, '\n')) && nl[1])
				*nl = ';';
			table[strcspn(table, "\n")] = '\0';
			why_add(why, whylen, 0, "LV %s/%s activated as %s: %s", v->name, lvname, name,
				table);
		}
	} else if (why && whylen) {
		why[0] = '\0';
		why_add(why, whylen, 0, "LV %s/%s was active already as %s", v->name, lvname, name);
	}
	snprintf(link, sizeof(link), "/dev/%s/%s", v->name, lvname);
	dm_link(name, link, NULL, 0);	/* best effort: /dev/mapper/<name> is what we use */
	if (snprintf(dev, len, "/dev/mapper/%s", name) >= (int)len)
		return -ENAMETOOLONG;
	return 0;
}

int lvm_activate(const char *vg, const char *lv, char *dev, size_t len, char *why, size_t whylen)
{
	struct lvm_scan *sc = malloc(sizeof(*sc));
	struct lvm_vg *v = malloc(sizeof(*v));
	int ret;

	if (why && whylen)
		why[0] = '\0';
	if (!sc || !v) {
		free(sc);
		free(v);
		return why_add(why, whylen, -ENOMEM, "LVM scan: out of memory");
	}
	lvm_scan_devices(sc);
	ret = lvm_vg_load(sc, vg, NULL, v, why, whylen);
	if (ret == -ENOENT) {
		why_add(why, whylen, ret, "no VG %s among %d PV(s)", vg, sc->n);
		if (sc->notes[0])
			why_add(why, whylen, ret, "%s", sc->notes);
	} else if (ret == 0) {
		ret = lvm_activate_in(v, lv, dev, len, why, whylen);
	}
	lvm_tree_free(&v->t);
	lvm_scan_free(sc);
	free(sc);
	free(v);
	return ret;
}

int lvm_activate_fs(int by_uuid, const char *want, char *dev, size_t len, char *why, size_t whylen)
{
	struct lvm_scan *sc = malloc(sizeof(*sc));
	struct lvm_vg *v = malloc(sizeof(*v));
	char table[8192], label[64], uuid[64], vwhy[LVM_WHY_LEN];
	const struct lvm_pv *fdev;
	uint64_t fsec;
	int i, j, lv, ret = -ENOENT, found = 0;

	if (why && whylen)
		why[0] = '\0';
	if (!sc || !v) {
		free(sc);
		free(v);
		return why_add(why, whylen, -ENOMEM, "LVM scan: out of memory");
	}
	lvm_scan_devices(sc);
	for (i = 0; i < sc->n && !found; i++) {
		if (!sc->pv[i].meta)
			continue;
		for (j = 0; j < i; j++)	/* each VG once */
			if (sc->pv[j].meta && !strcmp(sc->pv[j].vgid, sc->pv[i].vgid))
				break;
		if (j < i)
			continue;
		vwhy[0] = '\0';
		if (lvm_vg_load(sc, NULL, sc->pv[i].vgid, v, vwhy, sizeof(vwhy)) < 0) {
			/* a VG we cannot use may be the one: say why it was not looked into */
			why_add(why, whylen, 0, "%s", vwhy);
			lvm_tree_free(&v->t);
			continue;
		}
		for (lv = v->lvs < 0 ? -1 : v->t.n[v->lvs].child; lv >= 0 && !found; lv = v->t.n[lv].next) {
			if (v->t.n[lv].kind != LN_SECTION)
				continue;
			fdev = NULL;
			vwhy[0] = '\0';
			/* the first extent's place, even for an LV we would refuse */
			lvm_lv_table(v, v->t.n[lv].key, table, sizeof(table), &fsec, &fdev, vwhy,
				     sizeof(vwhy));
			if (!fdev || blkdev_probe_at(fdev->path, fsec * SECTOR, label, sizeof(label),
						     uuid, sizeof(uuid)) < 0)
				continue;
			if (by_uuid ? strcasecmp(uuid, want) : strcmp(label, want))
				continue;
			found = 1;
			if (why && whylen)
				why[0] = '\0';
			ret = lvm_activate_in(v, v->t.n[lv].key, dev, len, why, whylen);
		}
		lvm_tree_free(&v->t);
	}
	if (!found && sc->notes[0])
		why_add(why, whylen, 0, "%s", sc->notes);
	lvm_scan_free(sc);
	free(sc);
	free(v);
	return ret;
}

/* --- host check --------------------------------------------------------------- */

int lvm_print_files(int n, char **files)
{
	struct lvm_scan *sc = calloc(1, sizeof(*sc));
	struct lvm_vg *v = malloc(sizeof(*v));
	char table[8192], why[LVM_WHY_LEN];
	int i, j, lv, fd, bad = 0;

	if (!sc || !v) {
		free(sc);
		free(v);
		fprintf(stderr, "kcap lvm: out of memory\n");
		return 1;
	}
	for (i = 0; i < n; i++) {
		fd = open(files[i], O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			fprintf(stderr, "kcap lvm: %s: %s\n", files[i], strerror(errno));
			bad = 1;
			continue;
		}
		scan_fd(sc, fd, files[i], files[i], fd_size(fd));
		close(fd);
	}
	if (sc->notes[0]) {
		fprintf(stderr, "kcap lvm: %s\n", sc->notes);
		bad = 1;
	}
	for (i = 0; i < sc->n; i++) {
		if (!sc->pv[i].meta)
			continue;
		for (j = 0; j < i; j++)
			if (sc->pv[j].meta && !strcmp(sc->pv[j].vgid, sc->pv[i].vgid))
				break;
		if (j < i)
			continue;
		why[0] = '\0';
		if (lvm_vg_load(sc, NULL, sc->pv[i].vgid, v, why, sizeof(why)) < 0) {
			printf("%s: refused: %s\n", sc->pv[i].vgname, why);
			lvm_tree_free(&v->t);
			continue;
		}
		for (lv = v->lvs < 0 ? -1 : v->t.n[v->lvs].child; lv >= 0; lv = v->t.n[lv].next) {
			if (v->t.n[lv].kind != LN_SECTION)
				continue;
			why[0] = '\0';
			if (lvm_lv_table(v, v->t.n[lv].key, table, sizeof(table), NULL, NULL, why,
					 sizeof(why)) < 0)
				printf("%s/%s: refused: %s\n", v->name, v->t.n[lv].key, why);
			else
				printf("%s/%s: %s", v->name, v->t.n[lv].key, table);
		}
		lvm_tree_free(&v->t);
	}
	lvm_scan_free(sc);
	free(sc);
	free(v);
	return bad;
}
