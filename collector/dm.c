// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Device-mapper ioctls (see dm.h). Every call is a struct dm_ioctl followed
 * by its payload in one buffer; data_size is the whole buffer, data_start
 * where the payload begins. DM_TABLE_LOAD's payload is a chain of struct
 * dm_target_spec, each followed by its NUL-terminated parameter string and
 * padded to 8 bytes; spec.next is the distance to the next spec. What the
 * kernel hands back (DM_TABLE_STATUS) is bounds-checked before it is read.
 */
#include <errno.h>
#include <fcntl.h>
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

#include "checked.h"
#include "dm.h"
#include "dumpdir.h"

#define DM_CONTROL	"/dev/mapper/control"
#define DM_SYSFS_DEV	"/sys/class/misc/device-mapper/dev"
#define DM_BUF_MIN	16384		/* payload for status replies */
#define DM_ALIGN(x)	(((x) + 7) & ~(size_t)7)

static int why_set(char *why, size_t whylen, int ret, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int why_set(char *why, size_t whylen, int ret, const char *fmt, ...)
{
	va_list ap;

	if (why && whylen) {
		va_start(ap, fmt);
		vsnprintf(why, whylen, fmt, ap);
		va_end(ap);
	}
	return ret;
}

static int dm_name_ok(const char *name)
{
	size_t n = strlen(name);

	return n > 0 && n < DM_NAME_LEN && !strchr(name, '/') &&
	       strcmp(name, ".") && strcmp(name, "..");
}

/* A zeroed buffer with the header filled in; payload bytes after it. */
static struct dm_ioctl *dm_buf(const char *name, size_t payload)
{
	struct dm_ioctl *io;
	size_t size = sizeof(*io) + DM_ALIGN(payload);

	io = calloc(1, size);
	if (!io)
		return NULL;
	io->version[0] = DM_VERSION_MAJOR;
	io->version[1] = 0;
	io->version[2] = 0;
	io->data_size = (uint32_t)size;
	io->data_start = sizeof(*io);
	if (name)
		snprintf(io->name, sizeof(io->name), "%s", name);
	return io;
}

/*
 * A reply rewrites the header (data_size, dev, uuid, flags): set it up
 * again for the next call on the same device, by name only (the kernel
 * refuses a call that names a device two ways).
 */
static void dm_rearm(struct dm_ioctl *io, uint32_t size, const char *name)
{
	memset(io, 0, sizeof(*io));
	io->version[0] = DM_VERSION_MAJOR;
	io->data_size = size;
	io->data_start = sizeof(*io);
	snprintf(io->name, sizeof(io->name), "%s", name);
}

static int dm_open(char *why, size_t whylen)
{
	int fd = open(DM_CONTROL, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return why_set(why, whylen, -errno, "open %s: %s", DM_CONTROL, strerror(errno));
	return fd;
}

static int dm_call(int fd, unsigned long cmd, const char *cmdname, struct dm_ioctl *io,
		   char *why, size_t whylen)
{
	if (ioctl(fd, cmd, io) < 0)
		return why_set(why, whylen, -errno, "%s %s: %s", cmdname,
			       io->name[0] ? io->name : "-", strerror(errno));
	return 0;
}

int dm_init(char *why, size_t whylen)
{
	unsigned int maj, min;
	struct dm_ioctl *io;
	struct stat st;
	char buf[32];
	int fd, ret;
	ssize_t n;

	if (stat(DM_CONTROL, &st) < 0 || !S_ISCHR(st.st_mode)) {
		fd = open(DM_SYSFS_DEV, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return why_set(why, whylen, -ENODEV,
				       "no device-mapper in this kernel (%s: %s; dm-mod not loaded?)",
				       DM_SYSFS_DEV, strerror(errno));
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n <= 0 || (buf[n] = '\0', sscanf(buf, "%u:%u", &maj, &min) != 2))
			return why_set(why, whylen, -ENODEV, "%s: not MAJOR:MINOR", DM_SYSFS_DEV);
		ret = dumpdir_mkpath("/dev/mapper", 0755);
		if (ret < 0)
			return why_set(why, whylen, ret, "mkdir /dev/mapper: %s", strerror(-ret));
		unlink(DM_CONTROL);
		if (mknod(DM_CONTROL, S_IFCHR | 0600, makedev(maj, min)) < 0)
			return why_set(why, whylen, -errno, "mknod %s %u:%u: %s", DM_CONTROL,
				       maj, min, strerror(errno));
	}
	fd = dm_open(why, whylen);
	if (fd < 0)
		return fd;
	io = dm_buf(NULL, 0);
	if (!io) {
		close(fd);
		return why_set(why, whylen, -ENOMEM, "DM_VERSION: out of memory");
	}
	ret = dm_call(fd, DM_VERSION, "DM_VERSION", io, why, whylen);
	free(io);
	close(fd);
	return ret;
}

/* Parse one table line into spec + params at p; *used gets its padded size. */
static int dm_spec_line(const char *line, size_t linelen, int lineno, char *p, size_t room,
			size_t *used, char *why, size_t whylen)
{
	struct dm_target_spec spec;
	char text[4096], *s, *end, *type;
	unsigned long long start, length;
	size_t plen, need;

	if (linelen >= sizeof(text))
		return why_set(why, whylen, -E2BIG, "table line %d: longer than %zu bytes",
			       lineno, sizeof(text) - 1);
	memcpy(text, line, linelen);
	text[linelen] = '\0';
	s = text;
	errno = 0;
	start = strtoull(s, &end, 10);
	if (end == s || errno || *end != ' ')
		return why_set(why, whylen, -EINVAL, "table line %d: no start sector", lineno);
	s = end + 1;
	length = strtoull(s, &end, 10);
	if (end == s || errno || *end != ' ' || length == 0)
		return why_set(why, whylen, -EINVAL, "table line %d: no length", lineno);
	type = end + 1;
	end = strchr(type, ' ');
	if (end)
		*end++ = '\0';
	else
		end = type + strlen(type);
	if (!*type || strlen(type) >= DM_MAX_TYPE_NAME)
		return why_set(why, whylen, -EINVAL, "table line %d: no type", lineno);

	plen = strlen(end) + 1;
	need = DM_ALIGN(sizeof(spec) + plen);
	if (need > room)
		return why_set(why, whylen, -E2BIG, "table line %d: table too large", lineno);
	memset(&spec, 0, sizeof(spec));
	spec.sector_start = start;
	spec.length = length;
	spec.next = (uint32_t)need;
	snprintf(spec.target_type, sizeof(spec.target_type), "%s", type);
	memcpy(p, &spec, sizeof(spec));
	memcpy(p + sizeof(spec), end, plen);
	*used = need;
	return 0;
}

/* Fill io's payload from the text table; sets target_count. */
static int dm_table_pack(struct dm_ioctl *io, const char *table, char *why, size_t whylen)
{
	char *data = (char *)io + io->data_start;
	size_t room = io->data_size - io->data_start, off = 0, used;
	const char *line = table, *nl;
	int count = 0, ret;

	while (*line) {
		nl = strchr(line, '\n');
		if (!nl)
			nl = line + strlen(line);
		if (nl > line) {
			if (++count > DM_MAX_TARGETS)
				return why_set(why, whylen, -E2BIG, "table: more than %d lines",
					       DM_MAX_TARGETS);
			ret = dm_spec_line(line, (size_t)(nl - line), count, data + off,
					   room - off, &used, why, whylen);
			if (ret < 0)
				return ret;
			off += used;
		}
		line = *nl ? nl + 1 : nl;
	}
	if (!count)
		return why_set(why, whylen, -EINVAL, "table: empty");
	io->target_count = (uint32_t)count;
	return 0;
}

static int dm_node(const char *name, dev_t devno, char *why, size_t whylen)
{
	char path[sizeof("/dev/mapper/") + DM_NAME_LEN];
	int ret;

	ret = dumpdir_mkpath("/dev/mapper", 0755);
	if (ret < 0)
		return why_set(why, whylen, ret, "mkdir /dev/mapper: %s", strerror(-ret));
	snprintf(path, sizeof(path), "/dev/mapper/%s", name);
	unlink(path);
	if (mknod(path, S_IFBLK | 0600, devno) < 0)
		return why_set(why, whylen, -errno, "mknod %s %u:%u: %s", path, major(devno),
			       minor(devno), strerror(errno));
	return 0;
}

static int dm_remove_fd(int fd, const char *name, char *why, size_t whylen)
{
	struct dm_ioctl *io = dm_buf(name, 0);
	int ret;

	if (!io)
		return why_set(why, whylen, -ENOMEM, "DM_DEV_REMOVE %s: out of memory", name);
	ret = dm_call(fd, DM_DEV_REMOVE, "DM_DEV_REMOVE", io, why, whylen);
	free(io);
	return ret;
}

int dm_create(const char *name, const char *uuid, const char *table, int readonly,
	      dev_t *devno, char *why, size_t whylen)
{
	struct dm_ioctl *io;
	uint32_t size;
	dev_t dev;
	int fd, ret;

	if (!dm_name_ok(name))
		return why_set(why, whylen, -EINVAL, "device-mapper name \"%s\" is not valid", name);
	if (uuid && strlen(uuid) >= DM_UUID_LEN)
		return why_set(why, whylen, -EINVAL, "device-mapper uuid of %s too long", name);
	fd = dm_open(why, whylen);
	if (fd < 0)
		return fd;
	io = dm_buf(name, strlen(table) + (size_t)DM_MAX_TARGETS * (sizeof(struct dm_target_spec) + 8));
	if (!io) {
		close(fd);
		return why_set(why, whylen, -ENOMEM, "device-mapper %s: out of memory", name);
	}

	size = io->data_size;
	if (uuid)
		snprintf(io->uuid, sizeof(io->uuid), "%s", uuid);
	ret = dm_call(fd, DM_DEV_CREATE, "DM_DEV_CREATE", io, why, whylen);
	if (ret < 0) {
		if (ret == -EBUSY)	/* the kernel's answer for a name in use */
			ret = -EEXIST;
		goto out_free;
	}
	dev = (dev_t)io->dev;

	dm_rearm(io, size, name);
	io->flags = readonly ? DM_READONLY_FLAG : 0;
	ret = dm_table_pack(io, table, why, whylen);
	if (ret < 0)
		goto out_remove;
	ret = dm_call(fd, DM_TABLE_LOAD, "DM_TABLE_LOAD", io, why, whylen);
	if (ret < 0)
		goto out_remove;

	/* DM_DEV_SUSPEND without DM_SUSPEND_FLAG is resume: the table goes live. */
	dm_rearm(io, size, name);
	ret = dm_call(fd, DM_DEV_SUSPEND, "DM_DEV_SUSPEND(resume)", io, why, whylen);
	if (ret < 0)
		goto out_remove;
	ret = dm_node(name, dev, why, whylen);
	if (ret < 0)
		goto out_remove;
	if (devno)
		*devno = dev;
	goto out_free;

out_remove:
	dm_remove_fd(fd, name, NULL, 0);
out_free:
	free(io);
	close(fd);
	return ret;
}

int dm_remove(const char *name, char *why, size_t whylen)
{
	char path[sizeof("/dev/mapper/") + DM_NAME_LEN];
	int fd, ret;

	if (!dm_name_ok(name))
		return why_set(why, whylen, -EINVAL, "device-mapper name \"%s\" is not valid", name);
	fd = dm_open(why, whylen);
	if (fd < 0)
		return fd;
	ret = dm_remove_fd(fd, name, why, whylen);
	close(fd);
	if (ret == 0) {
		snprintf(path, sizeof(path), "/dev/mapper/%s", name);
		unlink(path);
	}
	return ret;
}

int dm_info(const char *name, dev_t *devno, char *why, size_t whylen)
{
	struct dm_ioctl *io;
	int fd, ret;

	if (!dm_name_ok(name))
		return why_set(why, whylen, -EINVAL, "device-mapper name \"%s\" is not valid", name);
	fd = dm_open(why, whylen);
	if (fd < 0)
		return fd;
	io = dm_buf(name, 0);
	if (!io) {
		close(fd);
		return why_set(why, whylen, -ENOMEM, "DM_DEV_STATUS %s: out of memory", name);
	}
	ret = dm_call(fd, DM_DEV_STATUS, "DM_DEV_STATUS", io, why, whylen);
	if (ret == 0 && devno)
		*devno = (dev_t)io->dev;
	free(io);
	close(fd);
	return ret;
}

int dm_table(const char *name, char *buf, size_t len, char *why, size_t whylen)
{
	const struct dm_target_spec *spec;
	struct dm_ioctl *io;
	uint64_t at, plen, ret64;
	size_t off = 0, payload;
	const char *params;
	uint32_t i;
	int fd, ret, n;

	if (!dm_name_ok(name))
		return why_set(why, whylen, -EINVAL, "device-mapper name \"%s\" is not valid", name);
	if (!len)
		return why_set(why, whylen, -ENOSPC, "dm_table %s: no buffer", name);
	buf[0] = '\0';
	fd = dm_open(why, whylen);
	if (fd < 0)
		return fd;
	io = dm_buf(name, DM_BUF_MIN);
	if (!io) {
		close(fd);
		return why_set(why, whylen, -ENOMEM, "DM_TABLE_STATUS %s: out of memory", name);
	}
	io->flags = DM_STATUS_TABLE_FLAG;
	ret = dm_call(fd, DM_TABLE_STATUS, "DM_TABLE_STATUS", io, why, whylen);
	if (ret < 0)
		goto out;
	if (io->flags & DM_BUFFER_FULL_FLAG) {
		ret = why_set(why, whylen, -ENOSPC, "DM_TABLE_STATUS %s: reply larger than %d bytes",
			      name, DM_BUF_MIN);
		goto out;
	}
	/* What the kernel wrote lies in [data_start, data_size) of our buffer. */
	payload = DM_ALIGN(DM_BUF_MIN);
	if (io->data_start < sizeof(*io) || io->data_start > sizeof(*io) + payload) {
		ret = why_set(why, whylen, -EPROTO, "DM_TABLE_STATUS %s: data_start %u out of range",
			      name, io->data_start);
		goto out;
	}
	payload = sizeof(*io) + payload - io->data_start;
	at = 0;
	for (i = 0; i < io->target_count; i++) {
		if (checked_range(at, sizeof(*spec), payload)) {
			ret = why_set(why, whylen, -EPROTO, "DM_TABLE_STATUS %s: target %u out of range",
				      name, i);
			goto out;
		}
		spec = (const void *)((const char *)io + io->data_start + at);
		params = (const char *)(spec + 1);
		plen = strnlen(params, payload - at - sizeof(*spec));
		if (checked_add(at + sizeof(*spec), plen, &ret64) || ret64 >= payload) {
			ret = why_set(why, whylen, -EPROTO, "DM_TABLE_STATUS %s: target %u unterminated",
				      name, i);
			goto out;
		}
		n = snprintf(buf + off, len - off, "%llu %llu %.*s %s\n",
			     (unsigned long long)spec->sector_start,
			     (unsigned long long)spec->length, DM_MAX_TYPE_NAME,
			     spec->target_type, params);
		if (n < 0 || (size_t)n >= len - off) {
			ret = why_set(why, whylen, -ENOSPC, "dm_table %s: buffer of %zu too small",
				      name, len);
			goto out;
		}
		off += (size_t)n;
		/* next counts from the first spec on a status reply */
		if (spec->next <= at && i + 1 < io->target_count) {
			ret = why_set(why, whylen, -EPROTO, "DM_TABLE_STATUS %s: target %u loops",
				      name, i);
			goto out;
		}
		at = spec->next;
	}
out:
	free(io);
	close(fd);
	return ret;
}

int dm_link(const char *name, const char *link, char *why, size_t whylen)
{
	char target[sizeof("/dev/mapper/") + DM_NAME_LEN], dir[4096], *slash;
	int ret;

	if (!dm_name_ok(name))
		return why_set(why, whylen, -EINVAL, "device-mapper name \"%s\" is not valid", name);
	if (snprintf(dir, sizeof(dir), "%s", link) >= (int)sizeof(dir))
		return why_set(why, whylen, -ENAMETOOLONG, "link %s: name too long", link);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		ret = dumpdir_mkpath(dir, 0755);
		if (ret < 0)
			return why_set(why, whylen, ret, "mkdir %s: %s", dir, strerror(-ret));
	}
	snprintf(target, sizeof(target), "/dev/mapper/%s", name);
	unlink(link);
	if (symlink(target, link) < 0)
		return why_set(why, whylen, -errno, "symlink %s -> %s: %s", link, target,
			       strerror(errno));
	return 0;
}

static size_t dm_dash_copy(char *out, size_t at, size_t len, const char *s)
{
	for (; *s; s++) {
		if (at + 1 < len)
			out[at] = *s;
		at++;
		if (*s == '-') {
			if (at + 1 < len)
				out[at] = '-';
			at++;
		}
	}
	return at;
}

int dm_lvm_name(const char *vg, const char *lv, char *out, size_t len)
{
	size_t at;

	if (!len)
		return -ENAMETOOLONG;
	at = dm_dash_copy(out, 0, len, vg);
	if (at + 1 < len)
		out[at] = '-';
	at++;
	at = dm_dash_copy(out, at, len, lv);
	if (at >= len || at >= DM_NAME_LEN) {
		out[0] = '\0';
		return -ENAMETOOLONG;
	}
	out[at] = '\0';
	return 0;
}
