#!/usr/bin/env bash
# test_tls.sh: TLS and redirects. Radicale over HTTPS with a self-signed
# certificate: refused with a message that says why and what to do, then
# trusted with --cafile. Redirects (scripts/hostile-server): credentials
# never follow a redirect to another host, and HTTPS never falls back to
# plain HTTP.

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
need_servers
need_kith
command -v openssl >/dev/null 2>&1 || _need openssl

# ---- a self-signed certificate for 127.0.0.1
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
	-addext subjectAltName=IP:127.0.0.1 -keyout "$T/key.pem" -out "$T/cert.pem" >/dev/null 2>&1 ||
	die "openssl could not make a certificate"
chmod 600 "$T/key.pem"

# ---- Radicale over HTTPS: start it plain (lib.sh), then again with TLS
start_radicale
port=${RADICALE_URL##*:}
port=${port%/}
stop_pid "$RADICALE_PID"
sed -i "/^\[server\]/a ssl = True\ncertificate = $T/cert.pem\nkey = $T/key.pem" "$T/radicale/config"
spawn "$T/radicale/radicale-tls.log" radicale --config "$T/radicale/config"
RADICALE_PID=$SPAWNED_PID
for ((i = 0; i < 150; i++)); do
	curl -s -o /dev/null --cacert "$T/cert.pem" "https://127.0.0.1:$port/" && break
	kill -0 "$RADICALE_PID" 2>/dev/null || break
	sleep 0.1
done
curl -s -o /dev/null --cacert "$T/cert.pem" "https://127.0.0.1:$port/" || die "radicale with TLS did not start: $(tail -n 5 "$T/radicale/radicale-tls.log")"
HTTPS_URL="https://127.0.0.1:$port/"
RADICALE_URL=$HTTPS_URL   # lib.sh's curl helpers: credentials for this server
book=$(seed_radicale_book tls 20 --seed 9) || fail "seeding"
book=${book/http:/https:}
PWCMD=$(radicale_password_command)
kith_env

out=$(kith account add t "$HTTPS_URL" --user "$RADICALE_USER" --password-command "$PWCMD" 2>&1)
rc=$?
expect_eq "$rc" 1 "a self-signed server is refused"
grep -qi "not trusted" <<<"$out" && pass "the message says the certificate is not trusted" || { not_ok "not trusted"; diag "$out"; }
grep -q -- "--cafile" <<<"$out" && pass "the message says how to trust it (--cafile)" || { not_ok "--cafile hint"; diag "$out"; }
kith account list | grep -q '^t ' && not_ok "a refused account is not saved" || pass "a refused account is not saved"

out=$(kith account add t "$HTTPS_URL" --user "$RADICALE_USER" --password-command "$PWCMD" --cafile "$T/cert.pem" 2>&1)
expect_eq "$?" 0 "with --cafile the account is added"
grep -qF "$book" <<<"$out" && pass "discovery over TLS finds $book" || { not_ok "finds the book"; diag "$out"; }
grep -q "^cafile = $T/cert.pem" "$XDG_CONFIG_HOME/kith/config" && pass "the config keeps the CA file" || not_ok "cafile in config"
out=$(kith sync 2>&1)
expect_eq "$?" 0 "sync over TLS with the CA file"
grep -q "20 added" <<<"$out" && pass "20 people over TLS" || { not_ok "20 added"; diag "$out"; }
# Another CA file (not the server's): refused again.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=other -keyout "$T/k2.pem" -out "$T/other.pem" >/dev/null 2>&1
sed -i "s|^cafile = .*|cafile = $T/other.pem|" "$XDG_CONFIG_HOME/kith/config"
out=$(kith sync 2>&1)
expect_eq "$?" 1 "a CA file that did not sign the server: sync refused"
grep -qi "not trusted" <<<"$out" && pass "...saying the certificate is not trusted" || { not_ok "not trusted on sync"; diag "$out"; }

# ---- redirects
n_servers=0
hostile() {   # MODE [ARGS...]: sets H_PORT, H_LOG
	local mode=$1 i
	shift
	n_servers=$((n_servers + 1))
	H_LOG=$T/hostile-$n_servers.log
	: >"$H_LOG"
	spawn "$T/hostile-$n_servers.out" "$PY" "$KITH_SRCDIR/scripts/hostile-server" --mode "$mode" \
		--port-file "$T/hostile-$n_servers.port" --log "$H_LOG" --max-seconds 120 "$@"
	for ((i = 0; i < 100; i++)); do
		[[ -s $T/hostile-$n_servers.port ]] && break
		sleep 0.1
	done
	[[ -s $T/hostile-$n_servers.port ]] || die "hostile-server did not start: $(cat "$T/hostile-$n_servers.out")"
	H_PORT=$(cat "$T/hostile-$n_servers.port")
	H_PID=$SPAWNED_PID
}
requests() { grep -c . "$1"; }
with_auth() { grep -c '"auth": true' "$1"; }

# A redirect to another host (another port is another origin).
hostile ok
B_PORT=$H_PORT B_LOG=$H_LOG
hostile redirect --redirect-to "http://127.0.0.1:$B_PORT"
A_PORT=$H_PORT A_LOG=$H_LOG
kith_env
out=$(kith account add r "http://127.0.0.1:$A_PORT/book/" --user u --password-command "echo hunter2-secret" 2>&1)
rc=$?
expect_eq "$rc" 1 "a redirect to another host: account add refused"
grep -q "another host" <<<"$out" && pass "...saying the books are on another host" || { not_ok "another host message"; diag "$out"; }
grep -q "hunter2" <<<"$out" && not_ok "the password is in the message" || pass "the message holds no password"
(($(requests "$B_LOG") > 0)) && pass "the redirect was followed ($(requests "$B_LOG") request(s) at the other host)" || not_ok "the other host got no request"
expect_eq "$(with_auth "$B_LOG")" 0 "the other host never received an Authorization header"
(($(with_auth "$A_LOG") > 0)) && pass "the host the user named did get credentials" || not_ok "no credentials at all"

# A book that redirects at sync time (added while it was honest).
hostile ok
C_PORT=$H_PORT C_PID=$H_PID
kith_env
kith account add c "http://127.0.0.1:$C_PORT/book/" --user u --password-command "echo hunter2-secret" >/dev/null 2>&1 ||
	not_ok "account add on an honest server"
stop_pid "$C_PID"
hostile redirect --redirect-to "http://127.0.0.1:$B_PORT" --port "$C_PORT"
: >"$B_LOG"
out=$(kith sync 2>&1)
diag "sync through a redirect to another host: exit $? $out"
expect_eq "$(with_auth "$B_LOG")" 0 "sync: the redirect target never received an Authorization header"

# HTTPS that redirects to plain HTTP.
hostile ok
P_PORT=$H_PORT P_LOG=$H_LOG
hostile redirect --redirect-to "http://127.0.0.1:$P_PORT" --cert "$T/cert.pem" --key "$T/key.pem"
S_PORT=$H_PORT
kith_env
out=$(kith account add s "https://127.0.0.1:$S_PORT/book/" --user u --password-command "echo hunter2-secret" --cafile "$T/cert.pem" 2>&1)
expect_eq "$?" 1 "HTTPS redirecting to plain HTTP: refused"
grep -qi "HTTPS to plain HTTP" <<<"$out" && pass "...saying it will not go from HTTPS to HTTP" || { not_ok "https->http message"; diag "$out"; }
expect_eq "$(requests "$P_LOG")" 0 "the plain-HTTP listener received no request at all"

finish
