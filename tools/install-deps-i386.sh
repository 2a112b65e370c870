#!/bin/sh
# Installs what the 32-bit (i386) build and tests need on Debian 12, as root:
# gcc-multilib, wine32:i386 and the i386 GnuTLS runtime (DESIGN.md, 32-bit).
# Called by tools/install-deps.sh.  Never fails: when something cannot be
# installed it prints one line "install-deps: i386: not installed: REASON"
# and exits 0; configure then skips the i386 pass and says why.
#
# The traps, measured on Debian 12 images:
#  - after `dpkg --add-architecture i386`, `apt-get update` may exit 100 (a
#    stale i386 index of bookworm-security) while everything needed is
#    there;
#  - libgstreamer-plugins-base1.0-0 is Multi-Arch: same, so its amd64 and
#    i386 packages must have the same version, but the security suite may
#    carry a newer amd64 one than i386 can get: we pin both to the newest
#    version both architectures have (apt-cache policy), which may be a
#    downgrade of the amd64 one (--allow-downgrades), and prefer bookworm's
#    own suite (-t bookworm);
#  - apt may offer to remove packages to satisfy i386 dependencies (it does
#    for libgnutls28-dev:i386, which is why we link the i386 runtime by path
#    and use the host's GnuTLS headers): we simulate first and install
#    nothing if the plan removes anything.
# --simulate: go through every step but install nothing (apt-get -s), even
# when everything is installed already; prints what it would install.
me="install-deps: i386"
simulate=
[ "$1" = --simulate ] && simulate=1
start=$(date +%s)
export DEBIAN_FRONTEND=noninteractive
log="${TMPDIR:-/tmp}/install-deps-i386.$$.log"
trap 'rm -f "$log"' EXIT

skip() { echo "$me: not installed: $*"; exit 0; }
pkg_ok() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed"; }
m32_ok() {
    printf 'int main(void) { return 0; }\n' | gcc -m32 -x c -o /dev/null - >/dev/null 2>&1
}

[ "$(dpkg --print-architecture 2>/dev/null)" = amd64 ] || skip "not an amd64 system"
if [ -z "$simulate" ] && pkg_ok wine32:i386 && pkg_ok libgnutls30:i386 && m32_ok; then
    echo "$me: already installed (wine32:i386, libgnutls30:i386, gcc -m32)"
    exit 0
fi

if ! dpkg --print-foreign-architectures | grep -qx i386; then
    [ -z "$simulate" ] || skip "simulated: i386 is not a foreign architecture yet (dpkg --add-architecture i386)"
    dpkg --add-architecture i386 || skip "dpkg --add-architecture i386 failed"
fi
apt-get update -q >"$log" 2>&1
rc=$?
# 100 is what a stale index gives; the install below tells whether it matters
[ "$rc" = 0 ] || [ "$rc" = 100 ] || skip "apt-get update exited with $rc: $(tail -n 1 "$log")"

# versions: the versions in `apt-cache policy PKG` output (the version
# table's "[***] VERSION PRIORITY" lines, not the "PRIORITY SOURCE" ones)
versions() {
    awk '/Version table:/ { t = 1; next }
         t { sub(/^ *\*\*\* /, ""); if (NF == 2 && $2 ~ /^-?[0-9]+$/) print $1 }'
}
gst=libgstreamer-plugins-base1.0-0
apt-cache policy "$gst:amd64" 2>/dev/null | versions | sort -u >"$log.amd64"
apt-cache policy "$gst:i386" 2>/dev/null | versions | sort -u >"$log.i386"
gstver=
for v in $(comm -12 "$log.amd64" "$log.i386"); do
    if [ -z "$gstver" ] || dpkg --compare-versions "$v" gt "$gstver"; then gstver=$v; fi
done
rm -f "$log.amd64" "$log.i386"
[ -n "$gstver" ] || skip "no version of $gst exists for both amd64 and i386 (apt-cache policy $gst)"

pkgs="gcc-multilib wine32:i386 libgnutls30:i386 $gst:amd64=$gstver $gst:i386=$gstver"
aptargs="-q -t bookworm --allow-downgrades --no-install-recommends"
# shellcheck disable=SC2086
if ! apt-get -s $aptargs install $pkgs >"$log" 2>&1; then
    skip "apt-get cannot resolve $pkgs: $(grep -E '^E:' "$log" | head -n 1)"
fi
removes=$(grep -c '^Remv ' "$log")
[ "$removes" = 0 ] || skip "apt would remove $removes package(s) ($(grep '^Remv ' "$log" | head -n 3 | cut -d' ' -f2 | tr '\n' ' '))"
if [ -n "$simulate" ]; then
    echo "$me: simulated: apt-get install $pkgs would install $(grep -c '^Inst ' "$log") package(s), remove none"
    exit 0
fi
# shellcheck disable=SC2086
if ! apt-get -y $aptargs install $pkgs >"$log" 2>&1; then
    skip "apt-get install failed: $(grep -E '^E:' "$log" | head -n 1)"
fi
pkg_ok wine32:i386 || skip "wine32:i386 is not installed after apt-get install"
m32_ok || skip "gcc -m32 still cannot link"
echo "$me: installed wine32:i386, libgnutls30:i386, gcc-multilib ($gst $gstver) in $(( $(date +%s) - start )) s"
