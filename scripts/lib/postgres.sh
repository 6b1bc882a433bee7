# shellcheck shell=bash
# Finds or starts a PostgreSQL for scripts/run and scripts/test, and exports
# MEDBORGER_PG_ADMIN_URL: a role that may CREATE DATABASE and CREATE ROLE,
# connected to the `postgres` database. Sourced, never run.
#
# Where it looks, in order:
#   a. MEDBORGER_PG_ADMIN_URL, when set (it must connect);
#   b. a server on 127.0.0.1:5432 that lets in postgres/postgres, postgres
#      without a password, or $USER, as a role with rolsuper or
#      rolcreatedb + rolcreaterole;
#   c. a private cluster under <repo>/.local/pg/ (trust authentication, only
#      on 127.0.0.1, port MEDBORGER_PG_PORT, default 54329), initialised and
#      started here; PostgreSQL is installed with apt-get when missing.
# Progress goes to standard error; passwords are never printed.

MEDBORGER_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"

_mb_pg_log() { printf 'postgres: %s\n' "$*" >&2; }
_mb_pg_die() {
    _mb_pg_log "error: $*"
    exit 1
}

_mb_pg_is_root() { [[ $(id -u) -eq 0 ]]; }

# A URL fit to print: the password (if any) replaced by ***.
_mb_pg_redact() {
    local url=$1
    if [[ $url != *://* || $url == *password=* ]]; then
        printf '%s' '(a connection string, not shown)'
        return
    fi
    local scheme=${url%%://*} rest=${url#*://}
    local authority=${rest%%/*}
    if [[ $authority == *@* ]]; then
        local userinfo=${authority%@*}
        if [[ $userinfo == *:* ]]; then
            rest="${userinfo%%:*}:***@${rest#"$userinfo"@}"
        fi
    fi
    printf '%s://%s' "$scheme" "$rest"
}

# Percent-encodes $1 for the userinfo part of a URL.
mb_urlencode() {
    local LC_ALL=C s=$1 out="" c i
    for ((i = 0; i < ${#s}; i++)); do
        c=${s:i:1}
        case $c in
            [a-zA-Z0-9.~_-]) out+=$c ;;
            *) out+=$(printf '%%%02X' "'$c") ;;
        esac
    done
    printf '%s' "$out"
}

# psql that never prompts, reads no ~/.psqlrc and stops at the first error.
mb_psql() {
    psql -X -w -q -v ON_ERROR_STOP=1 "$@"
}

# Prints "t" when URL connects as a role that may create databases and roles.
_mb_pg_capable() {
    PGCONNECT_TIMEOUT=3 mb_psql "$1" -Atc \
        "select rolsuper or (rolcreatedb and rolcreaterole) from pg_roles where rolname = current_user" \
        2>/dev/null
}

# Does something accept TCP connections on 127.0.0.1:PORT?
_mb_pg_listening() {
    # shellcheck disable=SC2016 # $1 is the inner shell's argument
    timeout 3 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"' _ "$1" 2>/dev/null
}

# The newest PostgreSQL server binaries (MAJOR's, when given), or nothing.
_mb_pg_find_bindir() {
    local want=${1:-} dir found=""
    if [[ -n $want ]]; then
        dir=/usr/lib/postgresql/$want/bin
        if [[ -x $dir/initdb && -x $dir/pg_ctl ]]; then
            printf '%s' "$dir"
            return
        fi
    fi
    while IFS= read -r dir; do
        if [[ -x $dir/initdb && -x $dir/pg_ctl ]]; then
            found=$dir
        fi
    done < <(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V)
    if [[ -z $found ]] && command -v pg_config >/dev/null 2>&1; then
        dir=$(pg_config --bindir 2>/dev/null || true)
        if [[ -n $dir && -x $dir/initdb && -x $dir/pg_ctl ]]; then
            found=$dir
        fi
    fi
    printf '%s' "$found"
}

_mb_pg_apt_install() {
    local -a sudo=()
    if ! _mb_pg_is_root; then
        command -v sudo >/dev/null 2>&1 ||
            _mb_pg_die "PostgreSQL is missing and there is no sudo: install $* (or set MEDBORGER_PG_ADMIN_URL)"
        sudo=(sudo)
    fi
    command -v apt-get >/dev/null 2>&1 ||
        _mb_pg_die "PostgreSQL is missing and there is no apt-get: install $* (or set MEDBORGER_PG_ADMIN_URL)"
    _mb_pg_log "installing $* with apt-get"
    ${sudo[@]+"${sudo[@]}"} apt-get update -qq >&2 ||
        _mb_pg_die "apt-get update failed"
    ${sudo[@]+"${sudo[@]}"} env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends "$@" >&2 ||
        _mb_pg_die "apt-get install $* failed"
}

# Makes psql available: from PATH, from the server binaries, or from apt.
_mb_pg_need_psql() {
    command -v psql >/dev/null 2>&1 && return 0
    local bindir
    bindir=$(_mb_pg_find_bindir)
    if [[ -n $bindir && -x $bindir/psql ]]; then
        PATH="$bindir:$PATH"
        export PATH
        return 0
    fi
    _mb_pg_apt_install postgresql-client
    command -v psql >/dev/null 2>&1 || _mb_pg_die "psql is still missing after installing postgresql-client"
}

# Runs a command as the cluster's owner: the postgres system user when we are
# root (initdb and pg_ctl refuse to run as root), else ourselves. From / so
# that an untraversable working directory does not matter.
_mb_pg_as_owner() {
    if _mb_pg_is_root; then
        (cd / && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}

_mb_pg_ensure_postgres_user() {
    _mb_pg_is_root || return 0
    command -v runuser >/dev/null 2>&1 || _mb_pg_die "runuser (util-linux) is needed to run PostgreSQL as root"
    if ! id -u postgres >/dev/null 2>&1; then
        _mb_pg_log "creating the system user postgres"
        useradd --system --user-group --no-create-home --home-dir /var/lib/postgresql \
            --shell /bin/bash postgres || _mb_pg_die "could not create the system user postgres"
    fi
}

# Where the private cluster lives: <repo>/.local/pg, or (as root, when the
# postgres user cannot reach the repository) /var/tmp/medborger-pg-<hash>.
_mb_pg_base_dir() {
    local local_dir="$MEDBORGER_ROOT/.local"
    mkdir -p "$local_dir"
    if _mb_pg_is_root; then
        chmod a+x "$local_dir"
        if ! _mb_pg_as_owner test -x "$local_dir"; then
            local hash
            hash=$(printf '%s' "$MEDBORGER_ROOT" | sha256sum | cut -c1-12)
            printf '%s' "/var/tmp/medborger-pg-$hash"
            return
        fi
    fi
    printf '%s' "$local_dir/pg"
}

_mb_pg_private() {
    local port=${MEDBORGER_PG_PORT:-54329}
    [[ $port =~ ^[0-9]+$ && $port -ge 1 && $port -le 65535 ]] ||
        _mb_pg_die "MEDBORGER_PG_PORT must be a port number, not '$port'"

    if [[ -z $(_mb_pg_find_bindir) ]]; then
        _mb_pg_apt_install postgresql
    fi
    _mb_pg_ensure_postgres_user
    local base data
    base=$(_mb_pg_base_dir)
    data=$base/data
    if [[ $base != "$MEDBORGER_ROOT/.local/pg" ]]; then
        _mb_pg_log "the postgres user cannot reach $MEDBORGER_ROOT; the private cluster lives in $base"
    fi
    mkdir -p "$base"
    if _mb_pg_is_root; then
        chown postgres: "$base"
    fi

    # Binaries: the cluster's own major version when it exists, else the newest.
    local want="" bindir
    if [[ -f $data/PG_VERSION ]]; then
        want=$(<"$data/PG_VERSION")
    fi
    bindir=$(_mb_pg_find_bindir "$want")
    [[ -n $bindir ]] || _mb_pg_die "no PostgreSQL server binaries (initdb, pg_ctl) found after installing postgresql"
    if [[ -n $want ]]; then
        local have
        have=$("$bindir/pg_ctl" --version | sed -E 's/^[^0-9]*([0-9]+).*/\1/')
        [[ $have == "$want" ]] ||
            _mb_pg_die "the cluster in $data is PostgreSQL $want but the binaries in $bindir are $have; remove $base to start afresh"
    fi
    command -v psql >/dev/null 2>&1 || _mb_pg_need_psql

    local url="postgres://postgres@127.0.0.1:$port/postgres"

    # Ours, already running (perhaps on another port, if MEDBORGER_PG_PORT changed)?
    if [[ -f $data/PG_VERSION ]] && _mb_pg_as_owner "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; then
        local running_port
        running_port=$(sed -n 4p "$data/postmaster.pid" 2>/dev/null || true)
        if [[ $running_port =~ ^[0-9]+$ ]]; then
            if [[ $running_port != "$port" ]]; then
                _mb_pg_log "it runs on port $running_port; port $port applies from its next start"
            fi
            port=$running_port
            url="postgres://postgres@127.0.0.1:$port/postgres"
        fi
        [[ $(_mb_pg_capable "$url") == t ]] ||
            _mb_pg_die "the private cluster in $base runs but does not answer on 127.0.0.1:$port; see $base/postgres.log"
        _mb_pg_log "using the private cluster in $base (running, port $port)"
        MEDBORGER_PG_ADMIN_URL=$url
        return
    fi

    # Something else on the port: fine if it is a medborger-style development
    # server (postgres superuser without a password), e.g. another checkout's.
    if _mb_pg_listening "$port"; then
        if [[ $(_mb_pg_capable "$url") == t ]]; then
            local other
            other=$(PGCONNECT_TIMEOUT=3 mb_psql "$url" -Atc 'show data_directory' 2>/dev/null || true)
            _mb_pg_log "using the PostgreSQL already on 127.0.0.1:$port (data directory ${other:-unknown})"
            MEDBORGER_PG_ADMIN_URL=$url
            return
        fi
        _mb_pg_die "127.0.0.1:$port is taken by a server that does not let postgres in without a password; set MEDBORGER_PG_PORT to a free port, or MEDBORGER_PG_ADMIN_URL"
    fi

    if [[ ! -f $data/PG_VERSION ]]; then
        if [[ -e $data ]] && [[ -n $(ls -A "$data" 2>/dev/null) ]]; then
            _mb_pg_die "$data exists but holds no cluster; remove it and try again"
        fi
        rm -rf "$data"
        _mb_pg_log "creating a private cluster in $base (PostgreSQL $("$bindir/pg_ctl" --version | sed -E 's/^[^0-9]*([0-9.]+).*/\1/'))"
        if ! _mb_pg_as_owner "$bindir/initdb" -D "$data" --auth=trust --username=postgres \
            -E UTF8 --locale=C.UTF-8 >"$base/initdb.log" 2>&1; then
            rm -rf "$data"
            _mb_pg_as_owner "$bindir/initdb" -D "$data" --auth=trust --username=postgres \
                -E UTF8 --no-locale >"$base/initdb.log" 2>&1 || {
                tail -n 20 "$base/initdb.log" >&2
                _mb_pg_die "initdb failed; see $base/initdb.log"
            }
        fi
        printf "\n# Settings of scripts/lib/postgres.sh, rewritten at every start.\ninclude_if_exists = 'medborger.conf'\n" \
            >>"$data/postgresql.conf"
    fi

    # Rewritten at every start, so MEDBORGER_PG_PORT and a moved checkout apply.
    local sock=$base/socket sockets
    mkdir -p "$sock"
    if (( ${#sock} + 16 > 100 )); then
        sockets=""   # the socket path would be too long: TCP only
    else
        sockets=${sock//\'/\'\'}
    fi
    cat >"$data/medborger.conf" <<EOF
# Written by scripts/lib/postgres.sh before every start; do not edit.
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$sockets'
max_connections = 200
EOF
    if _mb_pg_is_root; then
        chown postgres: "$sock" "$data/medborger.conf"
    fi

    _mb_pg_log "starting the private cluster in $base (127.0.0.1:$port)"
    if ! _mb_pg_as_owner "$bindir/pg_ctl" -D "$data" -l "$base/postgres.log" -w -t 60 -s start >&2; then
        tail -n 20 "$base/postgres.log" >&2 || true
        _mb_pg_die "the private cluster did not start; see $base/postgres.log"
    fi
    [[ $(_mb_pg_capable "$url") == t ]] ||
        _mb_pg_die "the private cluster started but does not answer on 127.0.0.1:$port; see $base/postgres.log"
    _mb_pg_log "stop it with: $(_mb_pg_is_root && printf 'runuser -u postgres -- ')$bindir/pg_ctl -D $data stop"
    MEDBORGER_PG_ADMIN_URL=$url
}

_mb_pg_main() {
    # a. Given.
    if [[ -n ${MEDBORGER_PG_ADMIN_URL:-} ]]; then
        _mb_pg_need_psql
        PGCONNECT_TIMEOUT=3 mb_psql "$MEDBORGER_PG_ADMIN_URL" -Atc 'select 1' >/dev/null ||
            _mb_pg_die "MEDBORGER_PG_ADMIN_URL ($(_mb_pg_redact "$MEDBORGER_PG_ADMIN_URL")) does not connect"
        _mb_pg_log "using $(_mb_pg_redact "$MEDBORGER_PG_ADMIN_URL") (MEDBORGER_PG_ADMIN_URL)"
        export MEDBORGER_PG_ADMIN_URL
        return
    fi

    # b. A server on the usual port with a well-known login.
    if _mb_pg_listening 5432; then
        _mb_pg_need_psql
        local me candidate
        me=${USER:-$(id -un)}
        for candidate in \
            "postgres://postgres:postgres@127.0.0.1:5432/postgres" \
            "postgres://postgres@127.0.0.1:5432/postgres" \
            "postgres://$me@127.0.0.1:5432/postgres"; do
            if [[ $(_mb_pg_capable "$candidate") == t ]]; then
                _mb_pg_log "using $(_mb_pg_redact "$candidate")"
                MEDBORGER_PG_ADMIN_URL=$candidate
                export MEDBORGER_PG_ADMIN_URL
                return
            fi
        done
        _mb_pg_log "127.0.0.1:5432 answers, but not to a login that may create databases and roles; starting a private cluster"
    fi

    # c. A private cluster.
    _mb_pg_private
    export MEDBORGER_PG_ADMIN_URL
}

_mb_pg_main
