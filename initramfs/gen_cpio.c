// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * gen_cpio: write a "newc" cpio archive (the initramfs format) from a text
 * spec, so that the image can hold device nodes, root ownership and fixed
 * times without root privileges or a staging tree. A host build tool.
 *
 *   gen_cpio [-t MTIME] SPEC > archive.cpio
 *
 * Spec lines (the subset of the kernel's usr/gen_init_cpio format we use;
 * modes are octal permissions, the file type comes from the keyword):
 *
 *   dir   <name> <mode> <uid> <gid>
 *   file  <name> <host path> <mode> <uid> <gid>
 *   slink <name> <target> <mode> <uid> <gid>
 *   nod   <name> <mode> <uid> <gid> <c|b> <major> <minor>
 *
 * Blank lines and lines starting with '#' are skipped. Entries are written
 * in spec order; every entry gets MTIME (default 0) and an inode number
 * counted from 1, so the same spec and files give the same bytes.
 * Paths with blanks are not supported (the image has none).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_FIELDS	9

static unsigned long next_ino = 1;
static unsigned long long out_bytes;
static unsigned long mtime;

static int out(const void *buf, size_t len)
{
	if (len && fwrite(buf, 1, len, stdout) != len)
		return -EIO;
	out_bytes += len;
	return 0;
}

static int pad4(void)
{
	static const char zero[4];

	return out(zero, (4 - out_bytes % 4) % 4);
}

/* One newc header and the name; the caller writes the data. */
static int header(unsigned long ino, const char *name, unsigned int mode, unsigned int uid,
		  unsigned int gid, unsigned int nlink, unsigned long size, unsigned int rmaj,
		  unsigned int rmin)
{
	char hdr[144];	/* 110 bytes, unless a field is wider than 32 bits */
	size_t namesize;
	int ret;

	while (*name == '/')
		name++;
	namesize = strlen(name) + 1;
	if (snprintf(hdr, sizeof(hdr),
		     "070701%08lX%08X%08X%08X%08X%08lX%08lX%08X%08X%08X%08X%08lX%08X",
		     ino, mode, uid, gid, nlink, mtime, size, 0, 0, rmaj, rmin,
		     (unsigned long)namesize, 0) != 110)
		return -EOVERFLOW;
	ret = out(hdr, 110);
	if (!ret)
		ret = out(name, namesize);
	if (!ret)
		ret = pad4();
	return ret;
}

static int copy_file(const char *path, unsigned long size)
{
	char buf[65536];
	unsigned long left = size;
	int fd, ret = 0;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	while (left) {
		ssize_t n = read(fd, buf, left < sizeof(buf) ? left : sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ret = n < 0 ? -errno : -EIO;	/* EIO: file shrank under us */
			break;
		}
		ret = out(buf, n);
		if (ret)
			break;
		left -= n;
	}
	close(fd);
	if (!ret)
		ret = pad4();
	return ret;
}

static int parse_num(const char *s, int base, unsigned int *v)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(s, &end, base);
	if (errno || end == s || *end || n > 0xffffffffUL)
		return -EINVAL;
	*v = n;
	return 0;
}

/* Returns 0, or -errno with *why set to what was wrong. */
static int entry(char **f, int n, const char **why)
{
	unsigned int mode, uid, gid, maj, min;
	struct stat st;
	int ret;

	*why = "malformed line";
	if (!strcmp(f[0], "dir") && n == 5) {
		if (parse_num(f[2], 8, &mode) || parse_num(f[3], 10, &uid) ||
		    parse_num(f[4], 10, &gid))
			return -EINVAL;
		return header(next_ino++, f[1], S_IFDIR | (mode & 07777), uid, gid, 2, 0, 0, 0);
	}
	if (!strcmp(f[0], "file") && n == 6) {
		if (parse_num(f[3], 8, &mode) || parse_num(f[4], 10, &uid) ||
		    parse_num(f[5], 10, &gid))
			return -EINVAL;
		*why = f[2];
		if (stat(f[2], &st))
			return -errno;
		if (!S_ISREG(st.st_mode) || st.st_size > 0xffffffffL)
			return -EINVAL;
		ret = header(next_ino++, f[1], S_IFREG | (mode & 07777), uid, gid, 1, st.st_size, 0, 0);
		return ret ? ret : copy_file(f[2], st.st_size);
	}
	if (!strcmp(f[0], "slink") && n == 6) {
		size_t len = strlen(f[2]);

		if (parse_num(f[3], 8, &mode) || parse_num(f[4], 10, &uid) ||
		    parse_num(f[5], 10, &gid))
			return -EINVAL;
		ret = header(next_ino++, f[1], S_IFLNK | (mode & 07777), uid, gid, 1, len, 0, 0);
		if (!ret)
			ret = out(f[2], len);
		return ret ? ret : pad4();
	}
	if (!strcmp(f[0], "nod") && n == 8) {
		unsigned int type;

		if (parse_num(f[2], 8, &mode) || parse_num(f[3], 10, &uid) ||
		    parse_num(f[4], 10, &gid) || parse_num(f[6], 10, &maj) ||
		    parse_num(f[7], 10, &min))
			return -EINVAL;
		if (!strcmp(f[5], "c"))
			type = S_IFCHR;
		else if (!strcmp(f[5], "b"))
			type = S_IFBLK;
		else
			return -EINVAL;
		return header(next_ino++, f[1], type | (mode & 07777), uid, gid, 1, 0, maj, min);
	}
	*why = "unknown keyword or wrong number of fields";
	return -EINVAL;
}

int main(int argc, char **argv)
{
	char line[8192];
	FILE *spec;
	int c, lineno = 0;

	while ((c = getopt(argc, argv, "t:")) != -1) {
		if (c != 't')
			goto usage;
		mtime = strtoul(optarg, NULL, 10);
		if (mtime > 0xffffffffUL)
			goto usage;
	}
	if (optind != argc - 1)
		goto usage;
	spec = strcmp(argv[optind], "-") ? fopen(argv[optind], "r") : stdin;
	if (!spec) {
		fprintf(stderr, "gen_cpio: %s: %s\n", argv[optind], strerror(errno));
		return 1;
	}
	while (fgets(line, sizeof(line), spec)) {
		char *f[MAX_FIELDS + 1], *save, *tok;
		const char *why;
		int n = 0, ret;

		lineno++;
		for (tok = strtok_r(line, " \t\n", &save); tok && n <= MAX_FIELDS;
		     tok = strtok_r(NULL, " \t\n", &save))
			f[n++] = tok;
		if (!n || f[0][0] == '#')
			continue;
		ret = entry(f, n, &why);
		if (ret) {
			fprintf(stderr, "gen_cpio: %s:%d: %s: %s\n", argv[optind], lineno, why,
				strerror(-ret));
			return 1;
		}
	}
	if (ferror(spec)) {
		fprintf(stderr, "gen_cpio: %s: read error\n", argv[optind]);
		return 1;
	}
	/* The kernel pads the archive to 512 bytes too; so does GNU cpio. */
	if (header(0, "TRAILER!!!", 0, 0, 0, 1, 0, 0, 0))
		goto write_error;
	while (out_bytes % 512)
		if (out("", 1))
			goto write_error;
	if (fflush(stdout) == 0)
		return 0;
write_error:
	fprintf(stderr, "gen_cpio: write error: %s\n", strerror(errno));
	return 1;
usage:
	fprintf(stderr, "usage: gen_cpio [-t mtime] spec\n");
	return 2;
}
