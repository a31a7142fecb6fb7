// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Kernel modules in the capture kernel. The image builder resolved the
 * dependencies at build time and wrote load.list in load order, so there
 * is no modules.dep parsing here: open each file, finit_module() it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "log.h"
#include "modules.h"

#ifndef MODULE_INIT_COMPRESSED_FILE
#define MODULE_INIT_COMPRESSED_FILE	4	/* linux/module.h, since 5.17 */
#endif
#define MODULES_LIST_MAX	(256 * 1024)	/* load.list is a few KB */
#define MODULES_NAME_MAX	64		/* MODULE_NAME_LEN is 56 */

struct modules_count {
	int loaded, present, failed;
};

/* "kernel/drivers/block/virtio_blk.ko.xz" -> "virtio_blk" ('-' as '_'). */
static void modules_name(const char *path, char *name, size_t len)
{
	const char *base = strrchr(path, '/');
	size_t i;

	base = base ? base + 1 : path;
	for (i = 0; i + 1 < len && base[i] && base[i] != '.'; i++)
		name[i] = base[i] == '-' ? '_' : base[i];
	name[i] = '\0';
}

static int modules_compressed(const char *path)
{
	const char *dot = strrchr(path, '.');

	return dot && (!strcmp(dot, ".xz") || !strcmp(dot, ".zst") || !strcmp(dot, ".gz"));
}

static void modules_insert(const char *path, const char *params, struct modules_count *c)
{
	char name[MODULES_NAME_MAX];
	int fd, flags = modules_compressed(path) ? MODULE_INIT_COMPRESSED_FILE : 0;

	modules_name(path, name, sizeof(name));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		log_warn("module %s: open %s", name, path);
		c->failed++;
		return;
	}
	if (syscall(SYS_finit_module, fd, params, flags) == 0) {
		log_debug("module %s: loaded", name);
		c->loaded++;
	} else if (errno == EEXIST) {
		c->present++;
	} else {
		log_warn("module %s: finit_module %s", name, path);
		c->failed++;
	}
	close(fd);
}

/* Depth-first search of dir for a module file called name. */
static int modules_find(const char *dir, const char *name, char *out, size_t len, int depth)
{
	char path[PATH_MAX], base[MODULES_NAME_MAX];
	struct dirent *de;
	struct stat st;
	DIR *d;
	int found = 0;

	if (depth > 8 || !(d = opendir(dir)))
		return 0;
	while (!found && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >= (int)sizeof(path))
			continue;
		if (lstat(path, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			found = modules_find(path, name, out, len, depth + 1);
		} else if (S_ISREG(st.st_mode) && strstr(de->d_name, ".ko")) {
			modules_name(de->d_name, base, sizeof(base));
			if (!strcmp(base, name)) {
				snprintf(out, len, "%s", path);
				found = 1;
			}
		}
	}
	closedir(d);
	return found;
}

/* Reads load.list into a NUL-terminated buffer (free it), or NULL. */
static char *modules_read_list(const char *path)
{
	ssize_t n, len = 0;
	char *buf;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	buf = malloc(MODULES_LIST_MAX);
	if (!buf)
		goto out_close;
	while (len < MODULES_LIST_MAX - 1 &&
	       (n = read(fd, buf + len, (size_t)(MODULES_LIST_MAX - 1 - len))) > 0)
		len += n;
	buf[len] = '\0';
out_close:
	close(fd);
	return buf;
}

/* Loads every line of load.list; appends each module name to names. */
static void modules_load_list(const char *dir, char *list, struct modules_count *c,
			      char *names, size_t names_len)
{
	char path[PATH_MAX], name[MODULES_NAME_MAX];
	char *line, *next, *params;
	size_t used = 0;

	for (line = list; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		line += strspn(line, " \t");
		if (!*line || *line == '#')
			continue;
		params = line + strcspn(line, " \t");
		if (*params)
			*params++ = '\0';
		params += strspn(params, " \t");
		/* relative to the modules directory; an absolute path is taken as is */
		if (snprintf(path, sizeof(path), "%s%s%s", line[0] == '/' ? "" : dir,
			     line[0] == '/' ? "" : "/", line) >= (int)sizeof(path)) {
			log_warnx("module path too long in load.list: %s", line);
			c->failed++;
			continue;
		}
		modules_insert(path, params, c);
		modules_name(line, name, sizeof(name));
		used += (size_t)snprintf(names + used, names_len - used, " %s ", name);
		if (used >= names_len)
			used = names_len - 1;
	}
}

int modules_load(const char *extra)
{
	char dir[PATH_MAX], list[PATH_MAX + 16], path[PATH_MAX];
	char names[8192] = "", name[MODULES_NAME_MAX], key[MODULES_NAME_MAX + 2];
	struct modules_count c = { 0 };
	struct utsname u;
	const char *p;
	char *buf;
	size_t n;

	if (uname(&u) < 0) {
		log_warn("uname");
		return 1;
	}
	snprintf(dir, sizeof(dir), "/lib/modules/%s", u.release);
	snprintf(list, sizeof(list), "%s/load.list", dir);
	buf = modules_read_list(list);
	if (buf) {
		modules_load_list(dir, buf, &c, names, sizeof(names));
		free(buf);
	} else if (errno == ENOENT) {
		log_info("modules: no %s: nothing to load (an image for another kernel?)", list);
	} else {
		log_warn("modules: cannot read %s", list);
		c.failed++;
	}

	/* extra_modules that load.list did not already have */
	for (p = extra ? extra : ""; *p; p += n) {
		p += strspn(p, " \t,");
		n = strcspn(p, " \t,");
		if (!n)
			break;
		snprintf(key, sizeof(key), "%.*s", (int)n, p);
		modules_name(key, name, sizeof(name));
		snprintf(key, sizeof(key), " %s ", name);
		if (strstr(names, key))
			continue;
		if (!modules_find(dir, name, path, sizeof(path), 0)) {
			log_warnx("modules: extra module %s is not in the image", name);
			c.failed++;
			continue;
		}
		modules_insert(path, "", &c);
	}
	if (c.loaded || c.present || c.failed)
		log_info("modules: %d loaded, %d already present, %d failed",
			 c.loaded, c.present, c.failed);
	return c.failed;
}
