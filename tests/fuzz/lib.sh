# tests/fuzz/lib.sh - builds the libFuzzer targets; sourced by run.sh and replay.sh.
#
# The project's sources are compiled straight from the tree with clang and the
# fuzzing sanitizers into tests/fuzz/build/obj/ (never build/ or build-asan/), one
# object per source, rebuilt when the source or a header changed.  Objects are
# grouped into one archive per module, so a target links only what it uses and a
# half-written file elsewhere in a module breaks only the targets that need it.

FUZZ_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$FUZZ_DIR/../.." && pwd)
FUZZ_BUILD=${FUZZ_BUILD:-$FUZZ_DIR/build}
FUZZ_CC=${FUZZ_CC:-clang}

# Every target, and the modules it links (archives, most dependent first).
FUZZ_TARGETS=(fuzz_markup fuzz_config fuzz_urlname fuzz_textfile fuzz_refs fuzz_request fuzz_import fuzz_reply)
FUZZ_TARGETS+=(fuzz_vis fuzz_search fuzz_scpdata fuzz_document)
fuzz_modules() {
    case "$1" in
        fuzz_markup)   echo "server common" ;;
        fuzz_config)   echo "common" ;;
        fuzz_urlname)  echo "deepwell/io deepwell common" ;;
        fuzz_textfile) echo "server deepwell/io deepwell common" ;;
        fuzz_refs)     echo "common" ;;
        fuzz_request)  echo "server deepwell common" ;;
        fuzz_import)   echo "deepwell/io deepwell common" ;;
        fuzz_search)   echo "deepwell common" ;;
        fuzz_scpdata)  echo "deepwell/io deepwell common" ;;
        fuzz_vis)      echo "common" ;;
        fuzz_reply)    echo "client art common" ;;
        fuzz_document) echo "art common" ;;
        *) return 1 ;;
    esac
}

# The pkg-config packages the Makefile builds with (ncursesw is the client's only);
# one that is not installed is left out, so it breaks only the sources that need it.
FUZZ_PKGS=$(sed -n 's/^PKGS *:= *//p' "$ROOT/Makefile" | sed 's/\bncursesw\b//')
# libxml2: deepwell/io's HTML parser (IO_PKGS, kept out of PKGS so the server never links it)
FUZZ_PKGS="$FUZZ_PKGS $(sed -n 's/^IO_PKGS *:= *//p' "$ROOT/Makefile")"
# md4c: the client's document renderer (DOC_PKGS, likewise kept from the server)
FUZZ_PKGS="$FUZZ_PKGS $(sed -n 's/^DOC_PKGS *:= *//p' "$ROOT/Makefile")"
[ -n "$FUZZ_PKGS" ] ||
    FUZZ_PKGS="sqlite3 libpq libsodium openssl libevent libevent_openssl libevent_pthreads jansson inih"
FUZZ_PKGS=$(for p in $FUZZ_PKGS; do pkg-config --exists "$p" 2>/dev/null && printf '%s ' "$p"; done)
FUZZ_SAN="-fsanitize=address,undefined -fno-sanitize-recover=all"
FUZZ_CFLAGS="-std=c11 -D_GNU_SOURCE -O1 -g -fno-omit-frame-pointer -Wall -Wextra -Wno-unused-parameter -I$ROOT"

fuzz_have_clang() {
    command -v "$FUZZ_CC" >/dev/null 2>&1 && return 0
    echo "fuzz: $FUZZ_CC not found; installing clang" >&2
    local sudo=; [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get install -y -qq clang >/dev/null && command -v "$FUZZ_CC" >/dev/null 2>&1
}

# Checks once that -fsanitize=fuzzer links (libFuzzer is in libclang-rt-<N>-dev on Debian).
fuzz_check_link() {
    local t; t=$(mktemp -d)
    printf '#include <stdint.h>\n#include <stddef.h>\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n){(void)d;(void)n;return 0;}\n' >"$t/x.c"
    if ! "$FUZZ_CC" -fsanitize=fuzzer,address "$t/x.c" -o "$t/x" 2>/dev/null; then
        local v; v=$("$FUZZ_CC" -dumpversion | cut -d. -f1)
        echo "fuzz: -fsanitize=fuzzer does not link; installing libclang-rt-$v-dev" >&2
        local sudo=; [ "$(id -u)" = 0 ] || sudo=sudo
        $sudo apt-get install -y -qq "libclang-rt-$v-dev" >/dev/null || { rm -rf "$t"; return 1; }
        "$FUZZ_CC" -fsanitize=fuzzer,address "$t/x.c" -o "$t/x" || { rm -rf "$t"; return 1; }
    fi
    rm -rf "$t"
}

# Compiles one module's sources (main.c excluded) into build/obj/<module>/ and
# archives the objects that compiled into build/lib<module>.a (deepwell/io: libdeepwell_io.a).
fuzz_lib() { echo "$FUZZ_BUILD/lib${1//\//_}.a"; }
fuzz_build_module() {
    local mod=$1 src obj dep objs=() failed=0
    local pkgcflags; pkgcflags=$(pkg-config --cflags $FUZZ_PKGS 2>/dev/null)
    mkdir -p "$FUZZ_BUILD/obj/$mod"
    for src in "$ROOT/$mod"/*.c; do
        [ "$(basename "$src")" = main.c ] && continue
        obj=$FUZZ_BUILD/obj/$mod/$(basename "${src%.c}").o
        dep=${obj%.o}.d
        if [ ! -f "$obj" ] || [ "$src" -nt "$obj" ] || fuzz_dep_newer "$dep" "$obj"; then
            if ! $FUZZ_CC $FUZZ_CFLAGS $FUZZ_SAN -fsanitize=fuzzer-no-link $pkgcflags \
                 -MMD -MF "$dep" -c "$src" -o "$obj" 2>"$obj.log"; then
                echo "fuzz: warning: $mod/$(basename "$src") does not compile (targets needing it will not link):" >&2
                head -5 "$obj.log" >&2
                rm -f "$obj"
                failed=1
                continue
            fi
        fi
        objs+=("$obj")
    done
    rm -f "$(fuzz_lib "$mod")"
    ar rcs "$(fuzz_lib "$mod")" "${objs[@]}"
    return 0
}

# True when a header listed in the .d file is newer than the object.
fuzz_dep_newer() {
    local dep=$1 obj=$2 f
    [ -f "$dep" ] || return 0
    for f in $(sed -e 's/^[^:]*://' -e 's/\\$//' "$dep"); do
        [ "$f" = ":" ] && continue
        [ -f "$f" ] && [ "$f" -nt "$obj" ] && return 0
    done
    return 1
}

# Builds tests/fuzz/build/<target>.  Modules are built once per script run.
declare -A FUZZ_BUILT_MODULES=()
fuzz_build_target() {
    local t=$1 mod libs=()
    local mods; mods=$(fuzz_modules "$t") || { echo "fuzz: unknown target $t" >&2; return 1; }
    for mod in $mods; do
        if [ -z "${FUZZ_BUILT_MODULES[$mod]:-}" ]; then
            fuzz_build_module "$mod" || return 1
            FUZZ_BUILT_MODULES[$mod]=1
        fi
        libs+=("$(fuzz_lib "$mod")")
    done
    local pkgcflags pkglibs
    pkgcflags=$(pkg-config --cflags $FUZZ_PKGS 2>/dev/null)
    pkglibs=$(pkg-config --libs $FUZZ_PKGS 2>/dev/null)
    $FUZZ_CC $FUZZ_CFLAGS -Werror $FUZZ_SAN -fsanitize=fuzzer $pkgcflags \
        "$FUZZ_DIR/$t.c" "${libs[@]}" $pkglibs -lpthread -lm -o "$FUZZ_BUILD/$t"
}
