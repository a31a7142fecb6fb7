# libdeflate: whole-buffer deflate for the kdump-compressed pages the collector writes
# (-ldeflate, -DKCAP_LIBDEFLATE; collector/dumpfile_kdump.c). zlib stays for reading and
# for the streaming formats.
# Source: Debian's libdeflate, pinned in scripts/sources.lock, fetched by scripts/fetch-source.
# Product: $(SYSROOT)/lib/libdeflate.a, $(SYSROOT)/include/libdeflate.h.
LIBDEFLATE_VER := $(call srcver,libdeflate)
LIBDEFLATE_SRC := $(B)/src/libdeflate-$(LIBDEFLATE_VER)
LIBDEFLATE_OUT := $(B)/pkg/libdeflate-$(LIBDEFLATE_VER)

# -O2, not the -Os of everything else: page compression is the hot path of a capture.
# Measured with `kcap save -c -d 31` of a 256 MB QEMU vmcore (16 MB out), medians of 3 runs
# back to back on a shared 2-core host: -Os takes 0.42 s (0.36 s CPU) against 0.35 s
# (0.29 s CPU) at -O2, i.e. -Os costs ~20% wall, ~24% CPU (~33%/42% in a noisier run of 5);
# -O2 costs 8 KiB of stripped kcap (338024 against 329832 bytes).
# Upstream's own flags otherwise: C99, hidden symbols, no POSIX extensions in the library.
LIBDEFLATE_CFLAGS := $(filter-out -Os,$(PKG_CFLAGS)) -O2 -fomit-frame-pointer -std=c99 \
	-fvisibility=hidden -D_ANSI_SOURCE

$(LIBDEFLATE_SRC)/.kcap-unpacked:
	scripts/fetch-source libdeflate

# Its Makefile also builds the shared library and programs: compile lib/*.c and the x86
# CPU-feature code (run-time dispatch to SSE2/AVX2/PCLMUL) ourselves, static only.
$(SYSROOT)/lib/libdeflate.a: $(LIBDEFLATE_SRC)/.kcap-unpacked scripts/pkg/libdeflate.mk \
		| $(UAPI)/.stamp
	rm -rf $(LIBDEFLATE_OUT) && mkdir -p $(LIBDEFLATE_OUT) $(SYSROOT)/lib $(SYSROOT)/include
	set -e; for c in $(LIBDEFLATE_SRC)/lib/*.c $(LIBDEFLATE_SRC)/lib/x86/*.c; do \
		o=$(LIBDEFLATE_OUT)/$$(basename $$(dirname $$c))-$$(basename $$c .c).o; \
		echo "  CC $$c"; \
		$(MUSL_CC) $(LIBDEFLATE_CFLAGS) -I$(LIBDEFLATE_SRC) -c -o $$o $$c; \
	done
	rm -f $@.tmp && ar crD $@.tmp $(LIBDEFLATE_OUT)/*.o && mv $@.tmp $@
	cp $(LIBDEFLATE_SRC)/libdeflate.h $(SYSROOT)/include/libdeflate.h
