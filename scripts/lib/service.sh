# shellcheck shell=bash
# Starts a medborger service on a database of its own, for the scripts that
# test a running service (contract-test, restore-drill). Sourced after
# lib/postgres.sh, never run.
#
#   mb_service_db DB            creates the login role contract_api (a fresh
#                               password each time) and DB, if missing
#   mb_service_start DB PORT LOG BIN [seed]
#                               migrates DB (and seeds the demo data with
#                               "seed"), then serves it on 127.0.0.1:PORT in
#                               the background, output to LOG; sets
#                               MB_SERVICE_PID and MB_SERVICE_URL and waits
#                               for /readyz
#   mb_service_env DB           exports DATABASE_URL and the keys for BIN's
#                               other commands (audit verify) on DB
#   mb_free_port                the first free port of 8190–8199
# The demo users' password is MB_DEMO_PASSWORD (made once per shell).

MB_SERVICE_ROLE=contract_api
MB_SERVICE_KEYS=""
MB_DEMO_PASSWORD=${MB_DEMO_PASSWORD:-contract-$(python3 -c 'import secrets;print(secrets.token_urlsafe(12))')}
_MB_SERVICE_PASSWORD=$(python3 -c 'import secrets;print(secrets.token_urlsafe(18))')

mb_free_port() {
    local p
    for p in $(seq 8190 8199); do
        if python3 -c "import socket;s=socket.socket();s.bind(('127.0.0.1',$p))" 2>/dev/null; then
            echo "$p"
            return 0
        fi
    done
    return 1
}

mb_service_db() {
    local db=$1
    mb_psql "$MEDBORGER_PG_ADMIN_URL" <<SQL
SET client_min_messages = warning;
SELECT 'CREATE ROLE medborger_app NOLOGIN NOBYPASSRLS'
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'medborger_app') \gexec
SELECT 'CREATE ROLE $MB_SERVICE_ROLE LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS'
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$MB_SERVICE_ROLE') \gexec
ALTER ROLE $MB_SERVICE_ROLE WITH LOGIN PASSWORD '$_MB_SERVICE_PASSWORD';
GRANT medborger_app TO $MB_SERVICE_ROLE;
SELECT 'CREATE DATABASE $db'
WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = '$db') \gexec
SQL
}

# The same keys for every database of this shell: a restored database is
# read with the keys it was written with.
mb_service_env() {
    local db=$1 bin=${2:-$MB_SERVICE_BIN}
    local admin_url=$MEDBORGER_PG_ADMIN_URL
    local scheme=${admin_url%%://*} rest=${admin_url#*://} query=""
    if [[ $rest == *\?* ]]; then query="?${rest#*\?}"; rest=${rest%%\?*}; fi
    local authority=${rest%%/*}
    local hostport=${authority##*@}
    [[ -n $MB_SERVICE_KEYS ]] || MB_SERVICE_KEYS=$("$bin" dev-keys)
    local line name
    while IFS= read -r line; do
        name=${line%%=*}
        [[ $name =~ ^MEDBORGER_[A-Z0-9_]+$ ]] && export "$name=${line#*=}"
    done <<<"$MB_SERVICE_KEYS"
    export DATABASE_URL="$scheme://$MB_SERVICE_ROLE:$(mb_urlencode "$_MB_SERVICE_PASSWORD")@$hostport/$db$query"
    export MEDBORGER_MIGRATION_DATABASE_URL="$scheme://$authority/$db$query"
    export MEDBORGER_DEMO_PASSWORD=$MB_DEMO_PASSWORD
}

mb_service_start() {
    local db=$1 port=$2 log=$3 bin=$4 seed=${5:-}
    MB_SERVICE_BIN=$bin
    [[ -n $MB_SERVICE_KEYS ]] || MB_SERVICE_KEYS=$("$bin" dev-keys)
    (
        mb_service_env "$db" "$bin"
        export MEDBORGER_BIND=127.0.0.1:$port
        export RUST_LOG=${RUST_LOG:-warn}
        "$bin" migrate >/dev/null
        [[ $seed != seed ]] || "$bin" seed demo >/dev/null
        exec "$bin" serve
    ) >"$log" 2>&1 &
    MB_SERVICE_PID=$!
    MB_SERVICE_URL=http://127.0.0.1:$port
    local i
    for i in $(seq 1 150); do
        curl -fsS "$MB_SERVICE_URL/readyz" >/dev/null 2>&1 && return 0
        kill -0 "$MB_SERVICE_PID" 2>/dev/null || break
        sleep 0.2
    done
    echo "service: did not become ready on $MB_SERVICE_URL (see $log)" >&2
    return 1
}

mb_service_stop() {
    if [[ -n ${MB_SERVICE_PID:-} ]]; then
        kill "$MB_SERVICE_PID" 2>/dev/null || true
        wait "$MB_SERVICE_PID" 2>/dev/null || true
        MB_SERVICE_PID=""
    fi
}
