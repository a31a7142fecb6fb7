# e2fsprogs, the LIBRARIES only: libext2fs (read/write ext4 without mounting) and libcom_err
# (its error codes), for -lext2fs -lcom_err. No program of e2fsprogs is built.
# Source: Debian's e2fsprogs, pinned in scripts/sources.lock, fetched by scripts/fetch-source.
# Product: $(SYSROOT)/lib/lib{ext2fs,com_err}.a, $(SYSROOT)/include/{ext2fs,et}/ (with the
# generated ext2_err.h and ext2_types.h). libext2fs needs neither libuuid nor libblkid.
E2FS_VER := $(call srcver,e2fsprogs)
E2FS_SRC := $(B)/src/e2fsprogs-$(E2FS_VER)
E2FS_OUT := $(B)/pkg/e2fsprogs-$(E2FS_VER)

# Everything off that the two libraries do not need or musl does not have:
#  --disable-nls          no gettext: messages stay English
#  --disable-elf-shlibs   static archives only
#  --disable-backtrace    execinfo.h is glibc-only
#  --without-pthread      parallel bitmap loading: not worth threads in the capture kernel
#  --disable-tdb          undo files are a host-tool feature
#  --disable-bmap-stats --disable-testio-debug    debugging aids
#  --disable-{fuse2fs,debugfs,imager,resizer,defrag,uuidd}   programs we never build
E2FS_CONFIGURE := --disable-nls --disable-elf-shlibs --disable-backtrace --without-pthread \
	--disable-tdb --disable-bmap-stats --disable-testio-debug \
	--disable-fuse2fs --disable-debugfs --disable-imager --disable-resizer --disable-defrag \
	--disable-uuidd

$(E2FS_SRC)/.kcap-unpacked:
	scripts/fetch-source e2fsprogs

# Out-of-tree configure, then only lib/et and lib/ext2fs. ext2_err.h is generated and
# lib/ext2fs does not order it before its objects: make it first, then build in parallel.
$(SYSROOT)/lib/libext2fs.a: $(E2FS_SRC)/.kcap-unpacked scripts/pkg/e2fsprogs.mk | $(UAPI)/.stamp
	rm -rf $(E2FS_OUT) && mkdir -p $(E2FS_OUT)
	cd $(E2FS_OUT) && CC=$(MUSL_CC) CFLAGS="$(PKG_CFLAGS)" \
		$(CURDIR)/$(E2FS_SRC)/configure --prefix=$(CURDIR)/$(SYSROOT) $(E2FS_CONFIGURE) \
		>configure.log 2>&1 || { tail -n 20 $(E2FS_OUT)/configure.log; exit 1; }
	$(MAKE) -C $(E2FS_OUT)/lib/et V=0 install >/dev/null
	$(MAKE) -C $(E2FS_OUT)/lib/ext2fs V=0 ext2_err.h crc32c_table.h
	$(MAKE) -C $(E2FS_OUT)/lib/ext2fs V=0 install >/dev/null
	touch $@

$(SYSROOT)/lib/libcom_err.a: $(SYSROOT)/lib/libext2fs.a
