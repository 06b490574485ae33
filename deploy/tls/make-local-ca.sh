#!/usr/bin/env bash
# Makes a local CA and, signed by it, a server certificate (localhost, 127.0.0.1 and the service
# names) and a client certificate, in PEM, for ./mesh up --tls and the TLS tests. Production uses
# certificates from its own CA (cert-manager, Vault, ...): see docs/deploy.md, "TLS".
#   deploy/tls/make-local-ca.sh OUT_DIR [CLIENT_NAME]
set -euo pipefail
out=${1:?usage: make-local-ca.sh OUT_DIR [CLIENT_NAME]}
client=${2:-ulidmesh-client}
mkdir -p "$out"
cd "$out"
umask 077
san="DNS:localhost,IP:127.0.0.1,DNS:resolution-service,DNS:flag-service,DNS:migration-worker,DNS:rollout-controller"
quiet() { "$@" >/dev/null 2>&1 || { echo "make-local-ca: $* failed" >&2; "$@"; exit 1; }; }

quiet openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 825 -subj "/CN=ulidmesh local CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"

# A leaf certificate NAME signed by the CA, with the given extended key usage (and SAN for servers).
leaf() {
  local name=$1 cn=$2 usage=$3 ext
  ext=$(mktemp)
  printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=%s\n' "$usage" >"$ext"
  [ "$usage" = serverAuth ] && printf 'subjectAltName=%s\n' "$san" >>"$ext"
  quiet openssl req -newkey rsa:2048 -nodes -keyout "$name.key" -out "$name.csr" -subj "/CN=$cn"
  quiet openssl x509 -req -in "$name.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -out "$name.pem" -days 825 -extfile "$ext"
  rm -f "$name.csr" "$ext"
}
leaf server localhost serverAuth
leaf client "$client" clientAuth
chmod 644 ca.pem server.pem client.pem
