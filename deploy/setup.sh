#!/bin/sh
# jagtui on a server: partners log in over SSH and get the app, never a shell.
#
#   sudo deploy/setup.sh install            install or upgrade; safe to run again
#   sudo deploy/setup.sh add-user LOGIN --key FILE [--name NAME] [--role ROLE] [--agency KEY]
#   sudo deploy/setup.sh add-admin LOGIN    a shell admin: may run jagtui commands, not forced into the app
#   sudo deploy/setup.sh postgres [--database NAME] [--host HOST] [--port PORT]
#                                           move to PostgreSQL: an owner role runs migrations, jagtui
#                                           connects as an app role that may only read and append the audit trail
#
# No systemd needed. POSIX sh. Every step checks before it changes anything,
# so running it twice changes nothing the second time. See deploy/README.md.
#
# Layout (each overridable by the environment variable named):
#   JAGTUI_PREFIX  /opt/jagtui                the install: a Python venv
#   JAGTUI_ETC     /etc/jagtui                config.toml (root:jagtui-data 0640)
#   JAGTUI_DATA    /var/lib/jagtui            the shared database (root:jagtui-data 2770, file 0660)
#   JAGTUI_BIN     /usr/local/bin             jagtui-session (the ForceCommand) and jagtui
#   JAGTUI_SSHD_DIR, JAGTUI_SSHD_CONFIG       where the sshd snippet goes, and the config that includes it
#   JAGTUI_GROUP   jagtui                     who gets the app over SSH (the Match Group)
#   JAGTUI_DATA_GROUP jagtui-data             who may open the shared database
#   JAGTUI_PYTHON  python3                    the Python (3.11+) to build the venv with
#   JAGTUI_SOURCE  this checkout              what to install
#   JAGTUI_PG_OWNER jagtui_owner              PostgreSQL role that owns the tables and runs migrations
#   JAGTUI_PG_APP  jagtui_app                 PostgreSQL role jagtui connects as (owns nothing)
#   JAGTUI_PG_ADMIN (unset)                   a superuser URL for psql; unset: psql as the postgres account
set -eu

here=$(cd "$(dirname "$0")" && pwd)
PREFIX=${JAGTUI_PREFIX:-/opt/jagtui}
ETC=${JAGTUI_ETC:-/etc/jagtui}
DATA=${JAGTUI_DATA:-/var/lib/jagtui}
BIN=${JAGTUI_BIN:-/usr/local/bin}
SSHD_DIR=${JAGTUI_SSHD_DIR:-/etc/ssh/sshd_config.d}
SSHD_CONFIG=${JAGTUI_SSHD_CONFIG:-/etc/ssh/sshd_config}
SSHD_PIDFILE=${JAGTUI_SSHD_PIDFILE:-/run/sshd.pid}
APP_GROUP=${JAGTUI_GROUP:-jagtui}
DATA_GROUP=${JAGTUI_DATA_GROUP:-jagtui-data}
PYTHON=${JAGTUI_PYTHON:-python3}
SOURCE=${JAGTUI_SOURCE:-$(dirname "$here")}
SSHD=$(command -v sshd || echo /usr/sbin/sshd)

APP="$PREFIX/venv/bin/jagtui"
CONFIG="$ETC/config.toml"
DATABASE="$DATA/jagtui.db"
# PostgreSQL only: the owner's URL and the app role, for migrations (root 0600).
PG_ENV="$ETC/postgres.env"
PG_OWNER=${JAGTUI_PG_OWNER:-jagtui_owner}
PG_APP=${JAGTUI_PG_APP:-jagtui_app}

say() { printf 'jagtui setup: %s\n' "$*"; }
die() { printf 'jagtui setup: %s\n' "$*" >&2; exit 1; }

# jagtui as the administrator running this script, on the server's database.
as_admin() { JAGTUI_CONFIG="$CONFIG" "$APP" "$@"; }

need_root() {
    [ "$(id -u)" -eq 0 ] || die "run as root (sudo $0 $*)"
}

ensure_group() {
    if getent group "$1" >/dev/null; then
        return
    fi
    groupadd --system "$1"
    say "created group $1"
}

install_app() {
    if [ ! -x "$PREFIX/venv/bin/python" ]; then
        mkdir -p "$PREFIX"
        "$PYTHON" -m venv "$PREFIX/venv"
        say "created $PREFIX/venv"
    fi
    # Built from a clean copy: an in-place build would leave build/ in the checkout,
    # and stale files there could end up installed.
    work=$(mktemp -d)
    tar -C "$SOURCE" --exclude=./.git --exclude=./.venv --exclude=./build --exclude="./*.egg-info" \
        --exclude=./.hypothesis --exclude=./.pytest_cache -cf - . | tar -C "$work" -xf -
    if ! "$PREFIX/venv/bin/pip" install --quiet --upgrade "$work"; then
        rm -rf "$work"
        die "pip could not install jagtui from $SOURCE"
    fi
    rm -rf "$work"
    chmod -R go-w "$PREFIX"
    chmod -R a+rX "$PREFIX"
    say "installed $("$APP" --version)"
}

write_config() {
    mkdir -p "$ETC"
    if [ ! -f "$CONFIG" ]; then
        cat >"$CONFIG" <<EOF
# jagtui on this server. Only what differs from the shipped defaults is needed:
# \`jagtui config init --path FILE\` writes every setting, to copy from.
[database]
# The shared SQLite file, or postgresql+psycopg://jagtui@localhost/jagtui
url = "$DATABASE"
EOF
        say "wrote $CONFIG"
    fi
    chown root:"$DATA_GROUP" "$CONFIG"
    chmod 0640 "$CONFIG"
}

make_data_folder() {
    # setgid: files made inside belong to the data group; 2770: nobody else gets in.
    mkdir -p "$DATA"
    chown root:"$DATA_GROUP" "$DATA"
    chmod 2770 "$DATA"
}

make_database() {
    if [ -f "$PG_ENV" ]; then
        # PostgreSQL: migrate as the owner, then grant the app role what it needs and no more.
        . "$PG_ENV"
        as_admin db upgrade --db "$OWNER_URL" --app-role "$APP_ROLE"
        as_admin db status
    else
        # jagtui makes a database in a setgid folder 0660 (its -wal and -shm follow).
        as_admin db upgrade
    fi
    if [ -f "$DATABASE" ]; then
        chgrp "$DATA_GROUP" "$DATABASE"
        chmod 0660 "$DATABASE"
    fi
    # The first jagtui user must be an admin: root, so this script can add the rest.
    if ! as_admin users list >/dev/null 2>&1; then
        as_admin users add root --name "Server administrator" --role admin
    fi
}

write_session_command() {
    mkdir -p "$BIN"
    cat >"$BIN/jagtui-session" <<EOF
#!/bin/sh
# sshd's ForceCommand for the $APP_GROUP group: the app and nothing else; any
# command the client asked for (\$SSH_ORIGINAL_COMMAND) is ignored.
umask 077
if [ ! -t 0 ] || [ ! -t 1 ]; then
    echo "jagtui needs an interactive terminal: connect with ssh -t" >&2
    exit 1
fi
JAGTUI_CONFIG=$CONFIG
export JAGTUI_CONFIG
exec $APP
EOF
    chmod 0755 "$BIN/jagtui-session"
    # Admins type \`jagtui ...\` and get the server's config.
    cat >"$BIN/jagtui" <<EOF
#!/bin/sh
JAGTUI_CONFIG=\${JAGTUI_CONFIG:-$CONFIG}
export JAGTUI_CONFIG
exec $APP "\$@"
EOF
    chmod 0755 "$BIN/jagtui"
}

install_sshd_snippet() {
    target="$SSHD_DIR/jagtui.conf"
    mkdir -p "$SSHD_DIR"
    sed -e "s|/usr/local/bin/jagtui-session|$BIN/jagtui-session|" \
        -e "s|^Match Group jagtui\$|Match Group $APP_GROUP|" \
        "$here/sshd_config.d/jagtui.conf" >"$target.new"
    chmod 0644 "$target.new"
    if [ -f "$target" ]; then cp "$target" "$target.old"; fi
    mv "$target.new" "$target"
    # sshd's privilege-separation folder; without systemd nothing else makes it.
    [ -d /run/sshd ] || mkdir -m 0755 /run/sshd
    if ! "$SSHD" -t -f "$SSHD_CONFIG"; then
        if [ -f "$target.old" ]; then mv "$target.old" "$target"; else rm -f "$target"; fi
        die "sshd -t rejected the configuration; $target left as it was"
    fi
    rm -f "$target.old"
    if ! grep -Eqs "^[[:space:]]*Include[[:space:]].*$(basename "$SSHD_DIR")" "$SSHD_CONFIG"; then
        say "WARNING: $SSHD_CONFIG does not include $SSHD_DIR/*.conf; add this line at its top:"
        say "    Include $SSHD_DIR/*.conf"
    fi
    if [ -s "$SSHD_PIDFILE" ] && kill -0 "$(cat "$SSHD_PIDFILE")" 2>/dev/null; then
        kill -HUP "$(cat "$SSHD_PIDFILE")"
        say "sshd reloaded"
    else
        say "sshd is not running here: start it (or reload it) to use $target"
    fi
}

cmd_install() {
    need_root install
    ensure_group "$APP_GROUP"
    ensure_group "$DATA_GROUP"
    install_app
    write_config
    make_data_folder
    make_database
    write_session_command
    install_sshd_snippet
    say "done. Add partners with: $0 add-user LOGIN --key their_key.pub --name 'Full Name'"
}

cmd_add_user() {
    need_root add-user
    [ $# -ge 1 ] || die "usage: $0 add-user LOGIN --key FILE [--name NAME] [--role ROLE] [--agency KEY]"
    login=$1; shift
    name=""; role=member; agency=""; key=""
    while [ $# -gt 0 ]; do
        case "$1" in
            --name) name=$2; shift 2 ;;
            --role) role=$2; shift 2 ;;
            --agency) agency=$2; shift 2 ;;
            --key) key=$2; shift 2 ;;
            *) die "unknown option $1" ;;
        esac
    done
    case "$login" in
        ''|-*|*[!a-z0-9._-]*) die "a login is lower-case letters, digits, '.', '_' or '-'" ;;
    esac
    [ -n "$name" ] || name=$login
    if ! id "$login" >/dev/null 2>&1; then
        # A shell is needed for sshd to run the ForceCommand; sshd never offers it.
        useradd --create-home --shell /bin/sh --comment "$name" "$login"
        say "created account $login"
    fi
    # Key-only: no password can ever work ('*'), and '*' is not "locked", which sshd would refuse.
    usermod -p '*' "$login"
    usermod -a -G "$APP_GROUP,$DATA_GROUP" "$login"
    home=$(getent passwd "$login" | cut -d: -f6)
    chmod 0700 "$home"
    if [ -n "$key" ]; then
        [ -r "$key" ] || die "cannot read the key file $key"
        mkdir -p "$home/.ssh"
        touch "$home/.ssh/authorized_keys"
        while IFS= read -r line; do
            case "$line" in ''|'#'*) continue ;; esac
            grep -qxF "$line" "$home/.ssh/authorized_keys" || printf '%s\n' "$line" >>"$home/.ssh/authorized_keys"
        done <"$key"
        chown -R "$login:" "$home/.ssh"
        chmod 0700 "$home/.ssh"
        chmod 0600 "$home/.ssh/authorized_keys"
    fi
    if as_admin users list 2>/dev/null | cut -f1 | grep -qxF "$login"; then
        say "$login is already a jagtui user (change the role with: jagtui users role $login ROLE)"
    else
        as_admin users add "$login" --name "$name" --role "$role" --agency "$agency"
    fi
    say "$login can connect with: ssh -t $login@$(hostname -f 2>/dev/null || hostname)"
}

cmd_add_admin() {
    need_root add-admin
    [ $# -eq 1 ] || die "usage: $0 add-admin LOGIN (an existing account with a shell)"
    id "$1" >/dev/null 2>&1 || die "no account $1"
    usermod -a -G "$DATA_GROUP" "$1"
    if ! as_admin users list 2>/dev/null | cut -f1 | grep -qxF "$1"; then
        as_admin users add "$1" --role admin
    fi
    say "$1 can run jagtui commands (log in again for the new group)"
}

pg_psql() {
    if [ -n "${JAGTUI_PG_ADMIN:-}" ]; then
        psql "$JAGTUI_PG_ADMIN" -v ON_ERROR_STOP=1 -Atq "$@"
    else
        (cd / && runuser -u postgres -- psql -v ON_ERROR_STOP=1 -Atq "$@")
    fi
}

new_password() { head -c 24 /dev/urandom | base64 | tr -d '/+=\n' | cut -c1-28; }

cmd_postgres() {
    need_root postgres
    pg_database=jagtui; pg_host=127.0.0.1; pg_port=5432
    while [ $# -gt 0 ]; do
        case "$1" in
            --database) pg_database=$2; shift 2 ;;
            --host) pg_host=$2; shift 2 ;;
            --port) pg_port=$2; shift 2 ;;
            *) die "usage: $0 postgres [--database NAME] [--host HOST] [--port PORT]" ;;
        esac
    done
    [ -x "$APP" ] || die "run $0 install first"
    # Re-running keeps the passwords already handed out.
    OWNER_PW=; APP_PW=
    if [ -f "$PG_ENV" ]; then . "$PG_ENV"; fi
    owner_pw=${OWNER_PW:-$(new_password)}
    app_pw=${APP_PW:-$(new_password)}
    for pair in "$PG_OWNER:$owner_pw" "$PG_APP:$app_pw"; do
        role=${pair%%:*}; pw=${pair#*:}
        if [ -z "$(pg_psql -c "SELECT 1 FROM pg_roles WHERE rolname = '$role'")" ]; then
            pg_psql -c "CREATE ROLE \"$role\" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION"
            say "created PostgreSQL role $role"
        fi
        # Never a superuser or replication role: either could switch the audit triggers off.
        pg_psql -c "ALTER ROLE \"$role\" WITH LOGIN NOSUPERUSER NOREPLICATION NOBYPASSRLS PASSWORD '$pw'"
    done
    if [ -z "$(pg_psql -c "SELECT 1 FROM pg_database WHERE datname = '$pg_database'")" ]; then
        pg_psql -c "CREATE DATABASE \"$pg_database\" OWNER \"$PG_OWNER\""
        say "created PostgreSQL database $pg_database owned by $PG_OWNER"
    fi
    owner_url="postgresql+psycopg://$PG_OWNER:$owner_pw@$pg_host:$pg_port/$pg_database"
    app_url="postgresql+psycopg://$PG_APP:$app_pw@$pg_host:$pg_port/$pg_database"
    (umask 077 && printf "%s\n" \
        "# Written by deploy/setup.sh postgres: migrations run as the owner (root only)." \
        "OWNER_URL='$owner_url'" "OWNER_PW='$owner_pw'" \
        "APP_ROLE='$PG_APP'" "APP_PW='$app_pw'" >"$PG_ENV")
    chown root:root "$PG_ENV"
    chmod 0600 "$PG_ENV"
    # The app connects as the app role; the config (0640 root:data group) holds its password.
    sed -i "s|^url = .*|url = \"$app_url\"|" "$CONFIG"
    grep -qF "url = \"$app_url\"" "$CONFIG" || die "could not set the database url in $CONFIG"
    make_database
    say "jagtui now uses PostgreSQL database $pg_database as $PG_APP (audit trail: read and append only)"
}

case "${1:-}" in
    install) shift; cmd_install "$@" ;;
    postgres) shift; cmd_postgres "$@" ;;
    add-user) shift; cmd_add_user "$@" ;;
    add-admin) shift; cmd_add_admin "$@" ;;
    *) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
