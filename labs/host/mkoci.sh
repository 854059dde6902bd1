#!/usr/bin/env bash
# Build a single-layer OCI image tarball from a directory, without any registry or image builder.
# usage: mkoci.sh ROOTFS_DIR IMAGE_REF OUT.tar ENTRYPOINT_JSON [CMD_JSON]
#   IMAGE_REF   full reference, e.g. k8s.gcr.io/kube-apiserver:v1.20.2
#   ENTRYPOINT  JSON array or null, e.g. '["/pause"]'
# The layout (oci-layout, index.json, blobs/sha256/{layer,config,manifest}) is what
# `ctr -n k8s.io images import` accepts; `io.containerd.image.name` names the image.
set -euo pipefail
rootfs="$1" ref="$2" out="$3" entrypoint="${4:-null}" cmd="${5:-null}"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/blobs/sha256"

# Reproducible layer: sorted entries, fixed owner and mtime.
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$rootfs" -cf "$tmp/layer.tar" .
diff_id="$(sha256sum "$tmp/layer.tar" | cut -d' ' -f1)"
gzip -n -1 -c "$tmp/layer.tar" > "$tmp/layer.tar.gz"
layer_digest="$(sha256sum "$tmp/layer.tar.gz" | cut -d' ' -f1)"
layer_size="$(stat -c %s "$tmp/layer.tar.gz")"
mv "$tmp/layer.tar.gz" "$tmp/blobs/sha256/$layer_digest"
rm -f "$tmp/layer.tar"

jq -cn --arg diff "sha256:$diff_id" --argjson ep "$entrypoint" --argjson cmd "$cmd" '{
  architecture: "amd64", os: "linux", created: "1970-01-01T00:00:00Z",
  config: {
    Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
    Entrypoint: $ep, Cmd: $cmd, WorkingDir: "/"
  },
  rootfs: {type: "layers", diff_ids: [$diff]},
  history: [{created: "1970-01-01T00:00:00Z", created_by: "k8s-harden-lab mkoci.sh"}]
}' > "$tmp/config.json"
config_digest="$(sha256sum "$tmp/config.json" | cut -d' ' -f1)"
config_size="$(stat -c %s "$tmp/config.json")"
mv "$tmp/config.json" "$tmp/blobs/sha256/$config_digest"

jq -cn --arg cd "sha256:$config_digest" --argjson cs "$config_size" \
  --arg ld "sha256:$layer_digest" --argjson ls "$layer_size" '{
  schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json",
  config: {mediaType: "application/vnd.oci.image.config.v1+json", digest: $cd, size: $cs},
  layers: [{mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: $ld, size: $ls}]
}' > "$tmp/manifest.json"
manifest_digest="$(sha256sum "$tmp/manifest.json" | cut -d' ' -f1)"
manifest_size="$(stat -c %s "$tmp/manifest.json")"
mv "$tmp/manifest.json" "$tmp/blobs/sha256/$manifest_digest"

tag="${ref##*:}"
jq -cn --arg md "sha256:$manifest_digest" --argjson ms "$manifest_size" --arg ref "$ref" --arg tag "$tag" '{
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
