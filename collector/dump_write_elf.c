// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ELF64 core writer (makedumpfile -E): what /proc/vmcore looks like, with
 * the pages the dump level leaves out taken away.
 *
 *   Elf64_Ehdr | PT_NOTE + PT_LOADs (room reserved) | notes | page data
 *
 * A run of stored pages is one PT_LOAD (p_filesz == p_memsz); the pages
 * left out after it are another, with p_filesz 0 (readers see zeros, as
 * in makedumpfile's output). Not one PT_LOAD with p_filesz < p_memsz:
 * makedumpfile maps [p_offset, p_offset + p_memsz) of the file and takes
 * it for physically contiguous, which the next run's data is not. The
 * empty ones point at the end of the data, where nothing follows.
 * Zero pages are only known once read, so the program headers are written
 * last, into room reserved for as many as the run structure can need: one
 * pass over the pages.
 *
 * Gaps shorter than GAP_MIN pages are stored as zeros inside the run
 * rather than split off (a header costs 56 bytes, crash scans them all on
 * every read). Only when the filter leaves more than RUNS_MAX gaps does
 * the threshold double until they fit. Zero-page gaps use the room left
 * over. Past 65534 headers the count is in section header 0 (PN_XNUM), as
 * makedumpfile does and crash and makedumpfile read.
 *
 * While writing, the ELF header has only the PT_NOTE and e_flags says
 * incomplete (DUMP_ELF_INCOMPLETE, which crash knows); the last write
 * puts the real header in place.
 */
#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dump_write_priv.h"
#include "fmt_elf.h"
#include "log.h"

#define RUNS_MAX		(1u << 19)	/* data runs: 2 headers each, 56 MiB */
#define ZERO_RUNS_MAX		32768		/* room for zero-page gaps */
#define GAP_MIN			8		/* smallest gap worth a PT_LOAD */
#define DATA_CACHE		(1024 * 1024)

/* A PT_LOAD of the output: a physical range and its virtual address. */
struct orange {
	uint64_t paddr, vaddr, memsz;
	uint64_t pfirst, pend;		/* pfn span */
};

/* Pages stored contiguously in the file. */
struct run {
	uint64_t pfn, n, off;
};

struct ew {
	struct df_job *j;
	struct df_sink *s;
	uint64_t ps;
	struct orange *or;
	int nor;
	struct run *runs;
	size_t nruns, cap_runs;
	struct df_cache data;
	uint64_t bad;
};

#define ELF_MAX_ALIASES	64	/* source PT_LOADs repeating RAM, kept in the output */

static int add_orange(struct ew *w, uint64_t paddr, uint64_t vaddr, uint64_t memsz)
{
	struct orange *o;

	if (!memsz)
		return 0;
	o = realloc(w->or, (size_t)(w->nor + 1) * sizeof(*o));
	if (!o)
		return -ENOMEM;
	w->or = o;
	o += w->nor++;
	o->paddr = paddr;
	o->vaddr = vaddr;
	o->memsz = memsz;
	o->pfirst = paddr / w->ps;
	o->pend = (paddr + memsz + w->ps - 1) / w->ps;
	return 0;
}

/*
 * The output's PT_LOADs: the source's ranges, plus PT_LOADs of an ELF
 * source that the reader left out because they repeat RAM (the kernel
 * text mapping of /proc/vmcore). Those get headers pointing at the same
 * file data, so the kernel image is not stored twice.
 */
static int build_oranges(struct ew *w)
{
	struct dump *d = w->j->d;
	Elf64_Phdr *ph = NULL;
	Elf64_Ehdr eh;
	int i, k, ret;

	if (d->format == DUMP_FMT_ELF &&
	    pread(d->fd, &eh, sizeof(eh), 0) == (ssize_t)sizeof(eh) &&
	    !memcmp(eh.e_ident, ELFMAG, SELFMAG) && eh.e_ident[EI_CLASS] == ELFCLASS64 &&
	    eh.e_phentsize == sizeof(Elf64_Phdr) && eh.e_phnum && eh.e_phnum < PN_XNUM) {
		size_t len = (size_t)eh.e_phnum * sizeof(*ph);

		ph = malloc(len);
		if (ph && pread(d->fd, ph, len, (off_t)eh.e_phoff) != (ssize_t)len) {
			free(ph);
			ph = NULL;
		}
	}
	/* aliases first: the kernel text PT_LOAD comes first in /proc/vmcore */
	for (i = 0; ph && i < eh.e_phnum; i++) {
		int primary = 0;

		if (ph[i].p_type != PT_LOAD || !ph[i].p_memsz)
			continue;
		/*
		 * /proc/vmcore has one alias (the kernel text); every page
		 * checks every alias, so thousands made it quadratic. More
		 * than a few only repeat data the ranges already hold.
		 */
		if (w->nor >= ELF_MAX_ALIASES) {
			log_warnx("dumpfile: more than %d alias PT_LOADs in the source: leaving out the rest",
				  ELF_MAX_ALIASES);
			break;
		}
		for (k = 0; k < d->nr_ranges; k++)
			if (d->ranges[k].paddr == ph[i].p_paddr &&
			    d->ranges[k].memsz == ph[i].p_memsz &&
			    d->ranges[k].vaddr == ph[i].p_vaddr)
				primary = 1;
		if (primary)
			continue;
		/* must lie inside what the ranges cover, or it is not an alias */
		ret = add_orange(w, ph[i].p_paddr, ph[i].p_vaddr, ph[i].p_memsz);
		if (ret)
			goto out;
	}
	for (k = 0; k < d->nr_ranges; k++) {
		const struct dump_range *r = &d->ranges[k];
		int dup = 0;

		/* a range the reader trimmed out of an alias: the alias covers it */
		for (i = 0; i < w->nor; i++)
			if (w->or[i].paddr <= r->paddr &&
			    r->paddr + r->memsz <= w->or[i].paddr + w->or[i].memsz &&
			    r->vaddr - r->paddr == w->or[i].vaddr - w->or[i].paddr)
				dup = 1;
		if (!dup) {
			ret = add_orange(w, r->paddr, r->vaddr, r->memsz);
			if (ret)
				goto out;
		}
	}
	ret = 0;
out:
	free(ph);
	return ret;
}

/* Number of output PT_LOADs holding pfn. */
static uint64_t cover(const struct ew *w, uint64_t pfn)
{
	uint64_t c = 0;
	int i;

	for (i = 0; i < w->nor; i++)
		c += pfn >= w->or[i].pfirst && pfn < w->or[i].pend;
	return c ? c : 1;
}

/* Maximal pfn spans covered by the ranges (overlaps and adjacency merged). */
struct span {
	uint64_t first, end;
};

static int build_spans(struct ew *w, struct span **out, int *n)
{
	struct dump *d = w->j->d;
	struct span *sp;
	int i, k = 0;

	sp = calloc((size_t)d->nr_ranges + 1, sizeof(*sp));
	if (!sp)
		return -ENOMEM;
	for (i = 0; i < d->nr_ranges; i++) {
		uint64_t f = d->ranges[i].paddr / w->ps;
		uint64_t e = (d->ranges[i].paddr + d->ranges[i].memsz + w->ps - 1) / w->ps;

		if (e > d->max_pfn)
			e = d->max_pfn;
		if (f >= e)
			continue;
		if (k && f <= sp[k - 1].end) {
			if (e > sp[k - 1].end)
				sp[k - 1].end = e;
			continue;
		}
		sp[k].first = f;
		sp[k].end = e;
		k++;
	}
	*out = sp;
	*n = k;
	return 0;
}

/*
 * Header cost of splitting at each gap the filter made: hist[k] sums the
 * cover() of run starts after a gap of 2^k .. 2^(k+1)-1 pages; *first the
 * cost of the first run of every span (always a new PT_LOAD).
 */
static void gap_histogram(struct ew *w, const struct span *sp, int nsp,
			  uint64_t hist[64], uint64_t *first)
{
	const uint8_t *bm = w->j->f->keep;
	int i;

	memset(hist, 0, 64 * sizeof(hist[0]));
	*first = 0;
	for (i = 0; i < nsp; i++) {
		uint64_t pfn = df_next_set(bm, sp[i].first, sp[i].end), end;
		int started = 0;

		while (pfn < sp[i].end) {
			end = df_next_clear(bm, pfn, sp[i].end);
			if (!started)
				*first += cover(w, pfn);
			started = 1;
			pfn = df_next_set(bm, end, sp[i].end);
			if (pfn < sp[i].end)
				hist[63 - __builtin_clzll(pfn - end)] += cover(w, pfn);
		}
	}
}

static int add_run(struct ew *w, uint64_t pfn)
{
	if (w->nruns == w->cap_runs) {
		size_t cap = w->cap_runs ? 2 * w->cap_runs : 256;
		struct run *r = realloc(w->runs, cap * sizeof(*r));

		if (!r)
			return -ENOMEM;
		w->runs = r;
		w->cap_runs = cap;
	}
	w->runs[w->nruns].pfn = pfn;
	w->runs[w->nruns].n = 0;
	w->runs[w->nruns].off = df_cache_pos(&w->data);
	w->nruns++;
	return 0;
}

/* Append one program header (zeroed, then these fields); -1 when ph is full. */
static int ph_add(Elf64_Phdr *ph, long *n, long max, uint64_t paddr, uint64_t vaddr,
		  uint64_t offset, uint64_t filesz, uint64_t memsz)
{
	if (*n >= max)
		return -1;
	memset(&ph[*n], 0, sizeof(ph[*n]));
	ph[*n].p_paddr = paddr;
	ph[*n].p_vaddr = vaddr;
	ph[*n].p_offset = offset;
	ph[*n].p_filesz = filesz;
	ph[*n].p_memsz = memsz;
	(*n)++;
	return 0;
}

/*
 * Program headers of one output range, clipped at limit (bytes), from the
 * runs. Appends to ph (room for max entries); returns the count or -1.
 */
static long range_phdrs(const struct ew *w, const struct orange *o, uint64_t limit,
			Elf64_Phdr *ph, long at, long max)
{
	uint64_t a = o->paddr, b = o->paddr + o->memsz, ps = w->ps, cur = a;
	size_t lo = 0, hi = w->nruns;
	long n = at;

	if (b > limit)
		b = limit;
	if (a >= b)
		return at;
	/* first run ending after a */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if ((w->runs[mid].pfn + w->runs[mid].n) * ps <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < w->nruns && w->runs[lo].pfn * ps < b; lo++) {
		const struct run *r = &w->runs[lo];
		uint64_t s = r->pfn * ps > a ? r->pfn * ps : a;
		uint64_t e = (r->pfn + r->n) * ps < b ? (r->pfn + r->n) * ps : b;

		if (s >= e)
			continue;
		if (s > cur) {
			if (n == at) {		/* left out at the start */
				if (ph_add(ph, &n, max, a, o->vaddr, 0, 0, s - a))
					return -1;
			} else {
				ph[n - 1].p_memsz = s - ph[n - 1].p_paddr;
			}
		}
		if (ph_add(ph, &n, max, s, o->vaddr + (s - a),
			   r->off + (s - r->pfn * ps), e - s, e - s))
			return -1;
		cur = e;
	}
	if (n == at) {				/* nothing stored */
		if (ph_add(ph, &n, max, a, o->vaddr, 0, 0, b - a))
			return -1;
	} else if (cur < b) {
		ph[n - 1].p_memsz = b - ph[n - 1].p_paddr;
	}
	return n;
}

/*
 * Write the program headers and then the ELF header. limit: end of what
 * is described (bytes of physical memory), data_end: end of the data in
 * the file.
 */
static int finish(struct ew *w, uint64_t reserved, uint64_t shdr_off, uint64_t notes_off,
		  uint64_t limit, uint64_t data_end, int incomplete)
{
	struct dump *d = w->j->d;
	Elf64_Phdr *ph, *run;
	Elf64_Ehdr eh;
	long n = 0, k;
	int i, ret;

	/* runs with what is left out after them folded into p_memsz... */
	run = calloc(reserved / 2 + 1, sizeof(*run));
	ph = calloc(reserved + 3, sizeof(*ph));	/* + the section header room */
	if (!run || !ph) {
		free(run);
		free(ph);
		return -ENOMEM;
	}
	for (i = 0; i < w->nor && n >= 0; i++)
		n = range_phdrs(w, &w->or[i], limit, run, n, (long)reserved / 2);
	if (n < 0) {
		free(run);
		free(ph);
		return -EOVERFLOW;	/* a bug in the header budget */
	}
	/* ...then split: the data, and an empty PT_LOAD for the rest */
	ph[0].p_type = PT_NOTE;
	ph[0].p_offset = notes_off;
	ph[0].p_filesz = d->notes_len;
	ph[0].p_memsz = d->notes_len;
	for (k = 0, i = 1; k < n; k++) {
		Elf64_Phdr r = run[k];

		if (r.p_filesz) {
			ph[i] = r;
			ph[i].p_memsz = r.p_filesz;
			i++;
		}
		if (r.p_memsz > r.p_filesz) {
			memset(&ph[i], 0, sizeof(ph[i]));
			ph[i].p_paddr = r.p_paddr + r.p_filesz;
			ph[i].p_vaddr = r.p_vaddr + r.p_filesz;
			ph[i].p_offset = data_end;
			ph[i].p_memsz = r.p_memsz - r.p_filesz;
			i++;
		}
	}
	free(run);
	n = i;
	for (i = 1; i < n; i++) {
		ph[i].p_type = PT_LOAD;
		ph[i].p_flags = PF_R | PF_W | PF_X;
		/* p_align 0: crash takes it for a kdump (not netdump) core */
	}
	ret = df_sink_write(w->s, sizeof(eh), ph, (size_t)n * sizeof(*ph));
	/*
	 * Flat: the unused header room as zeros too, so that the stream is
	 * no smaller than the file (crash compares the two).
	 */
	if (!ret && w->s->flat) {
		uint64_t from = sizeof(eh) + (uint64_t)n * sizeof(*ph);
		uint64_t to = n < PN_XNUM ? notes_off : shdr_off;

		if (to > from) {
			memset(ph, 0, to - from);	/* ph holds reserved + 1 */
			ret = df_sink_write(w->s, from, ph, to - from);
		}
	}
	free(ph);
	if (ret)
		return ret;

	if (!w->s->flat && !incomplete &&
	    fdatasync(w->s->fd) && errno != EINVAL && errno != EROFS)
		return -errno;

	memset(&eh, 0, sizeof(eh));
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_ident[EI_OSABI] = ELFOSABI_NONE;
	eh.e_type = ET_CORE;
	eh.e_machine = EM_X86_64;
	eh.e_version = EV_CURRENT;
	eh.e_phoff = sizeof(eh);
	eh.e_flags = incomplete ? DUMP_ELF_INCOMPLETE : 0;
	eh.e_ehsize = sizeof(eh);
	eh.e_phentsize = sizeof(Elf64_Phdr);
	if (n < PN_XNUM) {
		eh.e_phnum = (Elf64_Half)n;
	} else {
		Elf64_Shdr sh;

		/* extended numbering: the count in section header 0 */
		memset(&sh, 0, sizeof(sh));
		sh.sh_type = SHT_NULL;
		sh.sh_size = 1;
		sh.sh_info = (Elf64_Word)n;
		ret = df_sink_write(w->s, shdr_off, &sh, sizeof(sh));
		if (ret)
			return ret;
		eh.e_phnum = PN_XNUM;
		eh.e_shoff = shdr_off;
		eh.e_shentsize = sizeof(sh);
		eh.e_shnum = 1;
	}
	return df_sink_write(w->s, 0, &eh, sizeof(eh));
}

uint64_t dumpfile_elf_overhead(struct df_job *j)
{
	uint64_t ps = j->d->page_size;

	/* a guess at the runs: one per 64 pages kept, at most RUNS_MAX */
	uint64_t runs = j->f->nr_keep / 64 + 1024;

	if (runs > RUNS_MAX)
		runs = RUNS_MAX;
	return sizeof(Elf64_Ehdr) + 2 * (runs + ZERO_RUNS_MAX) * sizeof(Elf64_Phdr) +
	       sizeof(Elf64_Shdr) + j->d->notes_len + ps;
}

int dumpfile_elf_write(struct df_job *j, struct df_sink *s)
{
	struct dump *d = j->d;
	const uint8_t *bm = j->f->keep;
	uint64_t ps = d->page_size, hist[64], first, P, T, E, margin, zero_room;
	uint64_t reserved, runs_max, shdr_off, notes_off, data_off, used = 0, p_rem, limit;
	uint64_t maxc = 1;
	int zero_pages = j->level & FILTER_ZERO;
	struct span *sp = NULL;
	struct df_src src;
	struct ew w;
	int nsp = 0, i, k, ret;
	unsigned char *head = NULL;

	memset(&w, 0, sizeof(w));
	memset(&src, 0, sizeof(src));
	w.j = j;
	w.s = s;
	w.ps = ps;
	ret = build_oranges(&w);
	if (!ret)
		ret = build_spans(&w, &sp, &nsp);
	if (ret)
		goto out;

	/* header budget */
	for (i = 0; i < w.nor; i++) {
		uint64_t c = cover(&w, w.or[i].pfirst);

		if (c > maxc)
			maxc = c;
	}
	E = (uint64_t)w.nor;
	margin = (uint64_t)nsp * maxc;
	gap_histogram(&w, sp, nsp, hist, &first);
	for (k = __builtin_ctzll(GAP_MIN); k < 40; k++) {
		uint64_t m;

		P = first;
		for (m = (uint64_t)k; m < 64; m++)
			P += hist[m];
		if (E + margin + P <= RUNS_MAX)
			break;
	}
	/* counted in runs; each run may need a second header for its gap */
	T = 1ULL << k;
	zero_room = zero_pages ? j->f->nr_keep / T + 1 : 0;
	if (zero_room > ZERO_RUNS_MAX)
		zero_room = ZERO_RUNS_MAX;
	runs_max = E + margin + P + zero_room;
	reserved = 2 * runs_max;
	limit = runs_max - E;
	p_rem = P;
	log_debug("elf: %d ranges, gaps >= %llu pages split, %llu program headers reserved",
		  w.nor, (unsigned long long)T, (unsigned long long)reserved);

	shdr_off = sizeof(Elf64_Ehdr) + (reserved + 1) * sizeof(Elf64_Phdr);
	notes_off = shdr_off + sizeof(Elf64_Shdr);	/* room for PN_XNUM */
	data_off = (notes_off + d->notes_len + ps - 1) / ps * ps;
	if (data_off == notes_off)
		data_off += ps;		/* never an empty write */

	/*
	 * Seekable output: a provisional header (PT_NOTE only, incomplete)
	 * and the header room written now, so the room is allocated before
	 * the data can fill the disk.
	 */
	if (!s->flat) {
		Elf64_Ehdr eh;
		Elf64_Phdr note;

		head = calloc(1, notes_off);
		if (!head) {
			ret = -ENOMEM;
			goto out;
		}
		memset(&eh, 0, sizeof(eh));
		memcpy(eh.e_ident, ELFMAG, SELFMAG);
		eh.e_ident[EI_CLASS] = ELFCLASS64;
		eh.e_ident[EI_DATA] = ELFDATA2LSB;
		eh.e_ident[EI_VERSION] = EV_CURRENT;
		eh.e_type = ET_CORE;
		eh.e_machine = EM_X86_64;
		eh.e_version = EV_CURRENT;
		eh.e_phoff = sizeof(eh);
		eh.e_flags = DUMP_ELF_INCOMPLETE;
		eh.e_ehsize = sizeof(eh);
		eh.e_phentsize = sizeof(Elf64_Phdr);
		eh.e_phnum = 1;
		memset(&note, 0, sizeof(note));
		note.p_type = PT_NOTE;
		note.p_offset = notes_off;
		note.p_filesz = note.p_memsz = d->notes_len;
		memcpy(head, &eh, sizeof(eh));
		memcpy(head + sizeof(eh), &note, sizeof(note));
		ret = df_sink_write(s, 0, head, notes_off);
		if (ret)
			goto out;
	}
	/* the notes, and zeros up to the first page of data */
	free(head);
	head = calloc(1, data_off - notes_off);
	if (!head) {
		ret = -ENOMEM;
		goto out;
	}
	if (d->notes_len)
		memcpy(head, d->notes, d->notes_len);
	ret = df_sink_write(s, notes_off, head, data_off - notes_off);
	if (ret)
		goto out;

	ret = df_src_init(&src, d);
	if (!ret)
		ret = df_cache_init(&w.data, s, data_off, DATA_CACHE);
	if (ret)
		goto out;

	for (i = 0; i < nsp && !ret; i++) {
		uint64_t pfn = df_next_set(bm, sp[i].first, sp[i].end), end, prev_end = 0;
		int open = 0, first_in_span = 1;

		for (; pfn < sp[i].end && !ret; pfn = df_next_set(bm, end, sp[i].end)) {
			int pp = first_in_span || pfn - prev_end >= T;
			uint64_t p = pfn;

			end = df_next_clear(bm, pfn, sp[i].end);
			if (pp)
				p_rem -= cover(&w, pfn);
			first_in_span = 0;
			prev_end = end;

			while (p < end && !ret) {
				const unsigned char *data;
				long m = df_src_pages(&src, p, end - p, &data), q;

				if (m < 0 && m != -ENOMEM)
					m = df_src_pages(&src, p, 1, &data);
				if (m == -ENOMEM) {
					ret = -ENOMEM;
					break;
				}
				if (m < 0) {
					/* stored as left out (reads as zero) */
					if (!w.bad++)
						log_errno((int)-m, "elf: cannot read pfn 0x%llx: left out",
							  (unsigned long long)p);
					p++;
					continue;
				}
				for (q = 0; q < m && !ret; q++, p++) {
					const unsigned char *pg = data + (uint64_t)q * ps;
					struct run *r;
					uint64_t gap;

					if (zero_pages && df_page_is_zero(pg, ps)) {
						j->st->pages_zero++;
						continue;
					}
					r = open ? &w.runs[w.nruns - 1] : NULL;
					gap = r ? p - (r->pfn + r->n) : 0;
					if (!r || (gap >= T && used + cover(&w, p) + p_rem <= limit)) {
						ret = add_run(&w, p);
						if (ret)
							break;
						used += cover(&w, p);
						open = 1;
						r = &w.runs[w.nruns - 1];
					} else if (gap) {
						/* a short gap: zeros in the run */
						ret = df_cache_zero(&w.data, gap * ps);
						if (ret)
							break;
						r->n += gap;
						j->st->pages_dumped += gap;
					}
					ret = df_cache_put(&w.data, pg, ps);
					if (ret)
						break;
					r->n++;
					j->st->pages_dumped++;
				}
				df_progress(j, j->done + (uint64_t)m);
			}
		}
	}
	if (!ret)
		ret = df_cache_flush(&w.data);
	if (ret) {
		/* best effort: describe what reached the disk, marked incomplete */
		if (!s->flat && ret != -ENOMEM) {
			uint64_t stop = 0;
			size_t n;

			for (n = 0; n < w.nruns; n++) {
				struct run *r = &w.runs[n];

				if (r->off + r->n * ps > w.data.durable)
					r->n = r->off < w.data.durable ?
						(w.data.durable - r->off) / ps : 0;
				if (r->n)
					stop = (r->pfn + r->n) * ps;
				else
					break;
			}
			w.nruns = n;
			finish(&w, reserved, shdr_off, notes_off, stop, w.data.durable, 1);
		}
		goto out;
	}
	if (w.bad)
		log_warnx("elf: %llu pages could not be read: the dump says it is incomplete",
			  (unsigned long long)w.bad);
	ret = finish(&w, reserved, shdr_off, notes_off, UINT64_MAX, df_cache_pos(&w.data),
		     w.bad != 0);
out:
	free(head);
	free(sp);
	free(w.or);
	free(w.runs);
	df_cache_free(&w.data);
	df_src_free(&src);
	return ret;
}
