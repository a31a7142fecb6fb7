# zlib: deflate for the kdump-compressed pages the collector writes (-lz).
# Source: Debian's zlib, pinned in scripts/sources.lock, fetched by scripts/fetch-source.
# Product: $(SYSROOT)/lib/libz.a, $(SYSROOT)/include/{zlib,zconf}.h.
ZLIB_VER := $(call srcver,zlib)
ZLIB_SRC := $(B)/src/zlib-$(ZLIB_VER)
ZLIB_OUT := $(B)/pkg/zlib-$(ZLIB_VER)

$(ZLIB_SRC)/.kcap-unpacked:
	scripts/fetch-source zlib

# zlib's own configure, out of tree. --static: libz.a only, no libz.so.
# Stays at -Os: with libdeflate compressing the pages, zlib only reads compressed input and
# -O2 gained nothing measurable on `kcap save -c -d 31` (256 MB vmcore: 0.35 s either way,
# median of 3) for 4 KiB more kcap. Without libdeflate, -O2 was ~9% faster (0.73/0.80 s).
$(SYSROOT)/lib/libz.a: $(ZLIB_SRC)/.kcap-unpacked scripts/pkg/zlib.mk | $(UAPI)/.stamp
	rm -rf $(ZLIB_OUT) && mkdir -p $(ZLIB_OUT)
	cd $(ZLIB_OUT) && CC=$(MUSL_CC) CFLAGS="$(PKG_CFLAGS)" \
		$(CURDIR)/$(ZLIB_SRC)/configure --static --prefix=$(CURDIR)/$(SYSROOT) >configure.log
	$(MAKE) -C $(ZLIB_OUT) libz.a
	$(MAKE) -C $(ZLIB_OUT) install >/dev/null
	touch $@
