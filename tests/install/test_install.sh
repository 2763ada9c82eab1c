#!/usr/bin/env bash
# End-to-end test of `make install`: installs into a temporary PREFIX, checks the files and the
# library links, builds a C program with the installed pkg-config file and runs it without
# LD_LIBRARY_PATH, runs the installed apsim, and checks that it needs no Swift runtime.
# Prints one final line "N passed, N failed" and exits non-zero when a check failed.
#
#   tests/install/test_install.sh                          # make install (builds lib and cli if stale)
#   APSIM_INSTALL_SKIP_BUILD=1 tests/install/test_install.sh   # install what is already built
#                                                          # (make -o lib -o cli: no Swift build)
set -uo pipefail
cd "$(dirname "$0")/../.."
VERSION=0.1.0

passed=0 failed=0
pass() { passed=$((passed + 1)); echo "ok: $1"; }
fail() { failed=$((failed + 1)); echo "FAIL: $1"; }
check() {  # check NAME COMMAND...: passes when the command succeeds
  local name=$1; shift
  if "$@"; then pass "$name"; else fail "$name"; fi
}
finish() {
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit $?
}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/apsim-install.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
PREFIX=$WORK/prefix

if ! command -v pkg-config >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing pkg-config"
    apt-get update -qq && apt-get install -y -qq pkg-config >/dev/null
  fi
fi

# 1. make install
make_args=(--no-print-directory install "PREFIX=$PREFIX")
[ "${APSIM_INSTALL_SKIP_BUILD:-0}" = 1 ] && make_args=(-o lib -o cli "${make_args[@]}")
if make "${make_args[@]}" >"$WORK/make.log" 2>&1; then
  pass "make ${make_args[*]}"
else
  fail "make ${make_args[*]}"
  tail -n 30 "$WORK/make.log"
  finish
fi

# 2. The installed files and links.
check "lib/libapsim.so.$VERSION is a regular executable file" \
  test -f "$PREFIX/lib/libapsim.so.$VERSION" -a ! -L "$PREFIX/lib/libapsim.so.$VERSION" -a -x "$PREFIX/lib/libapsim.so.$VERSION"
check "lib/libapsim.so.0 -> libapsim.so.$VERSION" test "$(readlink "$PREFIX/lib/libapsim.so.0")" = "libapsim.so.$VERSION"
check "lib/libapsim.so -> libapsim.so.0" test "$(readlink "$PREFIX/lib/libapsim.so")" = "libapsim.so.0"
check "lib/libapsim.so resolves to the versioned file" \
  test "$(readlink -f "$PREFIX/lib/libapsim.so")" = "$(readlink -f "$PREFIX/lib/libapsim.so.$VERSION")"
check "the library's SONAME is libapsim.so.0" \
  bash -c "readelf -d '$PREFIX/lib/libapsim.so.$VERSION' | grep -q 'SONAME.*\[libapsim.so.0\]'"
check "include/apsim.h is the repository's header" cmp -s include/apsim.h "$PREFIX/include/apsim.h"
check "include/apsim.h is not executable" test ! -x "$PREFIX/include/apsim.h"
check "lib/pkgconfig/apsim.pc exists" test -f "$PREFIX/lib/pkgconfig/apsim.pc"
check "apsim.pc has no unreplaced @PLACEHOLDERS@" bash -c "! grep -q '@[A-Z]*@' '$PREFIX/lib/pkgconfig/apsim.pc'"
check "apsim.pc names the prefix" grep -qx "prefix=$PREFIX" "$PREFIX/lib/pkgconfig/apsim.pc"
check "bin/apsim is executable" test -x "$PREFIX/bin/apsim"
check "bin/apsim is the built executable" cmp -s build/bin/apsim "$PREFIX/bin/apsim"

# 3. pkg-config, a C program linked against the installed library, run without LD_LIBRARY_PATH.
export PKG_CONFIG_PATH=$PREFIX/lib/pkgconfig
if command -v pkg-config >/dev/null; then
  check "pkg-config --modversion apsim is $VERSION" test "$(pkg-config --modversion apsim)" = "$VERSION"
  flags=$(pkg-config --cflags --libs apsim)
else
  fail "pkg-config is not installed"
  flags=""
fi
cat >"$WORK/prog.c" <<'EOF'
#include <stdio.h>
#include <string.h>
#include <apsim.h>

int main(void) {
    apsim *sim = NULL;
    char *out = NULL, *error = NULL;
    if (strcmp(apsim_version(), APSIM_VERSION_STRING) != 0) { fprintf(stderr, "version mismatch\n"); return 1; }
    if (apsim_open(&sim, "{\"seed\": 1, \"account_id\": \"111122223333\"}", &error) != 0) {
        fprintf(stderr, "apsim_open: %s\n", error ? error : "?");
        apsim_string_free(error);
        return 1;
    }
    int rc = apsim_call(&out, sim, "efs:CreateFileSystem", "{\"CreationToken\": \"installed\"}");
    printf("%d %s\n", rc, out ? out : "(null)");
    int ok = rc == 0 && out && strstr(out, "\"FileSystemId\":\"fs-") && strstr(out, "\"OwnerId\":\"111122223333\"");
    apsim_string_free(out);
    rc = apsim_call(&out, sim, "efs:DescribeFileSystems", "{\"FileSystemId\": \"fs-0123456789abcdef0\"}");
    printf("%d %s\n", rc, out ? out : "(null)");
    ok = ok && rc == 404 && out && strstr(out, "FileSystemNotFound");
    apsim_string_free(out);
    apsim_close(sim);
    return ok ? 0 : 1;
}
EOF
# shellcheck disable=SC2086  # $flags is a list of compiler flags
if ${CC:-cc} -std=c99 -Wall -Wextra -Werror "$WORK/prog.c" -o "$WORK/prog" $flags 2>"$WORK/cc.log"; then
  pass "cc prog.c \$(pkg-config --cflags --libs apsim)"
  check "the program needs libapsim.so.0 (dynamic link)" \
    bash -c "readelf -d '$WORK/prog' | grep -q 'NEEDED.*\[libapsim.so.0\]'"
  if (unset LD_LIBRARY_PATH; cd "$WORK" && ./prog >"$WORK/prog.out" 2>&1); then
    pass "the program opens a world and creates a file system (no LD_LIBRARY_PATH)"
  else
    fail "the program opens a world and creates a file system (no LD_LIBRARY_PATH)"
    cat "$WORK/prog.out"
  fi
  check "the program loads the installed library" \
    bash -c "env -u LD_LIBRARY_PATH ldd '$WORK/prog' | grep -q 'libapsim.so.0 => $PREFIX/lib/libapsim.so.0'"
else
  fail "cc prog.c \$(pkg-config --cflags --libs apsim)"
  cat "$WORK/cc.log"
fi

# 4. The installed executable.
check "\$PREFIX/bin/apsim --version prints $VERSION" test "$("$PREFIX/bin/apsim" --version 2>&1)" = "$VERSION"
out=$(echo '{"ClientToken": "t", "FileSystemId": "fs-0123456789abcdef0"}' | "$PREFIX/bin/apsim" validate efs:CreateAccessPoint -)
check "\$PREFIX/bin/apsim validate works" test "$out" = "valid"
ldd_out=$(ldd "$PREFIX/bin/apsim" 2>&1)
check "ldd \$PREFIX/bin/apsim lists no libswift" bash -c "! grep -qi 'libswift' <<<'$ldd_out'"
check "ldd \$PREFIX/bin/apsim finds every library" bash -c "! grep -q 'not found' <<<'$ldd_out'"
check "ldd of the installed library lists no libswift" \
  bash -c "! ldd '$PREFIX/lib/libapsim.so.$VERSION' | grep -qi libswift"

# 5. Installing again over the same prefix works (links are replaced, not nested).
if make "${make_args[@]}" >"$WORK/make2.log" 2>&1; then
  pass "make install twice"
else
  fail "make install twice"
  tail -n 20 "$WORK/make2.log"
fi
check "the links are unchanged after a second install" \
  test "$(readlink "$PREFIX/lib/libapsim.so")" = "libapsim.so.0" -a "$(readlink "$PREFIX/lib/libapsim.so.0")" = "libapsim.so.$VERSION"
check "nothing else was installed" \
  test "$(cd "$PREFIX" && find . \( -type f -o -type l \) | sort | tr '\n' ' ')" = \
  "./bin/apsim ./include/apsim.h ./lib/libapsim.so ./lib/libapsim.so.0 ./lib/libapsim.so.$VERSION ./lib/pkgconfig/apsim.pc "

finish
