#!/bin/sh
# ./shimssl deb: builds the Debian package with Debian's own tools
# (dpkg-buildpackage, debhelper's meson build system) from a copy of the
# source tree, so the tree itself gets no debian/ directory and no build
# output beside it.  Prints the path of the .deb.
#
# usage: build_deb.sh SOURCE_ROOT OUTDIR
#   OUTDIR receives the .deb (and the -dbgsym .deb, .buildinfo, .changes and
#   build.log); the copied tree is removed when the build succeeds.
# The version is meson.build's, with the commit's date and id when the tree
# is a git checkout (0.1.0+git20261204.5c618a7); DEBFULLNAME and DEBEMAIL
# name the builder in the changelog.
set -eu
root=$1
mkdir -p "$2"
out=$(cd "$2" && pwd)

version=$(sed -n "s/^ *version *: *'\([^']*\)'.*/\1/p" "$root/meson.build" | head -n 1)
[ -n "$version" ] || { echo "shimssl deb: no version in $root/meson.build" >&2; exit 1; }
note="Built from a source tree without git."
stamp=$(date -R)
if git -C "$root" rev-parse --verify -q HEAD >/dev/null 2>&1; then
    commit=$(git -C "$root" rev-parse --short HEAD)
    version="$version+git$(git -C "$root" log -1 --format=%cd --date=format:%Y%m%d).$commit"
    stamp=$(git -C "$root" log -1 --format=%cd --date=rfc2822)
    note="Built from commit $commit."
    [ -z "$(git -C "$root" status --porcelain --untracked-files=no)" ] \
        || note="Built from commit $commit with uncommitted changes."
fi

src=$out/shimssl-$version
rm -rf "$src"
mkdir -p "$src"
# The files a commit would hold (tracked and new, not ignored): no build
# directories.  Without git, everything but build*/ and .git.
if git -C "$root" rev-parse --git-dir >/dev/null 2>&1; then
    (cd "$root" && git ls-files -z --cached --others --exclude-standard \
        | tar --null --ignore-failed-read -T - -cf - 2>/dev/null) | tar -xf - -C "$src"
else
    (cd "$root" && tar --exclude='./build*' --exclude=./.git -cf - .) | tar -xf - -C "$src"
fi
cp -R "$src/packaging/debian" "$src/debian"
cat >"$src/debian/changelog" <<CHANGELOG
shimssl ($version) unstable; urgency=medium

  * $note

 -- ${DEBFULLNAME:-shimssl maintainers} <${DEBEMAIL:-shimssl@localhost}>  $stamp
CHANGELOG

echo "shimssl deb: building $version in $src (log: $out/build.log)" >&2
if ! (cd "$src" && DEB_BUILD_OPTIONS="nocheck parallel=$(nproc) ${DEB_BUILD_OPTIONS:-}" \
        dpkg-buildpackage -b -us -uc) >"$out/build.log" 2>&1; then
    tail -n 40 "$out/build.log" >&2
    echo "shimssl deb: dpkg-buildpackage failed (whole log: $out/build.log)" >&2
    exit 1
fi
rm -rf "$src"
deb=$out/shimssl_${version}_$(dpkg --print-architecture).deb
[ -f "$deb" ] || { echo "shimssl deb: $deb was not made" >&2; exit 1; }
echo "$deb"
