#!/usr/bin/env bash
# Install test of the wsgate Debian package, run as root by .ci/run after
# `make deb` (on a throwaway machine: it installs and purges the package).
#
#   packaging/install-test.sh [dist/wsgate_VERSION_ARCH.deb]
#
# It installs the package with dpkg -i, checks what postinst made (the system
# user, directories, permissions, the enabled unit), runs the packaged server
# the way the unit does (as wsgate, from /etc/wsgate/config.yml; there is no
# systemd in the CI container), waits for /status to say ok, makes a first
# call through the packaged binary, stops the server with SIGTERM, purges the
# package and checks that the user, the state and the logs are gone.
# Needs: dpkg, adduser, curl, runuser (util-linux). Idempotent: a wsgate
# package left by an earlier run is purged first; on failure the server is
# stopped, its log shown and the package purged.
set -euo pipefail

cd "$(dirname "$0")/.."

PORT=9506
STATUS_URL="http://127.0.0.1:$PORT/status"
CONFIG=/etc/wsgate/config.yml

fail() { echo "install-test: FAIL: $*" >&2; exit 1; }
note() { echo "install-test: $*"; }

[ "$(id -u)" -eq 0 ] || fail "must run as root (it installs a package and a system user)"
for cmd in dpkg curl runuser getent stat; do
	command -v "$cmd" >/dev/null || fail "$cmd is missing"
done
command -v adduser >/dev/null || fail "adduser is missing (the package depends on it): apt-get install adduser"

deb=${1:-}
if [ -z "$deb" ]; then
	shopt -s nullglob
	debs=(dist/wsgate_*.deb)
	shopt -u nullglob
	[ ${#debs[@]} -gt 0 ] || fail "no dist/wsgate_*.deb: run make deb first"
	[ ${#debs[@]} -eq 1 ] || fail "several packages in dist/ (${debs[*]}): name one"
	deb=${debs[0]}
fi
[ -f "$deb" ] || fail "$deb: no such file"

server_log=$(mktemp)
pid=""
purged=0

# children prints the pids whose parent is $1 (no procps needed).
children() {
	local status
	for status in /proc/[0-9]*/status; do
		awk -v p="$1" '$1 == "PPid:" && $2 == p { split(FILENAME, a, "/"); print a[3] }' "$status" 2>/dev/null || true
	done
}

# stop_server sends SIGTERM to the wsgate process (runuser's child; runuser
# itself would turn a slow stop into SIGKILL after 2 s) and waits for it.
stop_server() {
	[ -n "$pid" ] || return 0
	local targets rc=0
	mapfile -t targets < <(children "$pid")
	[ ${#targets[@]} -gt 0 ] || targets=("$pid")
	kill -TERM "${targets[@]}" 2>/dev/null || true
	for _ in $(seq 1 300); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -KILL "${targets[@]}" "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		pid=""
		return 1
	fi
	wait "$pid" || rc=$?
	pid=""
	return "$rc"
}

cleanup() {
	local rc=$?
	trap - EXIT
	if [ -n "$pid" ]; then
		stop_server || true
	fi
	if [ "$rc" -ne 0 ]; then
		if [ -s "$server_log" ]; then
			echo "---- server log ----" >&2
			cat "$server_log" >&2
			echo "--------------------" >&2
		fi
		if [ "$purged" -eq 0 ] && dpkg-query -W -f='${Status}' wsgate 2>/dev/null | grep -qv 'not-installed'; then
			dpkg --purge wsgate >/dev/null 2>&1 || true
		fi
	fi
	rm -f "$server_log"
	exit "$rc"
}
trap cleanup EXIT

# A clean start: nothing of an earlier run, and the port free.
if dpkg-query -W -f='${Status}' wsgate 2>/dev/null | grep -qv 'not-installed'; then
	note "purging a wsgate package left by an earlier run"
	dpkg --purge wsgate >/dev/null
fi
if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
	fail "port $PORT is already in use on 127.0.0.1: stop what listens there first"
fi

note "dpkg -i $deb"
dpkg -i "$deb"

# The system user: no login shell, home in /var/lib/wsgate (not /home).
entry=$(getent passwd wsgate) || fail "no user wsgate after install"
IFS=: read -r _ _ uid _ _ home shell <<<"$entry"
[ "$shell" = /usr/sbin/nologin ] || fail "wsgate's shell is $shell, want /usr/sbin/nologin"
[ "$home" = /var/lib/wsgate ] || fail "wsgate's home is $home, want /var/lib/wsgate"
[ "$uid" -lt 1000 ] || fail "wsgate is not a system user (uid $uid)"
getent group wsgate >/dev/null || fail "no group wsgate after install"
[ ! -e /home/wsgate ] || fail "/home/wsgate exists"
if su wsgate -c true >/dev/null 2>&1; then
	fail "user wsgate can log in (su wsgate worked)"
fi

# What postinst set up.
check_stat() { # path owner:group mode
	local got
	got=$(stat -c '%U:%G %a' "$1") || fail "$1 is missing"
	[ "$got" = "$2 $3" ] || fail "$1 is $got, want $2 $3"
}
check_stat /var/lib/wsgate wsgate:wsgate 750
check_stat /var/log/wsgate wsgate:wsgate 750
check_stat /var/log/wsgate/wsgate.log wsgate:wsgate 640
check_stat "$CONFIG" root:wsgate 640
check_stat /etc/wsgate/conf.d root:wsgate 750
check_stat /usr/bin/wsgate root:root 755
dpkg-query -W -f='${Conffiles}\n' wsgate | grep -q "^ $CONFIG " || fail "$CONFIG is not a conffile"
[ -L /etc/systemd/system/multi-user.target.wants/wsgate.service ] ||
	fail "the unit was not enabled (no multi-user.target.wants/wsgate.service link)"
/usr/bin/wsgate version

# Serve as the unit does: user wsgate, the packaged config, umask 0027.
note "starting wsgate serve as user wsgate"
(cd /var/lib/wsgate && umask 0027 &&
	exec runuser -u wsgate -- /usr/bin/wsgate serve --config "$CONFIG") >"$server_log" 2>&1 &
pid=$!

body=""
for _ in $(seq 1 150); do
	kill -0 "$pid" 2>/dev/null || fail "wsgate serve exited before /status answered"
	if body=$(curl -sf --max-time 2 "$STATUS_URL" 2>/dev/null) && [[ $body == *'"status":"ok"'* ]]; then
		break
	fi
	body=""
	sleep 0.2
done
[ -n "$body" ] || fail "$STATUS_URL did not answer \"status\":\"ok\" within 30 s"
note "/status: $body"

# It wrote its store and its login secret as wsgate, in the state directory.
[ -f /var/lib/wsgate/wsgate.db ] || fail "/var/lib/wsgate/wsgate.db was not created"
[ "$(stat -c %U /var/lib/wsgate/wsgate.db)" = wsgate ] || fail "wsgate.db is not owned by wsgate"
check_stat /var/lib/wsgate/token.secret wsgate:wsgate 600

# A first call through the package: CLI writes as wsgate, the server answers.
as_wsgate() { (cd /var/lib/wsgate && runuser -u wsgate -- /usr/bin/wsgate --config "$CONFIG" "$@"); }
printf 'install-test-pw\n' | as_wsgate user create installtest --password-stdin --role admin >/dev/null
as_wsgate service enable moodle_mobile_app >/dev/null
token=$(as_wsgate token create --user installtest --service moodle_mobile_app)
reply=$(curl -sf --max-time 5 "http://127.0.0.1:$PORT/webservice/rest/server.php?wstoken=$token&wsfunction=core_webservice_get_site_info&moodlewsrestformat=json") ||
	fail "the REST call failed"
[[ $reply == *'"username":"installtest"'* ]] || fail "unexpected get_site_info reply: $reply"
note "get_site_info answered for installtest"

note "stopping wsgate (SIGTERM)"
stop_server || fail "wsgate serve did not stop cleanly on SIGTERM"

note "dpkg --purge wsgate"
dpkg --purge wsgate
purged=1
! getent passwd wsgate >/dev/null || fail "user wsgate still exists after purge"
! getent group wsgate >/dev/null || fail "group wsgate still exists after purge"
for path in /var/lib/wsgate /var/log/wsgate /etc/wsgate /usr/bin/wsgate \
	/usr/lib/systemd/system/wsgate.service /etc/systemd/system/multi-user.target.wants/wsgate.service; do
	if [ -e "$path" ] || [ -L "$path" ]; then
		fail "$path is still there after purge"
	fi
done

note "ok"
