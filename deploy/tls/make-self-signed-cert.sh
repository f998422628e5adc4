#!/usr/bin/env bash
# Makes a self-signed certificate for nginx (deploy/nginx/tls/cert.pem and key.pem by default), for a
# test or a first start; browsers warn about it. In production put a real certificate (e.g. from
# Let's Encrypt) at the same paths.
#
#   deploy/tls/make-self-signed-cert.sh [--force] [--days N] [--out DIR] [HOSTNAME...]
#
# Hostnames default to localhost; 127.0.0.1 and ::1 are always included. An existing pair is kept
# unless --force is given.
set -euo pipefail

out="$(cd "$(dirname "$0")/.." && pwd)/nginx/tls"
days=365
force=false
hosts=()
while [ $# -gt 0 ]; do
  case "$1" in
    --force) force=true ;;
    --days) days="${2:?--days needs a number}"; shift ;;
    --out) out="${2:?--out needs a directory}"; shift ;;
    -h | --help) sed -n '2,10p' "$0"; exit 0 ;;
    -*) echo "unknown option: $1" >&2; exit 2 ;;
    *) hosts+=("$1") ;;
  esac
  shift
done
case "$days" in '' | *[!0-9]*) echo "--days must be a whole number of days, got: $days" >&2; exit 2 ;; esac
[ ${#hosts[@]} -gt 0 ] || hosts=(localhost)
for host in "${hosts[@]}"; do
  case "$host" in *[!A-Za-z0-9.*-]*) echo "not a hostname: $host" >&2; exit 2 ;; esac
done
command -v openssl >/dev/null || { echo "openssl is needed (apt-get install openssl)" >&2; exit 1; }

cert="$out/cert.pem"
key="$out/key.pem"
if [ -e "$cert" ] && [ -e "$key" ] && [ "$force" = false ]; then
  echo "kept the existing $cert and $key (--force to replace them)"
  exit 0
fi

san=""
for host in "${hosts[@]}"; do san="${san}DNS:${host},"; done
san="${san}IP:127.0.0.1,IP:::1"

mkdir -p "$out"
umask 077
openssl req -x509 -newkey rsa:2048 -sha256 -nodes -days "$days" \
  -subj "/CN=${hosts[0]}" -addext "subjectAltName=${san}" \
  -keyout "$key.tmp" -out "$cert.tmp" 2>/dev/null
# nginx's master reads the key as root; the certificate may be public.
chmod 600 "$key.tmp"
chmod 644 "$cert.tmp"
mv "$key.tmp" "$key"
mv "$cert.tmp" "$cert"
echo "wrote $cert and $key for ${hosts[*]}, valid $days days"
