#!/usr/bin/env bash
# Installs every Debian 12 package fasterbench builds or runs with, and selects the
# OpenMP flavour of OpenBLAS for LibTorch. Idempotent: when everything is present it
# prints one line and changes nothing.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libmujoco-dev libqhull-dev
  libtorch-dev libopenblas0-openmp
  libopencv-dev libeigen3-dev libyaml-cpp-dev libfmt-dev libspdlog-dev
  libcli11-dev nlohmann-json3-dev libtbb-dev libhdf5-dev libicu-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libgl-dev libopengl-dev libosmesa6-dev
  libegl-dev libegl1 libegl-mesa0 libgl1-mesa-dri
  libmsgpack-dev libwebsocketpp-dev libasio-dev
  libopenmpi-dev openmpi-bin
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null; then sudo_cmd=(sudo); else
    echo "setup: ${#missing[@]} packages missing and not root (no sudo): ${missing[*]}" >&2
    [[ ${#missing[@]} -eq 0 ]] || exit 2
  fi
fi

if [[ ${#missing[@]} -gt 0 ]]; then
  echo "setup: installing ${#missing[@]} Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -q
  "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# LibTorch links libblas.so.3 through Debian alternatives; the netlib reference BLAS
# makes it 15-25x slower. Pin the OpenMP flavour (it shares torch's libgomp pool).
arch_dir=/usr/lib/x86_64-linux-gnu
for lib in libblas.so.3 liblapack.so.3; do
  want="$arch_dir/openblas-openmp/$lib"
  name="$lib-x86_64-linux-gnu"
  current=$(update-alternatives --query "$name" 2>/dev/null | awk '/^Value:/ {print $2}')
  if [[ "$current" != "$want" ]]; then
    echo "setup: selecting $want for $name"
    "${sudo_cmd[@]}" update-alternatives --set "$name" "$want"
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "setup: all ${#packages[@]} Debian packages present; OpenBLAS-openmp selected"
fi
