#!/bin/sh
# jagtui on a server: partners log in over SSH and get the app, never a shell.
#
#   sudo deploy/setup.sh install            install or upgrade; safe to run again
#   sudo deploy/setup.sh add-user LOGIN --key FILE [--name NAME] [--role ROLE] [--agency KEY]
#   sudo deploy/setup.sh add-admin LOGIN    a shell admin: may run jagtui commands, not forced into the app
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
    # jagtui makes a database in a setgid folder 0660 (its -wal and -shm follow).
    as_admin db upgrade
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

case "${1:-}" in
    install) shift; cmd_install "$@" ;;
    add-user) shift; cmd_add_user "$@" ;;
    add-admin) shift; cmd_add_admin "$@" ;;
    *) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
