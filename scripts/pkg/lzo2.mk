# lzo2: LZO1X-1 for the kdump-compressed pages of `core_collector makedumpfile -l`
# (-llzo2, -DKCAP_WITH_LZO; collector/dumpfile_kdump.c). Reading LZO needs none of it
# (collector/dump_unpack.c has its own decoder).
# Source: Debian's lzo2, pinned in scripts/sources.lock, fetched by scripts/fetch-source.
# Product: $(SYSROOT)/lib/liblzo2.a, $(SYSROOT)/include/lzo/{lzoconf,lzodefs,lzo1x}.h.
LZO2_VER := $(call srcver,lzo2)
LZO2_SRC := $(B)/src/lzo2-$(LZO2_VER)
LZO2_OUT := $(B)/pkg/lzo2-$(LZO2_VER)

# -O2, not -Os: like libdeflate's, this is the hot path of a capture. Measured: the 38478
# non-zero pages of a 256 MB QEMU vmcore, each lzo1x_1_compress()ed 4 times, 3 runs each on
# a shared 2-core host: 0.47-0.48 s CPU at -O2 against 0.51-0.54 s at -Os (~7% slower);
# lzo1x_1.o is 1703 against 1276 bytes of text, the stripped kcap the same size (342120).
# A whole `kcap save -l -d 31` of that vmcore takes ~0.1 s, too short to tell them apart.
LZO2_CFLAGS := $(filter-out -Os,$(PKG_CFLAGS)) -O2

$(LZO2_SRC)/.kcap-unpacked:
	scripts/fetch-source lzo2

# Its autoconf build makes the whole library (every LZO variant, compress and decompress):
# compile only what lzo1x_1_compress() and lzo_init() need, static only. lzodefs.h detects
# the compiler and target itself; no config.h.
LZO2_OBJS := lzo1x_1 lzo_init
$(SYSROOT)/lib/liblzo2.a: $(LZO2_SRC)/.kcap-unpacked scripts/pkg/lzo2.mk | $(UAPI)/.stamp
	rm -rf $(LZO2_OUT) && mkdir -p $(LZO2_OUT) $(SYSROOT)/lib $(SYSROOT)/include/lzo
	set -e; for o in $(LZO2_OBJS); do \
		echo "  CC $(LZO2_SRC)/src/$$o.c"; \
		$(MUSL_CC) $(LZO2_CFLAGS) -I$(LZO2_SRC)/include -I$(LZO2_SRC) \
			-c -o $(LZO2_OUT)/$$o.o $(LZO2_SRC)/src/$$o.c; \
	done
	rm -f $@.tmp && ar crD $@.tmp $(LZO2_OUT)/*.o && mv $@.tmp $@
	cp $(LZO2_SRC)/include/lzo/lzoconf.h $(LZO2_SRC)/include/lzo/lzodefs.h \
		$(LZO2_SRC)/include/lzo/lzo1x.h $(SYSROOT)/include/lzo/
