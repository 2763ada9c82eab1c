# apsim -- build, test, demo, install. `make help` lists the targets.
SHELL := /bin/bash
PREFIX ?= /usr/local
# The version is written once, in include/apsim.h.
VERSION := $(shell awk '/^\#define APSIM_VERSION_(MAJOR|MINOR|PATCH) /{v = v s $$3; s = "."} END {print v}' include/apsim.h)
SONAME := libapsim.so.0
RELEASE_FLAGS := -c release -Xswiftc -static-stdlib -Xswiftc -use-ld=lld \
	-Xlinker --version-script=$(CURDIR)/apsim.map -Xlinker -soname=$(SONAME)
LIBDIR := $(CURDIR)/.build/release
LIB := $(LIBDIR)/libapsim.so
CC ?= cc
CFLAGS ?= -std=c99 -O2 -Wall -Wextra -Werror
VALGRIND := valgrind --quiet --error-exitcode=9 --leak-check=full --show-leak-kinds=definite,indirect --errors-for-leak-kinds=definite,indirect

.PHONY: help all deps lib cli install demo test test-swift test-c test-python test-install examples check-exports models models-update fuzz corpus bench bench-files clean

help:
	@echo "make lib       build .build/release/libapsim.so (static Swift stdlib, apsim_* exports only)"
	@echo "make cli       build build/bin/apsim (serve, validate, call)"
	@echo "make install   PREFIX=/usr/local: the library, header, pkg-config file and apsim"
	@echo "make demo      build the library and the C examples, and run them"
	@echo "make test      Swift tests, C tests under valgrind, pytest for the Python binding"
	@echo "make models    regenerate the shape tables from the service models in models/"
	@echo "make models-update  copy the installed botocore's service models into models/, regenerate"
	@echo "make fuzz      fuzz the C ABI with libFuzzer + ASan (FUZZ_SECONDS=60)"
	@echo "make bench     benchmarks vs moto, the Stubber and a jansson floor (BENCH_ARGS=--markdown BENCHMARKS.md)"

all: lib

# C toolchain pieces the demo and the tests need; installed with apt-get when missing (as root).
deps:
	@missing=""; [ -f /usr/include/jansson.h ] || missing="$$missing libjansson-dev"; \
	 command -v valgrind >/dev/null || missing="$$missing valgrind"; \
	 command -v pkg-config >/dev/null || missing="$$missing pkg-config"; \
	 if [ -n "$$missing" ]; then \
	   if [ "$$(id -u)" = 0 ]; then echo "installing$$missing"; apt-get update -qq && apt-get install -y -qq $$missing >/dev/null; \
	   else echo "please install:$$missing (e.g. sudo apt-get install$$missing)"; exit 1; fi; fi

lib:
	swift build $(RELEASE_FLAGS) --product apsim
	@ln -sf libapsim.so $(LIBDIR)/$(SONAME)

# The `apsim` executable (serve, validate, call): its own package, so SwiftNIO never reaches
# libapsim.so. Linked with the static Swift stdlib like the library.
CLI_BUILD := cli/.build/release/apsim-cli
# (The build plan is dropped first: SwiftPM reuses a path dependency's cached source list, so a
# file added to Sources/ApsimCore would otherwise be missing from the CLI's build until a clean.)
cli:
	rm -f cli/.build/release.yaml
	cd cli && swift build -c release --static-swift-stdlib --product apsim-cli
	@mkdir -p build/bin && cp $(CLI_BUILD) build/bin/apsim

# make install PREFIX=/some/prefix: lib/libapsim.so.<version> with its SONAME and dev links,
# include/apsim.h, lib/pkgconfig/apsim.pc and bin/apsim.
install: lib cli
	install -d $(PREFIX)/lib/pkgconfig $(PREFIX)/include $(PREFIX)/bin
	install -m 755 $(LIB) $(PREFIX)/lib/libapsim.so.$(VERSION)
	ln -sf libapsim.so.$(VERSION) $(PREFIX)/lib/$(SONAME)
	ln -sf $(SONAME) $(PREFIX)/lib/libapsim.so
	install -m 644 include/apsim.h $(PREFIX)/include/apsim.h
	sed -e 's|@PREFIX@|$(abspath $(PREFIX))|' -e 's|@VERSION@|$(VERSION)|' apsim.pc.in > $(PREFIX)/lib/pkgconfig/apsim.pc
	install -m 755 build/bin/apsim $(PREFIX)/bin/apsim

# C programs link against the build folder and find libapsim.so.0 there at run time.
C_LINK = -Iinclude -L$(LIBDIR) -Wl,-rpath,$(LIBDIR) -lapsim

examples/c/bin/%: examples/c/%.c examples/c/demo.h include/apsim.h lib deps
	@mkdir -p examples/c/bin
	$(CC) $(CFLAGS) $< -o $@ $(C_LINK) -ljansson

tests/c/bin/%: tests/c/%.c tests/c/check.h tests/c/json_path.h include/apsim.h lib deps
	@mkdir -p tests/c/bin
	$(CC) $(CFLAGS) -pthread $< -o $@ $(C_LINK) -ljansson

EXAMPLES := $(patsubst examples/c/%.c,examples/c/bin/%,$(wildcard examples/c/*.c))
C_TESTS := $(patsubst tests/c/%.c,tests/c/bin/%,$(wildcard tests/c/*.c))

examples: $(EXAMPLES)

demo: examples
	@for p in $(EXAMPLES); do echo "== $$p"; $$p || exit 1; done

check-exports: lib
	@bad=$$(nm -D --defined-only $(LIB) | awk '{print $$3}' | grep -v '^apsim_' | grep -vE '^(_edata|_end|__bss_start|_init|_fini)?$$' || true); \
	 if [ -n "$$bad" ]; then echo "unexpected exports: $$bad"; exit 1; fi
	@if ldd $(LIB) | grep -qi swift; then echo "libapsim.so needs the Swift runtime:"; ldd $(LIB); exit 1; fi
	@readelf -d $(LIB) | grep -q "SONAME.*$(SONAME)" || { echo "SONAME missing"; exit 1; }
	@echo "exports, SONAME and dependencies ok: $$(nm -D --defined-only $(LIB) | grep -c ' apsim_') apsim_* functions"

test-swift:
	swift test --disable-xctest

# Under valgrind the 64 MiB request case is skipped and the stress test runs small; both run
# natively at full size in tools/run-tests.sh.
test-c: $(C_TESTS) check-exports
	@for t in $(C_TESTS); do echo "== $$t (valgrind)"; APSIM_UNDER_VALGRIND=1 APSIM_STRESS_CALLS=300 $(VALGRIND) $$t || exit 1; done
	@for p in $(EXAMPLES); do echo "== $$p (valgrind)"; $(VALGRIND) $$p > /dev/null || exit 1; done

# The Python suite includes the end-to-end tests of `apsim serve` (build/bin/apsim).
# Two workers when pytest-xdist is installed (the serve and AWS CLI tests mostly wait on processes).
PYTEST_WORKERS := $(shell python3 -c "import xdist" 2>/dev/null && echo "-n 2")

test-python: lib cli
	cd bindings/python && APSIM_LIBRARY=$(LIB) APSIM_CLI=$(CURDIR)/build/bin/apsim python3 -m pytest -q -p no:benchmark $(PYTEST_WORKERS) tests

test-install: lib cli
	bash tests/install/test_install.sh

# Every suite, each runner's summary, and one closing "total: N passed, N failed" line.
test: deps
	tools/run-tests.sh

# The tables are generated from the models committed in models/ (hermetic); models-update copies
# the installed botocore's models in first (then review the diff and run the tests).
models:
	python3 tools/gen_models.py

models-update:
	python3 tools/gen_models.py --update

# libFuzzer with AddressSanitizer over the C ABI (apsim_call for every operation, apsim_http,
# apsim_validate), from the committed corpus: make fuzz FUZZ_SECONDS=600
FUZZ_SECONDS ?= 60
fuzz:
	tools/fuzz.sh $(FUZZ_SECONDS)

corpus: lib
	python3 tools/gen_fuzz_corpus.py

# Benchmarks (not timed tests; about 5 minutes): the table on stdout. To regenerate the document:
#   make bench BENCH_ARGS="--markdown BENCHMARKS.md"   (BENCH_ARGS=--quick: a 35 s smoke run)
BENCH_ARGS ?=
bench: lib deps
	bench/run.sh $(BENCH_ARGS)

# The file data plane's benchmarks (issue 25; pip install pyfakefs first): apsim beside pyfakefs and tmpfs.
bench-files: lib
	PYTHONPATH=bindings/python APSIM_LIBRARY=$(LIB) python3 bench/python/bench_files.py

clean:
	rm -rf .build .build-fuzz .build-tsan .build-asan cli/.build build examples/c/bin tests/c/bin
