#!/usr/bin/env bash
# Builds the images the tests and benchmarks run, locally: no public registry is reachable. The root file
# system is Debian's busybox-static (sh, sleep, httpd, nc, wget, ...), imported as `wharf-test/busybox`.
set -euo pipefail
image=${1:-wharf-test/busybox:latest}
if docker image inspect "$image" >/dev/null 2>&1; then exit 0; fi
busybox=/bin/busybox  # from Debian's busybox-static, which scripts/setup.mjs installs
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,tmp,etc,proc,sys,dev,var/www}
cp "$busybox" "$root/bin/busybox"
for applet in $("$root/bin/busybox" --list); do
  [ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
done
echo 'root:x:0:0:root:/root:/bin/sh' > "$root/etc/passwd"
echo 'nobody:x:65534:65534:nobody:/:/bin/sh' >> "$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"
echo 'wharf' > "$root/var/www/index.html"
tar -C "$root" -c . | docker import --change 'CMD ["sh"]' --change 'ENV PATH=/bin:/sbin:/usr/bin:/usr/sbin' - "$image" >/dev/null
echo "built $image"
