# shellcheck shell=sh
# Sourced by configure (kept out of configure.ac so the generated configure
# stays small).  Finds Wine's dll directories and loader, and whether the
# i386 transport can be built and run here.  In: WINE, WINEDIR (from
# --with-wine-libdir), HOST_CC, PKG_CONFIG.  Out: WINEDIR, WINEDIR32,
# WINE64_LOADER, I386_BUILD_SKIP, I386_RUN_SKIP, I386_GNUTLS_CFLAGS,
# I386_GNUTLS_LIBS (a *_SKIP is empty when that part works, else the reason).
wh_root=
if test -n "$WINE"; then
  wh_root=`readlink -f "$WINE" 2>/dev/null`
  wh_root=`dirname "$wh_root"`
  wh_root=`dirname "$wh_root"`
fi
printf %s "checking for Wine's dll directory... "
if test -z "$WINEDIR"; then
  for wh_d in "$wh_root/lib/x86_64-linux-gnu/wine" "$wh_root/lib64/wine" "$wh_root/lib/wine" \
              /usr/lib/x86_64-linux-gnu/wine /usr/lib64/wine /usr/lib/wine /usr/local/lib/wine; do
    if test -f "$wh_d/x86_64-unix/ntdll.so" && test -d "$wh_d/x86_64-windows"; then WINEDIR=$wh_d; break; fi
  done
fi
echo "${WINEDIR:-not found (make install needs WINEDIR=DIR or --with-wine-libdir=DIR)}"

printf %s "checking for Wine's i386 dll directory... "
WINEDIR32=
for wh_d in "$wh_root/lib/i386-linux-gnu/wine" "$wh_root/lib32/wine" "$WINEDIR" \
            /usr/lib/i386-linux-gnu/wine /usr/lib32/wine /usr/lib/wine; do
  if test -n "$wh_d" && test -f "$wh_d/i386-unix/ntdll.so"; then WINEDIR32=$wh_d; break; fi
done
echo "${WINEDIR32:-none}"

printf %s "checking for the wine64 loader... "
WINE64_LOADER=
for wh_f in "$WINEDIR/../../wine/wine64" "$wh_root/lib/wine/wine64" "$wh_root/bin/wine64" "$wh_root/bin/wine"; do
  if test -x "$wh_f" && head -c 4 "$wh_f" 2>/dev/null | grep -q ELF; then
    WINE64_LOADER=`readlink -f "$wh_f"`
    break
  fi
done
echo "${WINE64_LOADER:-not found}"

printf %s "checking whether the i386 transport can be built... "
I386_BUILD_SKIP=
I386_GNUTLS_CFLAGS=
I386_GNUTLS_LIBS=
wh_pc32="PKG_CONFIG_LIBDIR=/usr/lib/i386-linux-gnu/pkgconfig:/usr/lib32/pkgconfig"
# Debian 12: libgnutls28-dev:i386 is often not installable next to the amd64
# toolchain, but GnuTLS's headers are the same for every architecture: with
# no i386 pkg-config data, take the host's include flags and link the i386
# runtime (libgnutls30:i386) by path.  Checked below by building, loading
# and running a 32-bit program against it.
wh_gnutls32_lib() {
  for wh_l in /usr/lib/i386-linux-gnu/libgnutls.so.30 /usr/lib32/libgnutls.so.30 \
              /lib/i386-linux-gnu/libgnutls.so.30 /usr/lib/libgnutls.so.30; do
    if test -f "$wh_l" && od -An -tx1 -j4 -N2 "$wh_l" 2>/dev/null | grep -q '01 01' \
       && od -An -tu2 -j18 -N2 "$wh_l" 2>/dev/null | grep -qw 3; then   # ELF32, EM_386
      echo "$wh_l"; return 0
    fi
  done
  return 1
}
printf 'int main(void) { return 0; }\n' >conftest_m32.c
if ! $HOST_CC -m32 -o conftest_m32 conftest_m32.c >/dev/null 2>&1; then
  I386_BUILD_SKIP="gcc -m32 cannot link (Debian: gcc-multilib)"
elif env $wh_pc32 $PKG_CONFIG --exists gnutls 2>/dev/null; then
  I386_GNUTLS_CFLAGS=`env $wh_pc32 $PKG_CONFIG --cflags gnutls`
  I386_GNUTLS_LIBS=`env $wh_pc32 $PKG_CONFIG --libs gnutls`
elif ! wh_l=`wh_gnutls32_lib`; then
  I386_BUILD_SKIP="no i386 GnuTLS runtime (Debian: libgnutls30:i386, with dpkg --add-architecture i386)"
elif ! $PKG_CONFIG --exists gnutls 2>/dev/null; then
  I386_BUILD_SKIP="no GnuTLS headers (Debian: libgnutls28-dev)"
else
  I386_GNUTLS_CFLAGS=`$PKG_CONFIG --cflags gnutls`
  I386_GNUTLS_LIBS=$wh_l
fi
if test -z "$I386_BUILD_SKIP"; then
  # the headers must not be newer than the i386 library we run with
  cat >conftest_m32.c <<'EOF_M32'
#include <stdio.h>
#include <gnutls/gnutls.h>
int main(void)
{
    gnutls_global_init();
    if (!gnutls_check_version(GNUTLS_VERSION)) { printf("%s < %s\n", gnutls_check_version(NULL), GNUTLS_VERSION); return 1; }
    return 0;
}
EOF_M32
  if ! $HOST_CC -m32 -Wl,--no-undefined $I386_GNUTLS_CFLAGS -o conftest_m32 conftest_m32.c $I386_GNUTLS_LIBS >/dev/null 2>&1; then
    I386_BUILD_SKIP="gcc -m32 cannot link GnuTLS ($I386_GNUTLS_LIBS)"
  elif ! wh_v=`./conftest_m32 2>&1`; then
    I386_BUILD_SKIP="a 32-bit program linked with $I386_GNUTLS_LIBS does not run${wh_v:+: $wh_v}"
  elif ! $HOST_CC -m32 -o conftest_m32 conftest_m32.c $I386_GNUTLS_LIBS -l:libz.so.1 >/dev/null 2>&1; then
    I386_BUILD_SKIP="gcc -m32 cannot link zlib (Debian: zlib1g:i386)"
  fi
fi
if test -n "$I386_BUILD_SKIP"; then I386_GNUTLS_CFLAGS=; I386_GNUTLS_LIBS=; fi
rm -f conftest_m32 conftest_m32.c
echo "${I386_BUILD_SKIP:-yes}"

printf %s "checking whether 32-bit programs can run... "
I386_RUN_SKIP=
if test -z "$WINEDIR32"; then
  I386_RUN_SKIP="no i386 Wine (Debian: wine32:i386, see DESIGN.md's 32-bit section)"
elif test -n "$I386_BUILD_SKIP"; then
  I386_RUN_SKIP="no i386 transport: $I386_BUILD_SKIP"
fi
echo "${I386_RUN_SKIP:-yes}"
