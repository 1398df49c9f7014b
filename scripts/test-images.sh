#!/usr/bin/env bash
# Builds the images the tests and benchmarks run, locally: no public registry is reachable. Each is built
# once and then found by its tag.
# - `wharf-test/busybox`: Debian's busybox-static (sh, sleep, httpd, nc, wget, ...) as the whole root.
# - `wharf-test/awscli`: a minimal Debian (debootstrap's minbase) with Debian's `awscli`, the unchanged AWS
#   CLI that task-role tests run inside tasks.
set -euo pipefail

has_image() { docker image inspect "$1" >/dev/null 2>&1; }
root=  # the root file system being built, removed however the script ends
trap 'rm -rf --one-file-system "$root"' EXIT

busybox_image() {
  local image=wharf-test/busybox:latest busybox=/bin/busybox  # from Debian's busybox-static, which scripts/setup.mjs installs
  has_image "$image" && return
  root=$(mktemp -d)
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
  rm -rf --one-file-system "$root"
  echo "built $image"
}

awscli_image() {
  local image=wharf-test/awscli:latest
  has_image "$image" && return
  local mirror=${WHARF_DEBIAN_MIRROR:-http://deb.debian.org/debian}
  root=$(mktemp -d)
  # Trixie's awscli (2.23) reads AWS_ENDPOINT_URL, which Wharf gives tasks; bookworm's (2.9) predates it.
  # The downloaded packages are kept, so a rebuild does not fetch them again. debootstrap does not resolve
  # virtual packages: python3-cffi-backend provides the ABI python3-cryptography depends on.
  mkdir -p /var/cache/wharf-debootstrap
  debootstrap --variant=minbase --include=awscli,python3-cffi-backend --cache-dir=/var/cache/wharf-debootstrap \
    trixie "$root" "$mirror" >/dev/null
  rm -rf "$root"/usr/share/{doc,man,info,locale} "$root"/var/cache/apt/* "$root"/var/lib/apt/lists/* "$root"/var/log/*
  tar -C "$root" -c . | docker import --change 'CMD ["bash"]' \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' - "$image" >/dev/null
  rm -rf --one-file-system "$root"
  echo "built $image"
}

busybox_image
awscli_image
