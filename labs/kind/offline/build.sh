#!/usr/bin/env bash
# Build everything the offline kind lab needs, from Go modules and Debian packages only:
#   build.sh [K8S_VERSION [--stage NEXT_VERSION]]   default: versions.env's K8S_DEFAULT_VERSION
# --stage builds the upgrade drill's image: the node runs K8S_VERSION and carries NEXT_VERSION's
# packages and images (tag k8s-harden-lab/kind-node:<K8S_VERSION>-to-<NEXT_VERSION>).
# Steps (each cached machine-wide and keyed by version and recipe; an interrupted run resumes at
# the first step that did not finish): packages, components, kubernetes, images, engine, node
# image. Prints "step N/6 NAME" before each step, and the node image tag on the last line.
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
need_root

K="${1:-$K8S_DEFAULT_VERSION}"
S=""
if [ "${2:-}" = --stage ]; then S="${3:?--stage needs a version}"; fi
here="$OFFLINE_DIR"
mkdir -p "$OFFLINE_CACHE"
exec 9>"$OFFLINE_CACHE/.build.lock"
if ! flock -n 9; then
  log "another build holds $OFFLINE_CACHE/.build.lock: waiting for it"
  flock 9
fi

step() { log "step $1/6 $2"; }
last() { tail -n 1; }

step 1 packages
bash "$here/packages.sh"
step 2 components
comps="$OFFLINE_CACHE/components.txt"
bash "$here/build-components.sh" > "$comps.partial"
mv "$comps.partial" "$comps"
step 3 kubernetes
k8s_dir="$(bash "$here/build-k8s.sh" "$K" | last)"
staged=()
[ -z "$S" ] || staged=("$(bash "$here/build-k8s.sh" "$S" | last)")
step 4 images
images_dir="$(bash "$here/build-images.sh" "$k8s_dir" "$comps" | last)"
[ -z "$S" ] || staged+=("$(bash "$here/build-images.sh" "${staged[0]}" "$comps" | last)")
step 5 engine
bash "$here/engine.sh" start
step 6 node-image
tag="$(bash "$here/build-node-image.sh" "$k8s_dir" "$comps" "$images_dir" ${staged[@]+"${staged[@]}"} | last)"
printf '%s\n' "$tag" > "$OFFLINE_CACHE/node-image-$K${S:+-to-$S}"
echo "$tag"
