// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dm-multipath assembled by the collector (mpath.h): WWIDs from sysfs,
 * grouping, the multipath table, partitions mapped with dm-linear.
 *
 * VPD page 0x83 (SPC-4 7.8.6), as sysfs gives it:
 *   +0 peripheral, +1 page code 0x83, +2 page length (u16 BE), then
 *   designators: +0 protocol (7:4) | code set (3:0: 1 binary, 2 ASCII,
 *   3 UTF-8), +1 PIV (7) | association (5:4: 0 the LUN) | type (3:0: 1 T10
 *   vendor ID, 2 EUI-64, 3 NAA), +3 length, then that many bytes.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include <linux/fs.h>

#include "dm.h"
#include "io.h"
#include "log.h"
#include "mpath.h"
#include "parttab.h"

/* --- WWIDs ------------------------------------------------------------------------------ */

static int mpath_hex(const unsigned char *b, size_t n, char prefix, char *out, size_t len)
{
	size_t i;

	if (2 * n + 2 > len)
		return -ENAMETOOLONG;
	*out++ = prefix;
	for (i = 0; i < n; i++)
		out += sprintf(out, "%02x", b[i]);
	return 0;
}

/* T10 text: printable ASCII only, trailing blanks dropped, each run of blanks one '_'. */
static int mpath_text(const char *b, size_t n, char prefix, char *out, size_t len)
{
	size_t i, o = 0;
	int blank = 0;

	while (n && (b[n - 1] == ' ' || b[n - 1] == '\0'))
		n--;
	if (!n || len < 2)
		return -ENODATA;
	out[o++] = prefix;
	for (i = 0; i < n; i++) {
		if (b[i] == ' ') {
			blank = 1;
			continue;
		}
		if (b[i] < 0x21 || b[i] > 0x7e)
			return -ENODATA;
		if (o + 2 + blank >= len)
			return -ENAMETOOLONG;
		if (blank && o > 1)
			out[o++] = '_';
		blank = 0;
		out[o++] = b[i];
	}
	out[o] = '\0';
	return o > 1 ? 0 : -ENODATA;
}

int mpath_wwid_vpd83(const unsigned char *page, size_t len, char *wwid, size_t wlen)
{
	const unsigned char *best = NULL, *d;
	size_t off, end, dlen;
	int rank, best_rank = 0;

	if (len < 4 || page[1] != 0x83)
		return -EUCLEAN;
	end = 4 + ((size_t)page[2] << 8 | page[3]);
	if (end > len)
		return -EUCLEAN;
	for (off = 4; off < end; off += 4 + dlen) {
		if (end - off < 4)
			return -EUCLEAN;
		d = page + off;
		dlen = d[3];
		if (dlen > end - off - 4)
			return -EUCLEAN;
		if ((d[1] >> 4 & 3) != 0)	/* a port or a target, not the LUN */
			continue;
		rank = 0;
		switch (d[1] & 0xf) {
		case 3:	/* NAA: 8 or 16 bytes, binary */
			if ((d[0] & 0xf) == 1 && (dlen == 8 || dlen == 16))
				rank = dlen == 16 ? 6 : 5;
			break;
		case 2:	/* EUI-64: 8, 12 or 16 bytes, binary */
			if ((d[0] & 0xf) == 1 && (dlen == 8 || dlen == 12 || dlen == 16))
				rank = 2 + (int)dlen / 8;
			break;
		case 1:	/* T10 vendor ID: 8 bytes of vendor, then text */
			if ((d[0] & 0xf) == 2 && dlen > 8)
				rank = 1;
			break;
		}
		if (rank > best_rank) {
			best_rank = rank;
			best = d;
		}
	}
	if (!best)
		return -ENODATA;
	switch (best[1] & 0xf) {
	case 3:
		return mpath_hex(best + 4, best[3], '3', wwid, wlen);
	case 2:
		return mpath_hex(best + 4, best[3], '2', wwid, wlen);
	default:
		return mpath_text((const char *)best + 4, best[3], '1', wwid, wlen);
	}
}

int mpath_wwid_sysfs(const char *text, char *wwid, size_t wlen)
{
	size_t n = strcspn(text, "\n");
	char prefix;

	if (n > 4 && !strncmp(text, "naa.", 4))
		prefix = '3';
	else if (n > 4 && !strncmp(text, "eui.", 4))
		prefix = '2';
	else if (n > 4 && !strncmp(text, "t10.", 4))
		return mpath_text(text + 4, n - 4, '1', wwid, wlen);
	else
		return -ENODATA;
	if (n - 4 + 2 > wlen)
		return -ENAMETOOLONG;
	snprintf(wwid, wlen, "%c%.*s", prefix, (int)(n - 4), text + 4);
	for (; *wwid; wwid++)
		if (*wwid >= 'A' && *wwid <= 'F')
			*wwid += 'a' - 'A';
	return 0;
}

/* --- sysfs ------------------------------------------------------------------------------ */

/* src into dst of len bytes: 0, or -ENAMETOOLONG (dst then empty). */
static int mpath_copy(char *dst, size_t len, const char *src)
{
	size_t n = strlen(src);

	if (n >= len) {
		if (len)
			dst[0] = '\0';
		return -ENAMETOOLONG;
	}
	memcpy(dst, src, n + 1);
	return 0;
}

struct mpath_path {
	char name[64];		/* sdb */
	char wwid[MPATH_WWID_MAX];
	unsigned int major, minor;
	unsigned long long size;	/* sectors */
	int held;		/* a multipath device holds it */
};

/* The last scan: mpath_is_path() answers from it for paths not joined yet. */
static struct mpath_path mpath_paths[MPATH_PATHS_MAX];
static int mpath_npaths;

static int mpath_read(const char *fmt, const char *name, char *buf, size_t len)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), fmt, name);
	return io_read_small(path, buf, len) > 0 ? 0 : -ENOENT;
}

/* dm device sysname (dm-3): its uuid and name. 0, -ENOENT. */
static int mpath_dm_ids(const char *sysname, char *uuid, size_t ulen, char *name, size_t nlen)
{
	if (mpath_read("/sys/class/block/%s/dm/uuid", sysname, uuid, ulen) < 0)
		return -ENOENT;
	uuid[strcspn(uuid, "\n")] = '\0';
	if (name) {
		if (mpath_read("/sys/class/block/%s/dm/name", sysname, name, nlen) < 0)
			return -ENOENT;
		name[strcspn(name, "\n")] = '\0';
	}
	return 0;
}

/* Whole disk sysname is held by a multipath device: 1 (its sysname in dm, if given), or 0. */
static int mpath_holder(const char *disk, char *dm, size_t len)
{
	char path[PATH_MAX], uuid[160];
	struct dirent *de;
	DIR *d;
	int found = 0;

	snprintf(path, sizeof(path), "/sys/block/%s/holders", disk);
	d = opendir(path);
	if (!d)
		return 0;
	while (!found && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (mpath_dm_ids(de->d_name, uuid, sizeof(uuid), NULL, 0) == 0 &&
		    !strncmp(uuid, "mpath-", 6)) {
			found = !dm || mpath_copy(dm, len, de->d_name) == 0;
		}
	}
	closedir(d);
	return found;
}

static int mpath_disk_wwid(const char *name, char *wwid, size_t len)
{
	unsigned char page[1024];
	char path[PATH_MAX], text[MPATH_WWID_MAX];
	long n;

	snprintf(path, sizeof(path), "/sys/block/%s/device/vpd_pg83", name);
	n = io_read_small(path, (char *)page, sizeof(page));
	if (n > 0 && mpath_wwid_vpd83(page, (size_t)n, wwid, len) == 0)
		return 0;
	if (mpath_read("/sys/block/%s/device/wwid", name, text, sizeof(text)) < 0)
		return -ENODATA;
	return mpath_wwid_sysfs(text, wwid, len);
}

static int mpath_visible(const struct dirent *de)
{
	return de->d_name[0] != '.' && strncmp(de->d_name, "dm-", 3) &&
	       strncmp(de->d_name, "loop", 4) && strncmp(de->d_name, "ram", 3);
}

static int mpath_cmp(const void *a, const void *b)
{
	const struct mpath_path *x = a, *y = b;
	int r = strcmp(x->wwid, y->wwid);

	return r ? r : strcmp(x->name, y->name);
}

/* Whole disks with a WWID, sorted by WWID then name, into mpath_paths. */
static void mpath_scan(void)
{
	struct mpath_path *p;
	struct dirent **list;
	char buf[64];
	int i, n;

	mpath_npaths = 0;
	n = scandir("/sys/block", &list, mpath_visible, alphasort);
	if (n < 0)
		return;
	for (i = 0; i < n; i++) {
		p = &mpath_paths[mpath_npaths];
		if (mpath_npaths < MPATH_PATHS_MAX &&
		    strlen(list[i]->d_name) < sizeof(p->name) &&
		    mpath_disk_wwid(list[i]->d_name, p->wwid, sizeof(p->wwid)) == 0 &&
		    mpath_read("/sys/block/%s/dev", list[i]->d_name, buf, sizeof(buf)) == 0 &&
		    sscanf(buf, "%u:%u", &p->major, &p->minor) == 2 &&
		    mpath_read("/sys/block/%s/size", list[i]->d_name, buf, sizeof(buf)) == 0 &&
		    (p->size = strtoull(buf, NULL, 10)) > 0) {
			mpath_copy(p->name, sizeof(p->name), list[i]->d_name);
			p->held = mpath_holder(p->name, NULL, 0);
			mpath_npaths++;
		}
		free(list[i]);
	}
	free(list);
	qsort(mpath_paths, (size_t)mpath_npaths, sizeof(mpath_paths[0]), mpath_cmp);
}

/* --- the recorded names ------------------------------------------------------------------ */

/*
 * The name of WWID's map (part 0) or of its partition part, from
 * MPATH_MAP_FILE. 0, -ENOENT when not recorded.
 */
static int mpath_map_name(const char *wwid, int part, char *name, size_t len)
{
	char line[512], kind[8], n[128], w[MPATH_WWID_MAX];
	int num, found = -ENOENT;
	FILE *f;

	f = fopen(MPATH_MAP_FILE, "re");
	if (!f)
		return -ENOENT;
	while (found && fgets(line, sizeof(line), f)) {
		num = 0;
		if (sscanf(line, "%7s %127s %255s %d", kind, n, w, &num) < 3 || strcmp(w, wwid))
			continue;
		if ((part == 0 && !strcmp(kind, "map")) ||
		    (part > 0 && !strcmp(kind, "part") && num == part)) {
			snprintf(name, len, "%s", n);
			found = 0;
		}
	}
	fclose(f);
	return found;
}

/* --- assembling ------------------------------------------------------------------------- */

/*
 * LUNs whose multipath device could not be made: tried once (the search
 * polls every 200 ms), then their paths are plain disks, so a dump can
 * still be written through one of them, without failover.
 */
#define MPATH_FAILED_MAX	16
static char mpath_failed[MPATH_FAILED_MAX][MPATH_WWID_MAX];
static int mpath_nfailed;

static int mpath_has_failed(const char *wwid)
{
	int i;

	for (i = 0; i < mpath_nfailed; i++)
		if (!strcmp(mpath_failed[i], wwid))
			return 1;
	return 0;
}

/* device-mapper answers: 0, or the -errno of the first (logged) try. */
static int mpath_dm_ready(void)
{
	static int state = 1;	/* 1 untried, 0 ready, -errno */
	char why[DM_WHY_LEN];

	if (state <= 0)
		return state;
	state = dm_init(why, sizeof(why));
	if (state < 0)
		log_warnx("multipath: device-mapper: %s (no dm_mod in this kernel?)", why);
	return state;
}

/* Map the partitions of /dev/mapper/name (devno dev) like kpartx. */
static void mpath_partitions(const char *name, const char *wwid, dev_t dev)
{
	struct parttab_part p[PARTTAB_MAX];
	char path[PATH_MAX], pname[128], uuid[MPATH_WWID_MAX + 32], table[128], why[DM_WHY_LEN];
	const char *kind;
	unsigned long long size = 0;
	int fd, ssz = 512, i, n, ret;
	size_t l;

	snprintf(path, sizeof(path), "/dev/mapper/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		log_warn("multipath: %s: cannot read its partition table", path);
		return;
	}
	if (ioctl(fd, BLKGETSIZE64, &size) < 0 || ioctl(fd, BLKSSZGET, &ssz) < 0) {
		log_warn("multipath: %s: size", path);
		close(fd);
		return;
	}
	n = parttab_read(fd, size, (unsigned int)ssz, p, PARTTAB_MAX, &kind);
	close(fd);
	if (n < 0) {
		log_errno(n, "multipath: %s: %s partition table unreadable: no partitions mapped",
			  path, kind);
		return;
	}
	log_info("multipath: %s: %s partition table, %d partition(s)", name, kind, n);
	for (i = 0; i < n; i++) {
		if (mpath_map_name(wwid, p[i].num, pname, sizeof(pname)) < 0) {
			l = strlen(name);
			if (snprintf(pname, sizeof(pname), "%s%s%d", name,
				     l && name[l - 1] >= '0' && name[l - 1] <= '9' ? "p" : "",
				     p[i].num) >= (int)sizeof(pname)) {
				log_warnx("multipath: partition %d of %s: name too long", p[i].num, name);
				continue;
			}
		}
		snprintf(uuid, sizeof(uuid), "part%d-mpath-%s", p[i].num, wwid);
		snprintf(table, sizeof(table), "0 %llu linear %u:%u %llu\n",
			 (unsigned long long)p[i].len, major(dev), minor(dev),
			 (unsigned long long)p[i].start);
		ret = dm_create(pname, uuid, table, 0, NULL, why, sizeof(why));
		if (ret < 0 && ret != -EEXIST)
			log_warnx("multipath: partition %d of %s: %s", p[i].num, name, why);
		else if (ret == 0)
			log_info("multipath: /dev/mapper/%s: partition %d of %s: %.*s", pname,
				 p[i].num, name, (int)strcspn(table, "\n"), table);
	}
}

/* One LUN: paths mpath_paths[first .. first + n - 1]. 0 when made, -1 (logged). */
static int mpath_make(int first, int n)
{
	const struct mpath_path *p = &mpath_paths[first];
	char name[128], uuid[MPATH_WWID_MAX + 8], table[4096], live[4096], why[DM_WHY_LEN];
	char names[512] = "";
	size_t used, nl = 0;
	dev_t dev;
	int i, ret;

	for (i = 1; i < n; i++)
		if (p[i].size != p[0].size) {
			log_warnx("multipath: WWID %s: %s has %llu sectors, %s %llu: not the same LUN, not joined",
				  p[0].wwid, p[0].name, p[0].size, p[i].name, p[i].size);
			return -1;
		}
	if (mpath_map_name(p[0].wwid, 0, name, sizeof(name)) < 0)
		snprintf(name, sizeof(name), "%.127s", p[0].wwid);
	snprintf(uuid, sizeof(uuid), "mpath-%s", p[0].wwid);
	/*
	 * No features (no queue_if_no_path), no hardware handler, one priority
	 * group of every path, service-time (multipath-tools' default) with a
	 * repeat count of 1 per path.
	 */
	used = (size_t)snprintf(table, sizeof(table),
				"0 %llu multipath 0 0 1 1 service-time 0 %d 1", p[0].size, n);
	for (i = 0; i < n && used < sizeof(table); i++) {
		used += (size_t)snprintf(table + used, sizeof(table) - used, " %u:%u 1",
					 p[i].major, p[i].minor);
		nl += (size_t)snprintf(names + nl, nl < sizeof(names) ? sizeof(names) - nl : 0,
				       "%s%s", i ? " " : "", p[i].name);
	}
	if (used + 2 > sizeof(table)) {
		log_warnx("multipath: WWID %s: %d paths do not fit in a table", p[0].wwid, n);
		return -1;
	}
	strcat(table, "\n");
	if (mpath_dm_ready() < 0)
		return -1;
	ret = dm_create(name, uuid, table, 0, &dev, why, sizeof(why));
	if (ret < 0) {
		log_warnx("multipath: WWID %s (%s): %s (no dm-multipath module in the image?)",
			  p[0].wwid, names, why);
		return -1;
	}
	if (dm_table(name, live, sizeof(live), why, sizeof(why)) < 0)
		snprintf(live, sizeof(live), "%s", table);
	log_info("multipath: /dev/mapper/%s (%u:%u) WWID %s, %d paths: %s; table: %.*s", name,
		 major(dev), minor(dev), p[0].wwid, n, names, (int)strcspn(live, "\n"), live);
	mpath_partitions(name, p[0].wwid, dev);
	return 0;
}

/*
 * A LUN that the image records as multipath but that shows one path: made
 * with that path alone once it has been alone for MPATH_SETTLE_MS (the
 * other paths may still be coming up), so that its /dev/mapper name is
 * there when the other paths died with the crash. 1 when the wait is over.
 */
#define MPATH_SETTLE_MS	2000
static struct {
	char wwid[MPATH_WWID_MAX];
	long since;
} mpath_lone[MPATH_FAILED_MAX];
static int mpath_nlone;

static int mpath_lone_ready(const char *wwid)
{
	struct timespec now;
	long ms;
	int i;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
	for (i = 0; i < mpath_nlone; i++)
		if (!strcmp(mpath_lone[i].wwid, wwid))
			return ms - mpath_lone[i].since >= MPATH_SETTLE_MS;
	if (mpath_nlone == MPATH_FAILED_MAX)
		return 1;
	memcpy(mpath_lone[mpath_nlone].wwid, wwid, MPATH_WWID_MAX);
	mpath_lone[mpath_nlone++].since = ms;
	return 0;
}

int mpath_assemble(void)
{
	char name[128];
	int i, j, made = 0, held;

	mpath_scan();
	for (i = 0; i < mpath_npaths; i = j) {
		held = 0;
		for (j = i; j < mpath_npaths && !strcmp(mpath_paths[j].wwid, mpath_paths[i].wwid); j++)
			held |= mpath_paths[j].held;
		if (held || mpath_has_failed(mpath_paths[i].wwid))
			continue;
		if (j - i < 2) {
			if (mpath_map_name(mpath_paths[i].wwid, 0, name, sizeof(name)) < 0 ||
			    !mpath_lone_ready(mpath_paths[i].wwid))
				continue;
			log_warnx("multipath: %s (WWID %s) is a multipath device on the production machine but has one path here (%s) after %d ms: made with it alone",
				  name, mpath_paths[i].wwid, mpath_paths[i].name, MPATH_SETTLE_MS);
		}
		if (mpath_make(i, j - i) == 0) {
			made++;
		} else if (mpath_nfailed < MPATH_FAILED_MAX) {
			log_warnx("multipath: WWID %s: no multipath device: its %d paths are plain disks (no failover)",
				  mpath_paths[i].wwid, j - i);
			memcpy(mpath_failed[mpath_nfailed++], mpath_paths[i].wwid, MPATH_WWID_MAX);
		}
	}
	if (made)
		mpath_scan();	/* the paths are held now */
	return made;
}

/* --- which devices are paths ------------------------------------------------------------ */

/* "sdb1" -> "sdb" (its disk), "sdb" -> "sdb". 0, -ENOENT. */
static int mpath_disk_of(const char *sysname, char *disk, size_t len)
{
	char path[PATH_MAX], link[PATH_MAX], *slash;
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/class/block/%s/partition", sysname);
	if (access(path, F_OK) < 0) {
		snprintf(disk, len, "%s", sysname);
		return 0;
	}
	/* .../block/sdb/sdb1: the disk is the directory above */
	snprintf(path, sizeof(path), "/sys/class/block/%s", sysname);
	n = readlink(path, link, sizeof(link) - 1);
	if (n <= 0)
		return -ENOENT;
	link[n] = '\0';
	slash = strrchr(link, '/');
	if (!slash)
		return -ENOENT;
	*slash = '\0';
	slash = strrchr(link, '/');
	return mpath_copy(disk, len, slash ? slash + 1 : link);
}

int mpath_is_path(const char *sysname)
{
	char disk[64];
	int i, j;

	if (mpath_disk_of(sysname, disk, sizeof(disk)) < 0)
		return 0;
	if (mpath_holder(disk, NULL, 0))
		return 1;
	for (i = 0; i < mpath_npaths; i++) {
		if (strcmp(mpath_paths[i].name, disk) || mpath_has_failed(mpath_paths[i].wwid))
			continue;
		for (j = 0; j < mpath_npaths; j++)
			if (j != i && !strcmp(mpath_paths[j].wwid, mpath_paths[i].wwid))
				return 1;
		/* recorded as multipath: a lone path waits for its map (mpath_lone_ready) */
		if (mpath_map_name(mpath_paths[i].wwid, 0, disk, sizeof(disk)) == 0)
			return 1;
	}
	return 0;
}

/* --- udev's names, and paths named directly --------------------------------------------- */

/* The dm device with this uuid: 0 with /dev/mapper/NAME in dev, -ENOENT. */
static int mpath_by_uuid(const char *want, char *dev, size_t len)
{
	char uuid[MPATH_WWID_MAX + 32], name[128];
	struct dirent *de;
	DIR *d;
	int ret = -ENOENT;

	d = opendir("/sys/class/block");
	if (!d)
		return -ENOENT;
	while (ret && (de = readdir(d))) {
		if (strncmp(de->d_name, "dm-", 3) ||
		    mpath_dm_ids(de->d_name, uuid, sizeof(uuid), name, sizeof(name)) < 0)
			continue;
		if (!strcmp(uuid, want)) {
			snprintf(dev, len, "/dev/mapper/%s", name);
			ret = 0;
		}
	}
	closedir(d);
	return ret;
}

/* "WWID" or "WWID-partN" -> the uuid kpartx and multipath give it. */
static int mpath_uuid_of(const char *w, char prefix, char *uuid, size_t len)
{
	const char *part = strstr(w, "-part");
	char *end;
	long n;

	if (!*w)
		return -EINVAL;
	if (!part) {
		snprintf(uuid, len, "mpath-%s%s", prefix ? (char[]){ prefix, 0 } : "", w);
		return 0;
	}
	n = strtol(part + 5, &end, 10);
	if (*end || n < 1 || n > 9999 || part == w)
		return -EINVAL;
	snprintf(uuid, len, "part%ld-mpath-%s%.*s", n, prefix ? (char[]){ prefix, 0 } : "",
		 (int)(part - w), w);
	return 0;
}

int mpath_resolve(const char *spec, char *dev, size_t len, int *redirected)
{
	static const char byid[] = "/dev/disk/by-id/";
	char uuid[MPATH_WWID_MAX + 32], disk[64], dm[64], duuid[MPATH_WWID_MAX + 32], *end;
	const char *s, *name;
	long part = 0;
	int ret;

	*redirected = 0;
	if (!strncmp(spec, byid, sizeof(byid) - 1)) {
		s = spec + sizeof(byid) - 1;
		if (!strncmp(s, "dm-uuid-", 8)) {
			snprintf(uuid, sizeof(uuid), "%s", s + 8);
		} else if (!strncmp(s, "dm-name-", 8)) {
			if (snprintf(dev, len, "/dev/mapper/%s", s + 8) >= (int)len)
				return -EINVAL;
			return access(dev, F_OK) == 0 ? 0 : -ENOENT;
		} else if (!strncmp(s, "scsi-", 5)) {
			if (mpath_uuid_of(s + 5, 0, uuid, sizeof(uuid)) < 0)
				return -EINVAL;
		} else if (!strncmp(s, "wwn-0x", 6)) {
			if (mpath_uuid_of(s + 6, '3', uuid, sizeof(uuid)) < 0)
				return -EINVAL;
		} else {
			return -EINVAL;
		}
		return mpath_by_uuid(uuid, dev, len);
	}
	/* /dev/sdb or /dev/sdb1, a path: its multipath device, or partition */
	if (strncmp(spec, "/dev/", 5) || strchr(spec + 5, '/'))
		return -EINVAL;
	name = spec + 5;
	if (mpath_disk_of(name, disk, sizeof(disk)) < 0 || !mpath_holder(disk, dm, sizeof(dm)))
		return -EINVAL;
	if (strcmp(name, disk)) {
		if (mpath_read("/sys/class/block/%s/partition", name, uuid, sizeof(uuid)) < 0)
			return -EINVAL;
		part = strtol(uuid, &end, 10);
		if (part < 1)
			return -EINVAL;
	}
	ret = mpath_dm_ids(dm, duuid, sizeof(duuid), NULL, 0);
	if (ret < 0)
		return ret;
	if (part && snprintf(uuid, sizeof(uuid), "part%ld-%s", part, duuid) >= (int)sizeof(uuid))
		return -EINVAL;
	if (!part)
		mpath_copy(uuid, sizeof(uuid), duuid);
	ret = mpath_by_uuid(uuid, dev, len);
	if (ret == 0)
		*redirected = 1;
	return ret;
}
