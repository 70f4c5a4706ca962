#!/bin/sh
# jagtui on a server: partners log in over SSH and get the app, never a shell,
# and never hold file rights to the data: the app runs as a service account.
#
#   sudo deploy/setup.sh install            install or upgrade; safe to run again
#   sudo deploy/setup.sh add-user LOGIN --key FILE [--name NAME] [--role ROLE] [--agency KEY]
#   sudo deploy/setup.sh add-admin LOGIN    a shell admin: may run jagtui commands, not forced into the app
#   sudo deploy/setup.sh postgres [--database NAME] [--host HOST] [--port PORT]
#                                           move to PostgreSQL: an owner role runs migrations, jagtui
#                                           connects as an app role that may only read and append the audit trail
#
# No systemd needed. POSIX sh; needs OpenSSH and sudo. Every step checks before
# it changes anything, so running it twice changes nothing the second time.
# See deploy/README.md.
#
# Layout (each overridable by the environment variable named):
#   JAGTUI_PREFIX  /opt/jagtui                the install: a Python venv, and libexec/ (what sudo runs)
#   JAGTUI_ETC     /etc/jagtui                config.toml (the service account's, 0600)
#   JAGTUI_DATA    /var/lib/jagtui            the database and exports (the service account's, 0700; files 0600)
#   JAGTUI_BIN     /usr/local/bin             jagtui-session (the ForceCommand) and jagtui (for admins)
#   JAGTUI_SSHD_DIR, JAGTUI_SSHD_CONFIG       where the sshd snippet goes, and the config that includes it
#   JAGTUI_SUDOERS /etc/sudoers.d/jagtui      the sudo rules: the app, and nothing else, as the service account
#   JAGTUI_SERVICE_USER jagtui-svc            the account jagtui runs as: the only one that can open the data
#   JAGTUI_GROUP   jagtui                     partners: get the app over SSH (the Match Group)
#   JAGTUI_ADMIN_GROUP jagtui-admin           shell administrators: may run jagtui commands
#   JAGTUI_DATA_GROUP jagtui-data             the group older versions shared the database with: partners are taken out
#   JAGTUI_PYTHON  python3                    the Python (3.11+) to build the venv with
#   JAGTUI_SOURCE  this checkout              what to install
#   JAGTUI_PG_OWNER jagtui_owner              PostgreSQL role that owns the tables and runs migrations
#   JAGTUI_PG_APP  jagtui_app                 PostgreSQL role jagtui connects as (owns nothing)
#   JAGTUI_PG_ADMIN (unset)                   a superuser URL for psql; unset: psql as the postgres account
set -eu
# Whatever the administrator's umask (077 is common hardening), what partners run
# (the session command, the venv) must be readable by them; the data is chmod-ed below.
umask 022

here=$(cd "$(dirname "$0")" && pwd)
PREFIX=${JAGTUI_PREFIX:-/opt/jagtui}
ETC=${JAGTUI_ETC:-/etc/jagtui}
DATA=${JAGTUI_DATA:-/var/lib/jagtui}
BIN=${JAGTUI_BIN:-/usr/local/bin}
SSHD_DIR=${JAGTUI_SSHD_DIR:-/etc/ssh/sshd_config.d}
SSHD_CONFIG=${JAGTUI_SSHD_CONFIG:-/etc/ssh/sshd_config}
SSHD_PIDFILE=${JAGTUI_SSHD_PIDFILE:-/run/sshd.pid}
SUDOERS=${JAGTUI_SUDOERS:-/etc/sudoers.d/jagtui}
SERVICE=${JAGTUI_SERVICE_USER:-jagtui-svc}
APP_GROUP=${JAGTUI_GROUP:-jagtui}
ADMIN_GROUP=${JAGTUI_ADMIN_GROUP:-jagtui-admin}
OLD_DATA_GROUP=${JAGTUI_DATA_GROUP:-jagtui-data}
PYTHON=${JAGTUI_PYTHON:-python3}
SOURCE=${JAGTUI_SOURCE:-$(dirname "$here")}
SSHD=$(command -v sshd || echo /usr/sbin/sshd)

APP="$PREFIX/venv/bin/jagtui"
# What sudo runs as the service account: the app for a partner (no arguments), and
# jagtui commands for administrators. Root-owned, in a folder only root can write.
LIBEXEC="$PREFIX/libexec"
APP_CMD="$LIBEXEC/jagtui-app"
ADMIN_CMD="$LIBEXEC/jagtui-admin"
CONFIG="$ETC/config.toml"
DATABASE="$DATA/jagtui.db"
EXPORTS="$DATA/exports"
# What the app is started with (sudo's env_reset, then these): nothing a partner sets
# reaches it but the terminal's type and language, and where the connection is from
# (sshd's SSH_CONNECTION, for the audit trail's "where from": descriptive only).
ENV_KEEP="TERM LANG LC_* SSH_CONNECTION"
# PostgreSQL only: the owner's URL and the app role, for migrations (root 0600).
PG_ENV="$ETC/postgres.env"
PG_OWNER=${JAGTUI_PG_OWNER:-jagtui_owner}
PG_APP=${JAGTUI_PG_APP:-jagtui_app}

say() { printf 'jagtui setup: %s\n' "$*"; }
die() { printf 'jagtui setup: %s\n' "$*" >&2; exit 1; }

# jagtui as the administrator running this script (root, as sudo reports it), run as the
# service account, so everything it creates in the data folder is that account's.
as_admin() { sudo -n -u "$SERVICE" -- "$ADMIN_CMD" "$@"; }

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

need_sudo() {
    command -v sudo >/dev/null && command -v visudo >/dev/null \
        || die "sudo is needed (jagtui runs as $SERVICE through it): apt-get install sudo"
}

ensure_service_account() {
    # No password ('!'), no shell, no keys: only the sudo rules below can start anything as it.
    if ! id "$SERVICE" >/dev/null 2>&1; then
        useradd --system --user-group --home-dir "$DATA" --no-create-home \
            --shell /usr/sbin/nologin --comment "jagtui service account" "$SERVICE"
        say "created service account $SERVICE"
    fi
    usermod -p '!' "$SERVICE"
}

retire_data_group() {
    # Older versions put every partner in a group that could open the database file.
    getent group "$OLD_DATA_GROUP" >/dev/null || return 0
    for member in $(getent group "$OLD_DATA_GROUP" | cut -d: -f4 | tr ',' ' '); do
        if id -nG "$member" 2>/dev/null | tr ' ' '\n' | grep -qxF "$APP_GROUP"; then
            gpasswd -d "$member" "$OLD_DATA_GROUP" >/dev/null
            say "took partner $member out of $OLD_DATA_GROUP"
        fi
    done
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

write_libexec() {
    mkdir -p "$LIBEXEC"
    cat >"$APP_CMD.new" <<EOF
#!/bin/sh
# Run by sudo as $SERVICE for a partner's SSH login (jagtui-session): the app, and
# no arguments (the sudoers rule allows none). sudo has reset the environment and
# says who logged in (SUDO_USER), which jagtui trusts in this account only.
umask 077
cd /
JAGTUI_CONFIG=$CONFIG
JAGTUI_SERVICE_ACCOUNT=$SERVICE
export JAGTUI_CONFIG JAGTUI_SERVICE_ACCOUNT
exec $APP
EOF
    cat >"$ADMIN_CMD.new" <<EOF
#!/bin/sh
# Run by sudo as $SERVICE for root and the $ADMIN_GROUP group: jagtui commands, as
# the login sudo reports (SUDO_USER), which must be a jagtui admin for most of them.
umask 077
JAGTUI_CONFIG=$CONFIG
JAGTUI_SERVICE_ACCOUNT=$SERVICE
export JAGTUI_CONFIG JAGTUI_SERVICE_ACCOUNT
exec $APP "\$@"
EOF
    for file in "$APP_CMD" "$ADMIN_CMD"; do
        chown root:root "$file.new"
        chmod 0755 "$file.new"
        mv "$file.new" "$file"
    done
    chown root:root "$LIBEXEC"
    chmod 0755 "$LIBEXEC"
}

write_sudoers() {
    mkdir -p "$(dirname "$SUDOERS")"
    cat >"$SUDOERS.new" <<EOF
# jagtui (written by deploy/setup.sh): the app runs as $SERVICE, the only account that
# can open its data. Partners may start exactly the app (no arguments); root and
# $ADMIN_GROUP may run jagtui commands. sudo resets the environment and keeps only:
Defaults!$APP_CMD env_reset, env_keep = "$ENV_KEEP", !use_pty
Defaults!$ADMIN_CMD env_reset, env_keep = "$ENV_KEEP", !use_pty
%$APP_GROUP ALL = ($SERVICE) NOPASSWD: $APP_CMD ""
%$ADMIN_GROUP ALL = ($SERVICE) NOPASSWD: $ADMIN_CMD
root ALL = ($SERVICE) NOPASSWD: $ADMIN_CMD
EOF
    chmod 0440 "$SUDOERS.new"
    if ! visudo -cqf "$SUDOERS.new"; then
        rm -f "$SUDOERS.new"
        die "visudo rejected the sudo rules; $SUDOERS left as it was"
    fi
    mv "$SUDOERS.new" "$SUDOERS"
}

write_config() {
    mkdir -p "$ETC"
    chmod 0755 "$ETC"
    if [ ! -f "$CONFIG" ]; then
        cat >"$CONFIG" <<EOF
# jagtui on this server. Only what differs from the shipped defaults is needed:
# \`jagtui config init --path FILE\` writes every setting, to copy from.
[database]
# The SQLite file, or postgresql+psycopg://jagtui_app:PASSWORD@127.0.0.1/jagtui
url = "$DATABASE"

[exports]
directory = "$EXPORTS"
EOF
        say "wrote $CONFIG"
    fi
    # The service account's alone: it may hold a database password.
    chown "$SERVICE:$SERVICE" "$CONFIG"
    chmod 0600 "$CONFIG"
}

make_data_folder() {
    # The service account's alone (an older layout's setgid group folder is taken back).
    mkdir -p "$DATA"
    chown -R "$SERVICE:$SERVICE" "$DATA"
    chmod 0700 "$DATA"
    chmod g-s "$DATA"
    chmod -R go-rwx "$DATA"
}

make_database() {
    if [ -f "$PG_ENV" ]; then
        # PostgreSQL: migrate as the owner, then grant the app role what it needs and no more.
        # Run as root, not through sudo: the owner's password stays out of sudo's log, and
        # the service account never sees it. Nothing is written on this machine.
        . "$PG_ENV"
        JAGTUI_CONFIG="$CONFIG" "$APP" db upgrade --db "$OWNER_URL" --app-role "$APP_ROLE"
        as_admin db status
    else
        # Made by the service account: 0600 in its 0700 folder (its -wal and -shm follow).
        as_admin db upgrade
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
# command the client asked for (\$SSH_ORIGINAL_COMMAND) is ignored. The app runs
# as $SERVICE through sudo (the partner holds no rights to its files), with the
# environment reset to the terminal's type and language.
if [ ! -t 0 ] || [ ! -t 1 ]; then
    echo "jagtui needs an interactive terminal: connect with ssh -t" >&2
    exit 1
fi
exec sudo -n -u $SERVICE -- $APP_CMD
EOF
    chmod 0755 "$BIN/jagtui-session"
    # Admins (root, or the $ADMIN_GROUP group) type \`jagtui ...\`: run as the service account.
    cat >"$BIN/jagtui" <<EOF
#!/bin/sh
exec sudo -n -u $SERVICE -- $ADMIN_CMD "\$@"
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
    need_sudo
    ensure_group "$APP_GROUP"
    ensure_group "$ADMIN_GROUP"
    ensure_service_account
    retire_data_group
    install_app
    write_libexec
    write_sudoers
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
    # The app group only: the app runs as $SERVICE, so the partner needs no rights to its files.
    usermod -a -G "$APP_GROUP" "$login"
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
    # sudo lets the group run jagtui commands as $SERVICE; jagtui knows them by their login.
    usermod -a -G "$ADMIN_GROUP" "$1"
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
    # The app connects as the app role; the config (the service account's, 0600) holds its password.
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
    *) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
