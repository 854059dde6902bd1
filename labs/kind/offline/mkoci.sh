#!/usr/bin/env bash
# Build an OCI image tarball from directories, one layer each, without a registry or an image
# builder:
#   mkoci.sh OUT.tar IMAGE_REF ENTRYPOINT_JSON CMD_JSON LAYER_DIR...
#   IMAGE_REF        full reference, e.g. registry.k8s.io/kube-apiserver:v1.34.12
#   ENTRYPOINT/CMD   JSON array or null
# Layers are reproducible (sorted, owner 0, mtime 0), so a layer shared by two images (a Debian
# base, say) has one digest and containerd stores it once. The layout is what
# `ctr images import` accepts; `io.containerd.image.name` names the image.
set -euo pipefail
[ "$#" -ge 5 ] || { echo "usage: mkoci.sh OUT.tar IMAGE_REF ENTRYPOINT_JSON CMD_JSON LAYER_DIR..." >&2; exit 2; }
out="$1" ref="$2" entrypoint="$3" cmd="$4"
shift 4

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/blobs/sha256"

diff_ids="[]" layers="[]"
for dir in "$@"; do
  tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$dir" -cf "$tmp/layer.tar" .
  diff_id="$(sha256sum "$tmp/layer.tar" | cut -d' ' -f1)"
  gzip -n -1 -c "$tmp/layer.tar" > "$tmp/layer.tar.gz"
  digest="$(sha256sum "$tmp/layer.tar.gz" | cut -d' ' -f1)"
  size="$(stat -c %s "$tmp/layer.tar.gz")"
  mv "$tmp/layer.tar.gz" "$tmp/blobs/sha256/$digest"
  rm -f "$tmp/layer.tar"
  diff_ids="$(jq -c --arg d "sha256:$diff_id" '. + [$d]' <<<"$diff_ids")"
  layers="$(jq -c --arg d "sha256:$digest" --argjson s "$size" \
    '. + [{mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: $d, size: $s}]' <<<"$layers")"
done

blob() { # file -> "digest size", moved into blobs/
  local d s
  d="$(sha256sum "$1" | cut -d' ' -f1)"
  s="$(stat -c %s "$1")"
  mv "$1" "$tmp/blobs/sha256/$d"
  echo "sha256:$d $s"
}

jq -cn --argjson diffs "$diff_ids" --argjson ep "$entrypoint" --argjson cmd "$cmd" '{
  architecture: "amd64", os: "linux", created: "1970-01-01T00:00:00Z",
  config: {
    Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
    Entrypoint: $ep, Cmd: $cmd, WorkingDir: "/"
  },
  rootfs: {type: "layers", diff_ids: $diffs},
  history: [$diffs[] | {created: "1970-01-01T00:00:00Z", created_by: "k8s-harden-lab mkoci.sh"}]
}' > "$tmp/config.json"
read -r config_digest config_size < <(blob "$tmp/config.json")

jq -cn --arg cd "$config_digest" --argjson cs "$config_size" --argjson layers "$layers" '{
  schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json",
  config: {mediaType: "application/vnd.oci.image.config.v1+json", digest: $cd, size: $cs},
  layers: $layers
}' > "$tmp/manifest.json"
read -r manifest_digest manifest_size < <(blob "$tmp/manifest.json")

jq -cn --arg md "$manifest_digest" --argjson ms "$manifest_size" --arg ref "$ref" --arg tag "${ref##*:}" '{
  schemaVersion: 2,
  manifests: [{
    mediaType: "application/vnd.oci.image.manifest.v1+json", digest: $md, size: $ms,
    platform: {architecture: "amd64", os: "linux"},
    annotations: {"io.containerd.image.name": $ref, "org.opencontainers.image.ref.name": $tag}
  }]
}' > "$tmp/index.json"
printf '{"imageLayoutVersion":"1.0.0"}' > "$tmp/oci-layout"

tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$tmp" -cf "$out.partial" oci-layout index.json blobs
mv "$out.partial" "$out"
