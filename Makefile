# SCiPNET build.  `make` builds bin/scipnet-server, bin/scipnet and bin/deepwell (and
# names the Debian packages to install when a library is missing); `make deps` installs
# them; `make test` runs every test; `make demo` builds and runs the demo system (both
# call `deps` first); `make install` / `make uninstall` (PREFIX, DESTDIR).
#
# Every module directory is a static library; a program is its main plus the
# libraries it needs.  New .c files are picked up by wildcard, so adding a module
# never means editing this file.

PKGS      := sqlite3 libpq libsodium openssl libevent libevent_openssl libevent_pthreads jansson inih ncursesw
DEB_PKGS  := build-essential pkg-config libsqlite3-dev libsodium-dev libssl-dev libevent-dev \
             libjansson-dev libinih-dev libxml2-dev libcmocka-dev libncurses-dev sqlite3 tmux python3 openssl \
             libpq-dev postgresql valgrind clang libclang-rt-14-dev mandoc systemd libmd4c-dev
# The Debian package that ships each pkg-config module, for `make`'s missing-library report.
PKG_DEBS  := sqlite3:libsqlite3-dev libpq:libpq-dev libsodium:libsodium-dev openssl:libssl-dev \
             libevent:libevent-dev libevent_openssl:libevent-dev libevent_pthreads:libevent-dev \
             jansson:libjansson-dev inih:libinih-dev ncursesw:libncurses-dev libxml-2.0:libxml2-dev \
             md4c:libmd4c-dev
# libxml2 parses the wiki's HTML on import: only deepwell/io (and so only the deepwell
# command) uses it, so it is kept out of PKGS and the server never links it.
IO_PKGS   := libxml-2.0
# md4c parses section markdown for the client's renderer (art/document.c): only bin/scipnet
# (and the client and art tests) link it.
DOC_PKGS  := md4c

# `make install` layout.  The service unit and sysusers.d entry go where systemd looks
# for a local install; the configuration in /etc unless SYSCONFDIR says otherwise.
PREFIX      ?= /usr/local
BINDIR      ?= $(PREFIX)/bin
MANDIR      ?= $(PREFIX)/share/man
DOCDIR      ?= $(PREFIX)/share/doc/scipnet
SYSCONFDIR  ?= /etc
UNITDIR     ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
INSTALLED   := scipnet-server scipnet deepwell
MAN_PAGES   := man/scipnet.1 man/scipnet.conf.5 man/scipnet-server.8 man/deepwell.8

BUILD     ?= build
CC        ?= cc
CSTD      := -std=c11 -D_GNU_SOURCE
WARN      := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wno-unused-parameter
OPT       ?= -O2 -g
SAN_FLAGS :=
ifeq ($(SAN),1)
  BUILD    := build-asan
  OPT      := -O1 -g -fno-omit-frame-pointer
  SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined
endif

# pkg-config is only asked once the dependencies are present (see `deps`).
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CMOCKA_LIBS = $(shell pkg-config --libs cmocka 2>/dev/null)
IO_CFLAGS  = $(shell pkg-config --cflags $(IO_PKGS) 2>/dev/null)
IO_LIBS    = $(shell pkg-config --libs $(IO_PKGS) 2>/dev/null)
DOC_CFLAGS = $(shell pkg-config --cflags $(DOC_PKGS) 2>/dev/null)
DOC_LIBS   = $(shell pkg-config --libs $(DOC_PKGS) 2>/dev/null)

CFLAGS  += $(CSTD) $(WARN) $(OPT) $(SAN_FLAGS) -I. $(PKG_CFLAGS) -MMD -MP
LDFLAGS += $(SAN_FLAGS)
LDLIBS  += $(PKG_LIBS) -lpthread -lm

# Module libraries.  A directory's main.c (and deepwell/admin) is a program, not library code.
COMMON_SRC   := $(wildcard common/*.c)
DEEPWELL_SRC := $(wildcard deepwell/*.c)
# Data interchange (import, export, demo content): only the deepwell command links it.
DEEPWELL_IO_SRC := $(wildcard deepwell/io/*.c)
ADMIN_SRC    := $(wildcard deepwell/admin/*.c)
SERVER_SRC   := $(filter-out server/main.c,$(wildcard server/*.c))
CLIENT_SRC   := $(filter-out client/main.c,$(wildcard client/*.c))
ART_SRC      := $(wildcard art/*.c)
BENCH_SRC    := $(wildcard bench/*.c)

objs = $(patsubst %.c,$(BUILD)/%.o,$(1))

LIB_COMMON   := $(BUILD)/libcommon.a
LIB_DEEPWELL := $(BUILD)/libdeepwell.a
LIB_DEEPWELL_IO := $(BUILD)/libdeepwell_io.a
LIB_SERVER   := $(BUILD)/libserver.a
LIB_CLIENT   := $(BUILD)/libclient.a
LIB_ART      := $(BUILD)/libart.a
ALL_LIBS     := $(LIB_SERVER) $(LIB_CLIENT) $(LIB_ART) $(LIB_DEEPWELL_IO) $(LIB_DEEPWELL) $(LIB_COMMON)

BIN_DIR := $(if $(filter 1,$(SAN)),$(BUILD)/bin,bin)
PROGRAMS := $(BIN_DIR)/scipnet-server $(BIN_DIR)/scipnet $(BIN_DIR)/deepwell \
            $(BIN_DIR)/scipnet-bench

UNIT_SRC   := $(wildcard tests/unit/test_*.c)
UNIT_BINS  := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))

.PHONY: all deps libs test unit unit-asan e2e tui demo demo-wiki bench fuzz format clean check-format \
        install uninstall
all: libs
	@$(MAKE) --no-print-directory programs

programs: $(PROGRAMS)

# Only reports: names the Debian packages of missing libraries (`make deps` installs them).
libs:
	@command -v pkg-config >/dev/null || { \
	  echo "make: pkg-config is missing: sudo apt-get install build-essential pkg-config" \
	       "(or sudo make deps)" >&2; exit 1; }; \
	missing=""; for m in $(PKG_DEBS); do \
	  pkg-config --exists $${m%%:*} || case " $$missing " in *" $${m#*:} "*) ;; \
	    *) missing="$$missing $${m#*:}";; esac; done; \
	if [ -n "$$missing" ]; then \
	  echo "make: missing libraries: sudo apt-get install$$missing (or sudo make deps)" >&2; \
	  exit 1; fi

# Installs the Debian packages the build and tests need, once; a no-op when present.
deps:
	@missing=""; for p in $(DEB_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "deps: installing$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null || exit 1; \
	fi

$(LIB_COMMON):   $(call objs,$(COMMON_SRC))
$(LIB_DEEPWELL): $(call objs,$(DEEPWELL_SRC))
$(LIB_DEEPWELL_IO): $(call objs,$(DEEPWELL_IO_SRC))
$(LIB_SERVER):   $(call objs,$(SERVER_SRC))
$(LIB_CLIENT):   $(call objs,$(CLIENT_SRC))
$(LIB_ART):      $(call objs,$(ART_SRC))
$(BUILD)/%.a:
	@mkdir -p $(@D)
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/deepwell/io/%.o: CFLAGS += $(IO_CFLAGS)
$(BUILD)/art/%.o: CFLAGS += $(DOC_CFLAGS)

$(BIN_DIR)/scipnet-server: $(BUILD)/server/main.o $(LIB_SERVER) $(LIB_DEEPWELL) $(LIB_COMMON)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BIN_DIR)/deepwell: $(call objs,$(ADMIN_SRC)) $(LIB_DEEPWELL_IO) $(LIB_DEEPWELL) $(LIB_COMMON)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(IO_LIBS)

$(BIN_DIR)/scipnet: $(BUILD)/client/main.o $(LIB_CLIENT) $(LIB_ART) $(LIB_COMMON)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(DOC_LIBS)

# The bench speaks the protocol with its own small TLS code, so it needs no client library.
$(BIN_DIR)/scipnet-bench: $(call objs,$(BENCH_SRC)) $(LIB_COMMON)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# A unit test links the libraries its name prefix says it tests:
#   test_dw_*  deepwell (test_dw_import*, test_dw_demo* also deepwell/io)   test_srv_*  server
#   test_cli_* / test_art_*  client and art   test_common_*  common only.
test_libs = $(strip \
  $(if $(filter test_dw_import% test_dw_demo%,$(1)),$(LIB_DEEPWELL_IO) $(LIB_DEEPWELL) $(LIB_COMMON), \
  $(if $(filter test_dw_%,$(1)),$(LIB_DEEPWELL) $(LIB_COMMON), \
  $(if $(filter test_srv_%,$(1)),$(LIB_SERVER) $(LIB_DEEPWELL) $(LIB_COMMON), \
  $(if $(filter test_cli_% test_art_%,$(1)),$(LIB_CLIENT) $(LIB_ART) $(LIB_COMMON), \
  $(LIB_COMMON))))))

.SECONDEXPANSION:
$(BUILD)/tests/%: tests/unit/%.c $$(call test_libs,$$*)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(call test_libs,$*) $(LDLIBS) $(CMOCKA_LIBS) \
	  $(if $(filter test_dw_import% test_dw_demo%,$*),$(IO_LIBS)) \
	  $(if $(filter test_cli_% test_art_%,$*),$(DOC_LIBS))

unit-bins: $(UNIT_BINS)

# ---- tests -------------------------------------------------------------------
# tests/run.sh runs each suite, prints its results and the closing summary line.
test: deps
	@$(MAKE) --no-print-directory programs unit-bins
	@$(MAKE) --no-print-directory SAN=1 programs unit-bins
	@bash tests/run.sh all

unit: deps
	@$(MAKE) --no-print-directory programs unit-bins
	@bash tests/run.sh unit

unit-asan: deps
	@$(MAKE) --no-print-directory SAN=1 programs unit-bins
	@bash tests/run.sh unit-asan

e2e: deps
	@$(MAKE) --no-print-directory programs
	@bash tests/run.sh e2e

tui: deps
	@$(MAKE) --no-print-directory programs
	@bash tests/run.sh tui

# ---- demo ----------------------------------------------------------------------
DEMO_DIR ?= demo-data
DEMO_JOBS ?= $(shell nproc 2>/dev/null || echo 2)
# In parallel and quietly: the compiler's lines go to a log, shown only when the build fails.
demo: deps
	@mkdir -p $(BUILD); echo "demo: building with $(DEMO_JOBS) jobs (log: $(BUILD)/demo-build.log)"
	@$(MAKE) --no-print-directory -j$(DEMO_JOBS) programs >$(BUILD)/demo-build.log 2>&1 || \
	  { tail -n 40 $(BUILD)/demo-build.log; echo "demo: the build failed"; exit 1; }
	@bash scripts/demo.sh $(DEMO_DIR)

# `make demo-wiki DIR=.../items`: the demo with a downloaded scp-data dump imported into it.
demo-wiki: deps
	@test -n "$(DIR)" || { echo "usage: make demo-wiki DIR=path/to/scp-data/items" >&2; exit 2; }
	@$(MAKE) --no-print-directory programs
	@mkdir -p $(DEMO_DIR)
	@test -f $(DEMO_DIR)/deepwell.db || $(BIN_DIR)/deepwell init --db $(DEMO_DIR)/deepwell.db --demo
	@$(BIN_DIR)/deepwell --db $(DEMO_DIR)/deepwell.db import --format scp-data "$(DIR)"
	@bash scripts/demo.sh $(DEMO_DIR)

bench: deps
	@$(MAKE) --no-print-directory programs
	@bash bench/run.sh

fuzz:
	@bash tests/fuzz/run.sh

# ---- install -------------------------------------------------------------------
# The configuration is installed only when none is there, and removed only when it is
# still the sample: an operator's edits are never overwritten or lost.
CONF := $(DESTDIR)$(SYSCONFDIR)/scipnet/scipnet.conf
install: $(addprefix bin/,$(INSTALLED))
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
	  $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(DOCDIR) $(DESTDIR)$(UNITDIR) \
	  $(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(SYSCONFDIR)/scipnet
	install -m 0755 $(addprefix bin/,$(INSTALLED)) $(DESTDIR)$(BINDIR)/
	for page in $(MAN_PAGES); do \
	  install -m 0644 $$page $(DESTDIR)$(MANDIR)/man$${page##*.}/ || exit 1; done
	sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
	  dist/scipnet-server.service.in >$(DESTDIR)$(UNITDIR)/scipnet-server.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/scipnet-server.service
	install -m 0644 dist/scipnet.sysusers $(DESTDIR)$(SYSUSERSDIR)/scipnet.conf
	install -m 0644 dist/scipnet.conf $(DESTDIR)$(DOCDIR)/scipnet.conf.sample
	@if [ -e $(CONF) ]; then echo "install: keeping $(CONF) (the sample is in $(DOCDIR))"; \
	else install -m 0644 dist/scipnet.conf $(CONF); fi

uninstall:
	rm -f $(addprefix $(DESTDIR)$(BINDIR)/,$(INSTALLED)) \
	  $(foreach p,$(MAN_PAGES),$(DESTDIR)$(MANDIR)/man$(subst .,,$(suffix $(p)))/$(notdir $(p))) \
	  $(DESTDIR)$(UNITDIR)/scipnet-server.service $(DESTDIR)$(SYSUSERSDIR)/scipnet.conf \
	  $(DESTDIR)$(DOCDIR)/scipnet.conf.sample
	@if cmp -s dist/scipnet.conf $(CONF); then rm -f $(CONF); \
	elif [ -e $(CONF) ]; then echo "uninstall: keeping $(CONF): it was changed"; fi
	-@rmdir $(DESTDIR)$(DOCDIR) $(DESTDIR)$(SYSCONFDIR)/scipnet 2>/dev/null || true

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

check-format:
	clang-format --dry-run -Werror $$(git ls-files '*.c' '*.h')

clean:
	rm -rf build build-asan bin

-include $(shell find build build-asan -name '*.d' 2>/dev/null)
