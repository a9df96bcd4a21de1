#!/bin/sh
# Applies the migrations to $ConnectionStrings__inferencedb. Its {secret:NAME} references are replaced by the files
# /run/secrets/NAME (Compose and Kubernetes secrets), as the .NET services resolve them, so no password is in the
# container's environment.
set -eu
connection=$ConnectionStrings__inferencedb
while :; do
    case $connection in
        *'{secret:'*'}'*) ;;
        *) break ;;
    esac
    before=${connection%%"{secret:"*}
    rest=${connection#*"{secret:"}
    name=${rest%%"}"*}
    after=${rest#*"}"}
    value=$(cat "${SECRETS_DIRECTORY:-/run/secrets}/$name")
    connection=$before$value$after
done
exec /app/efbundle --connection "$connection"
