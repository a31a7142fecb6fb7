/*
 * kcapfill: fill N MiB of anonymous memory with a pattern a dump reader can recognise,
 * then keep it alive until the machine dies.  Each 4 KiB page starts with
 * "KCAPFILL" followed by the page index as 8 lowercase hex digits, and the rest of the page
 * repeats the byte 0xa5 (so the page neither reads as zero nor compresses away entirely).
 *
 *   kcapfill MIB     forks; returns 0 once the child has filled and locked its pages
 *
 * Built static with musl-gcc by tests/qemu/lib.sh; runs in the production test VM.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096UL

int main(int argc, char **argv)
{
	unsigned long mib, pages, i;
	int fds[2];
	char *mem, ok;
	pid_t pid;

	if (argc != 2 || (mib = strtoul(argv[1], NULL, 10)) == 0) {
		fprintf(stderr, "usage: kcapfill MIB\n");
		return 2;
	}
	pages = mib * (1024 * 1024 / PAGE);
	if (pipe(fds) < 0) {
		perror("kcapfill: pipe");
		return 1;
	}
	pid = fork();
	if (pid < 0) {
		perror("kcapfill: fork");
		return 1;
	}
	if (pid > 0) {
		close(fds[1]);
		if (read(fds[0], &ok, 1) != 1) {
			fprintf(stderr, "kcapfill: child failed\n");
			return 1;
		}
		printf("kcapfill: %lu pages (%lu MiB) filled\n", pages, mib);
		return 0;
	}
	close(fds[0]);
	mem = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		perror("kcapfill: mmap");
		_exit(1);
	}
	for (i = 0; i < pages; i++) {
		char *p = mem + i * PAGE;
		char tag[24];

		memset(p, 0xa5, PAGE);
		snprintf(tag, sizeof(tag), "KCAPFILL%08lx", i & 0xffffffffUL);
		memcpy(p, tag, 16);
	}
	if (mlock(mem, pages * PAGE) < 0)
		perror("kcapfill: mlock (pages stay filled, may be swapped)");
	ok = 1;
	if (write(fds[1], &ok, 1) != 1)
		_exit(1);
	for (;;)
		pause();
}
