#!/bin/sh
# Loads the extra demo origami in /seed/products/<id>.json into the catalogue, idempotently: each is
# created with POST, or replaced with PUT when it already exists. Needs CATALOGUE_URL and CATALOGUE_ADMIN_TOKEN.
set -eu
apk add --no-cache curl >/dev/null
loaded=0
for file in /seed/products/*.json; do
  id="$(basename "$file" .json)"
  status="$(sed '1s/^{/{"id":"'"$id"'",/' "$file" | curl --silent --output /dev/null --write-out '%{http_code}' \
    --request POST --header "Authorization: Bearer ${CATALOGUE_ADMIN_TOKEN}" --header 'Content-Type: application/json' \
    --data @- "${CATALOGUE_URL}/api/products")"
  if [ "$status" = 409 ]; then
    status="$(curl --silent --output /dev/null --write-out '%{http_code}' --request PUT \
      --header "Authorization: Bearer ${CATALOGUE_ADMIN_TOKEN}" --header 'Content-Type: application/json' \
      --data @"$file" "${CATALOGUE_URL}/api/products/${id}")"
  fi
  case "$status" in 2??) loaded=$((loaded + 1)) ;; *) echo "seed: product ${id} answered HTTP ${status}" >&2; exit 1 ;; esac
done
echo "seed: ${loaded} demo products loaded into ${CATALOGUE_URL}"
