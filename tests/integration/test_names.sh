#!/usr/bin/env bash
# test_names.sh: the shell as people type at it. Names unquoted in front of
# the text ("log Björn Mensah --via phone Talked about the garden"), words
# that look like options, and output that goes to a pipe whole. Through
# the real binary against a real Xandikos.
source "$(dirname "$0")/lib.sh"
need_servers
need_kith
start_xandikos
book=$(make_xandikos_book names) || die "cannot make the book"

long=maximilian.alexander.von.hohenzollern-sigmaringen.the.third@a-very-long-domain-name.example.org
card bm.vcf UID:bm-1 'FN:Björn Mensah' EMAIL:bjorn.m@example.org TEL:+49-30-555-0101
card bo.vcf UID:bo-1 'FN:Björn Okafor' EMAIL:bjorn.o@example.org
card om.vcf UID:om-1 'FN:Ольга Murphy' EMAIL:olga@example.org
card mx.vcf UID:mx-1 'FN:Maximilian Alexander von Hohenzollern-Sigmaringen der Dritte' "EMAIL:$long" \
	X-KITH-CADENCE:P1W "X-KITH-LOG:2026-10-01 email 44444444 A very long note about the castle, the gardens, the horses, the library and the old clock tower that needs repair"

kith_env
export KITH_TODAY=2026-11-27
# ---- first run: no account, nobody; every view says how to start
for c in queue next list; do
	out=$(kith $c 2>&1)
	[[ $out == "No people yet. (kith account add NAME URL --user USER, then kith sync)" ]] &&
		pass "first run: $c says how to add an account" || { not_ok "first run $c"; diag "$out"; }
done
check "account add" kith account add x "$book" --user u --password-command 'echo x'
check "sync" kith sync
logtext() { kith show --json "$1" | "$PY" -c 'import json, sys
v = json.load(sys.stdin)
print(v["log"][0]["text"] if v["log"] else "")'; }

# ---- names as people type them
kith log Björn Mensah --via phone Talked about the garden >"$T/out" 2>"$T/err"
expect_eq "$?" 0 "log Björn Mensah ... (two Björns): the whole name resolves"
expect_eq "$(logtext bm-1)" "Talked about the garden" "and the rest is the text"
kith log Ольга Murphy Chatted about winter >"$T/out" 2>"$T/err"
expect_eq "$?" 0 "log Ольга Murphy ... (the first word alone is unique)"
expect_eq "$(logtext om-1)" "Chatted about winter" "the rest of the name does not leak into the text"
kith log "Björn Okafor" Quoted still works >/dev/null 2>&1
expect_eq "$(logtext bo-1)" "Quoted still works" "a quoted name still works"
kith log Björn Said hello >"$T/out" 2>"$T/err"
expect_eq "$?" 2 "log Björn ... (two Björns, no more of the name) is ambiguous"
grep -q "ambiguous person 'Björn'" "$T/err" && grep -q "Björn Mensah" "$T/err" && grep -q "Björn Okafor" "$T/err" &&
	pass "and lists both candidates" || { not_ok "candidates listed"; diag "$(cat "$T/err")"; }
out=$(kith draft Björn Mensah 2>&1)
expect_eq "$?" 0 "draft Björn Mensah: Mensah is part of the name, not a template"
[[ $out == *"Hi Björn"* ]] && pass "and drafts for Björn" || { not_ok "draft for Björn"; diag "$out"; }
out=$(kith draft Björn Mensah thanks 2>&1)
[[ $out == *"thank you"* ]] && pass "draft Björn Mensah thanks: the template after the name" ||
	{ not_ok "template after a two-word name"; diag "$out"; }
kith draft Björn Mensah nosuch >/dev/null 2>"$T/err"
expect_eq "$?" 2 "draft with an unknown template after the name fails"
grep -q "no template 'nosuch'" "$T/err" && pass "naming the template" || { not_ok "names the template"; diag "$(cat "$T/err")"; }
kith intro Björn Mensah Ольга Murphy met at the forum >"$T/out" 2>"$T/err"
expect_eq "$?" 0 "intro with two unquoted two-word names"
expect_eq "$(logtext om-1)" "Introduced to Björn Mensah: met at the forum" "each names the other, the rest is the text"

# ---- words that look like options
kith log Björn Mensah -v phone Called >"$T/out" 2>"$T/err"
expect_eq "$?" 2 "an unknown short option (-v) is an error"
grep -q "unknown option -v" "$T/err" && pass "naming it" || { not_ok "names -v"; diag "$(cat "$T/err")"; }
[[ $(logtext bm-1) != *"-v"* ]] && pass "and nothing is logged with -v in the text" || not_ok "-v in the text"
kith sync -v >/dev/null 2>"$T/err"
expect_eq "$?" 2 "sync -v is an unknown option"
grep -q "unknown option -v" "$T/err" && ! grep -q "no account" "$T/err" &&
	pass "not an account called -v" || { not_ok "sync -v"; diag "$(cat "$T/err")"; }
kith log Björn Mensah -- -5 degrees outside >/dev/null 2>"$T/err"
expect_eq "$?" 0 "text that starts with '-' after --"
expect_eq "$(logtext bm-1)" "-5 degrees outside" "is logged as written"

# ---- output that goes to a pipe is whole
kith list | cat >"$T/list"
grep -qF "$long" "$T/list" && pass "list | cat: a long email whole" || { not_ok "list | cat whole"; diag "$(cat "$T/list")"; }
grep -qF "Maximilian Alexander von Hohenzollern-Sigmaringen der Dritte" "$T/list" &&
	pass "and a long name whole" || not_ok "long name whole"
grep -q "…" "$T/list" && not_ok "nothing is cut with … in a pipe" || pass "nothing is cut with … in a pipe"
kith queue --all | cat >"$T/queue"
grep -qF "the old clock tower that needs repair" "$T/queue" && pass "queue | cat: the whole note" ||
	{ not_ok "queue note whole"; diag "$(cat "$T/queue")"; }
COLUMNS=40 kith help | cat >"$T/help40"
awk '{ if (length($0) > 40) bad = 1 } END { exit bad }' "$T/help40" && grep -q "^            people, each naming the$" "$T/help40" &&
	pass "help wraps at word boundaries to COLUMNS, under its column" || { not_ok "help wraps"; diag "$(cat "$T/help40")"; }
kith help | grep -q "log an introduction on both people, each naming the other$" &&
	pass "and a pipe without COLUMNS gets each line whole" || not_ok "help whole in a pipe"
COLUMNS=60 kith list | cat >"$T/list60"
awk '{ if (length($0) > 60) bad = 1 } END { exit bad }' "$T/list60" && grep -q "…" "$T/list60" &&
	pass "COLUMNS=60 is honoured off a terminal (cut to fit)" || { not_ok "COLUMNS honoured"; diag "$(cat "$T/list60")"; }

# ---- today: "call instead?" only with a number; the same all day
# Björn Okafor and Ольга Murphy have only been written to; only Björn
# Mensah has a phone, and he has a phone call logged: nobody to upgrade.
kith log "Björn Okafor" --via email --date 2026-11-01 Sent the photos >/dev/null
kith log "Ольга Murphy" --via email --date 2026-11-02 Sent the article >/dev/null
out=$(kith today)
[[ $out == *"upgrade    nobody (no one you only email or text and have a number for)"* ]] &&
	pass "today never says to call someone without a phone number" || { not_ok "upgrade without a phone"; diag "$out"; }
printf '%s\r\n' BEGIN:VCARD VERSION:3.0 UID:nw-1 'FN:Nadia Wolde' TEL:+251-11-555-0102 \
	'X-KITH-LOG:2026-10-01 email 55555555 The recipe' 'X-KITH-LOG:2026-10-20 text 66666666 See you soon' \
	END:VCARD >"$T/nw.vcf"
put_card -n "${book}nw.vcf" "$T/nw.vcf" >/dev/null || fail "PUT nw.vcf"
kith sync >/dev/null 2>&1 || not_ok "sync after another device added a card"
kith add "Tomás Ferreira" --email tomas@example.org >/dev/null 2>&1 || not_ok "add"
expect_eq "$(kith today)" "$out" "today is the same after a sync and an add during the day"
KITH_TODAY=2026-11-28 kith today >"$T/tomorrow"
grep -q "upgrade    Nadia Wolde" "$T/tomorrow" && pass "the next day the new card (written to, with a number) can be chosen" ||
	{ not_ok "Nadia the next day"; diag "$(cat "$T/tomorrow")"; }

# ---- templates: no repeats, unknown placeholders, wording by tone
mkdir -p "$XDG_CONFIG_HOME/kith/templates"
kith add "Ines Duarte" >/dev/null && kith add "Kofi Asante" >/dev/null || not_ok "add two people"
kith log Ines Duarte --via meet --date 2026-11-10 Coffee at the harbour, then a walk >/dev/null
printf 'We {what} {where}.\n' >"$XDG_CONFIG_HOME/kith/templates/both"
expect_eq "$(kith draft Ines Duarte both)" "We met up at the harbour." \
	"{what} does not repeat the place when the template has {where}"
printf 'Hi {frist}, {since}\n' >"$XDG_CONFIG_HOME/kith/templates/typo"
kith draft Ines Duarte typo >"$T/out" 2>"$T/err"
expect_eq "$?" 2 "a template with an unknown placeholder fails"
grep -q "the template 'typo' has an unknown placeholder {frist}: use {first}, {name}" "$T/err" &&
	pass "naming it and the ones there are" || { not_ok "unknown placeholder named"; diag "$(cat "$T/err")" "$(cat "$T/out")"; }
kith log Kofi Asante --via email --date 2026-11-25 The tickets >/dev/null
out=$(kith draft Kofi Asante)
expect_eq "$out" "Hi Kofi, it was good that we emailed the other day. How have things been since?" \
	"a touch two days ago reads as a person would write it"
bad=0
for t in reconnect birthday congrats thanks; do
	for who in "Kofi Asante" "Tomás Ferreira"; do
		out=$(kith draft "$who" "$t")
		[[ $out == *"a few days since"* || $out == *"only a few days"* || $out == *"a while since we last"* ]] &&
			{ bad=1; diag "$t for $who: $out"; }
	done
done
expect_eq "$bad" 0 "no built-in says 'only a few days since' or 'a while since we last' (recent, or never logged)"
[[ $(kith draft "Tomás Ferreira") == "Hi Tomás, it has been too long since we were properly in touch. How have things been?" ]] &&
	pass "never logged: a phrase of its own" || not_ok "never logged phrase"

# ---- a touch without words, comments, misspelt commands
kith log Kofi Asante --via phone >"$T/out" 2>"$T/err"
expect_eq "$?" 0 "log PERSON --via phone alone is a touch"
kith show --json Kofi Asante | "$PY" -c 'import json, sys
v = json.load(sys.stdin)
assert v["log"][0]["via"] == "phone" and v["log"][0]["text"] == "", v["log"][0]
assert v["last_contact"] == "2026-11-27", v' && pass "logged today, by phone, with no text" || not_ok "a touch without text"
out=$(printf '%s\n' '# the morning round' '   # indented too' version | kith 2>&1)
expect_eq "$out" "$(kith version)" "lines of standard input that start with # are comments"
kith shwo Kofi >/dev/null 2>"$T/err"
expect_eq "$?" 2 "a misspelt command exits 2"
grep -q "unknown command: shwo; did you mean 'show'?" "$T/err" && pass "and says which one was meant" ||
	{ not_ok "did you mean"; diag "$(cat "$T/err")"; }
out=$(kith help log)
[[ $out == *"options: --via --date"*"example: log Ana Lima --via phone"*"dates: YYYY-MM-DD, today, yesterday, 3d"* ]] &&
	pass "help COMMAND: usage, options, examples, the rules for dates" || { not_ok "help log"; diag "$out"; }
[[ $(kith help next) == *"keys: l log"*"s snooze, d draft, k skip, q quit"* ]] && pass "help next lists its keys" ||
	not_ok "help next keys"

# ---- birthdays: without a year, no age; Apple's 1604 is no year
card bd1.vcf UID:bd-1 'FN:Yuki Sato' BDAY:--08-22
card bd2.vcf UID:bd-2 'FN:Omar Haddad' BDAY:1604-11-29
card bd3.vcf UID:bd-3 'FN:Ruth Cohen' BDAY:1950-11-30
kith sync >/dev/null 2>&1
kith show Yuki Sato | grep -q "birthday *08-22 (in 268 days, Sunday 22 August)" &&
	pass "a birthday without a year: day and month, weekday, no age" || { not_ok "no-year birthday"; diag "$(kith show Yuki Sato)"; }
out=$(kith today)
[[ $out == *"Omar Haddad: in 2 days, Sunday 29 November"$'\n'* && $out == *"Ruth Cohen: in 3 days, Monday 30 November, turns 76"* ]] &&
	pass "today: Apple's 1604 has no age, a real year has one" || { not_ok "birthdays in today"; diag "$out"; }

# ---- undo: the last change not yet synced
kith sync >/dev/null 2>&1
n_before=$(kith show --json Kofi Asante | "$PY" -c 'import json, sys; print(len(json.load(sys.stdin)["log"]))')
kith log Kofi Asante --via meet Lunhc typo >/dev/null
out=$(kith undo)
expect_eq "$out" 'undone: the touch of 2026-11-27 ("Lunhc typo") for Kofi Asante' "undo takes back a log, saying which"
expect_eq "$(kith show --json Kofi Asante | "$PY" -c 'import json, sys; print(len(json.load(sys.stdin)["log"]))')" "$n_before" \
	"and the entry is gone"
kith cadence Kofi Asante 2w >/dev/null
kith snooze Kofi Asante 3w >/dev/null
expect_eq "$(kith undo)" "undone: snooze until 2026-12-18 for Kofi Asante" "undo, newest first: the snooze"
expect_eq "$(kith undo)" "undone: cadence every 2 weeks for Kofi Asante" "then the cadence"
kith show --json Kofi Asante | grep -q '"cadence":null' && pass "and the cadence is as before" ||
	{ not_ok "cadence back"; diag "$(kith show --json Kofi Asante)"; }
kith add "Temp Person" >/dev/null
expect_eq "$(kith undo)" "undone: the add, never on the server, of Temp Person" "undo of an add drops the new card"
kith show Temp Person >/dev/null 2>&1
expect_eq "$?" 2 "which is gone"
kith sync >/dev/null 2>&1
[[ $(kith undo) == "Nothing to undo: every change is on the server already"* ]] &&
	pass "after a sync there is nothing to undo" || not_ok "nothing to undo after sync"

# ---- add: a person already there is refused (or asked about), bad emails too
n0=$(kith list --json | "$PY" -c 'import json, sys; print(len(json.load(sys.stdin)))')
kith add "björn mensah" >/dev/null 2>"$T/err"
expect_eq "$?" 2 "add of a name already there (any case) is refused off a terminal"
grep -q "Björn Mensah <bjorn.m@example.org> has that name already: nothing added ('add --force'" "$T/err" &&
	pass "naming who has it and the way to insist" || { not_ok "duplicate name message"; diag "$(cat "$T/err")"; }
kith add "B. Mensah" --email BJORN.M@example.org >/dev/null 2>"$T/err"
expect_eq "$?" 2 "add with an email already there (any case) is refused"
grep -q "has that email already" "$T/err" && pass "saying it is the email" || { not_ok "duplicate email message"; diag "$(cat "$T/err")"; }
kith add "Björn Mensah" --force >/dev/null 2>&1
expect_eq "$?" 0 "add --force adds a second Björn Mensah all the same"
for bad in "not-an-email" "a@b" "two@@example.org" "sp ace@example.org" "a@-x.org" "a@x..org" ".a@x.org"; do
	kith add "Mail Test" --email "$bad" >/dev/null 2>"$T/err"
	[[ $? == 2 ]] && grep -q "is not an email address" "$T/err" || { not_ok "invalid email refused: $bad"; diag "$(cat "$T/err")"; continue; }
	pass "invalid email refused: $bad"
done
kith add "Mail Test" --email "zoë.o'brien+kith@exämple.org" >/dev/null 2>&1
expect_eq "$?" 0 "a real-world email with a quote, a plus and non-ASCII is taken"
expect_eq "$(kith list --json | "$PY" -c 'import json, sys; print(len(json.load(sys.stdin)))')" $((n0 + 2)) \
	"only the forced and the valid add added anyone"
kith add Lena Berg --category Friends --category "Book, club" --cadence 2w >/dev/null 2>"$T/err"
expect_eq "$?" 0 "add with --category (twice) and --cadence"
kith show --json Lena Berg | "$PY" -c 'import json, sys
v = json.load(sys.stdin)
assert v["cadence"] == "P2W", v
assert v["categories"] == ["Friends", "Book, club"], v["categories"]' &&
	pass "the new person has the cadence and both categories" || { not_ok "cadence and categories"; diag "$(kith show --json Lena Berg)"; }
kith add "Bad Cadence" --cadence 3x >/dev/null 2>&1
expect_eq "$?" 2 "add with a bad --cadence is refused"
kith sync >/dev/null 2>&1 || not_ok "sync of the new people"
href=$(kith show --json Lena Berg | "$PY" -c 'import json, sys; print(json.load(sys.stdin)["href"])')
raw=$(get_card "${XANDIKOS_URL%/}$href" | tr -d '\r')
grep -qx 'CATEGORIES:Friends,Book\\, club' <<<"$raw" && grep -qx 'X-KITH-CADENCE:P2W' <<<"$raw" &&
	pass "and they reach the server's card" || { not_ok "on the server"; diag "$raw"; }
# ---- wide and combining characters: tables align by display columns
# 王小明 takes six columns in three characters; "José" with a combining
# acute (e + U+0301) four columns in five characters.
card wx.vcf UID:wx-1 'FN:王小明' EMAIL:wang@example.org X-KITH-CADENCE:P1W \
	'X-KITH-LOG:2026-10-02 call 55555555 Tea'
card jc.vcf UID:jc-1 "FN:$(printf 'Jose\xcc\x81 Marti')" EMAIL:jose@example.org X-KITH-CADENCE:P1W \
	'X-KITH-LOG:2026-10-03 call 66666666 Coffee'
kith sync >/dev/null 2>&1 || not_ok "sync of the wide names"
# aligned COLUMN-TEXT LINE...: every line shows COLUMN-TEXT at one display column.
aligned() { "$PY" -c '
import sys, unicodedata
def cols(s):
    return sum(0 if unicodedata.combining(c) else
               2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
want, lines = sys.argv[1], sys.argv[2:]
at = {cols(l[:l.index(want)]) for l in lines if want in l}
sys.exit(0 if len(at) == 1 and all(want in l for l in lines) else 1)' "$@"; }
for w in 80 200; do
	out=$(COLUMNS=$w kith list)
	mapfile -t rows < <(grep -e '王小明' -e 'Marti' <<<"$out")
	[[ ${#rows[@]} == 2 ]] && aligned "every week" "${rows[@]}" &&
		aligned "2026-10-" "${rows[@]}" &&
		pass "list at $w columns: 王小明 and a combining accent align" ||
		{ not_ok "list aligns wide names at $w"; diag "$out"; }
	out=$(COLUMNS=$w kith queue)
	mapfile -t rows < <(grep -e '王小明' -e 'Marti' <<<"$out")
	[[ ${#rows[@]} == 2 ]] && aligned "days overdue" "${rows[@]}" &&
		aligned "every week" "${rows[@]}" &&
		pass "queue at $w columns: 王小明 and a combining accent align" ||
		{ not_ok "queue aligns wide names at $w"; diag "$out"; }
done
out=$(kith queue | grep -e '王小明' -e 'Marti')
mapfile -t rows <<<"$out"
[[ ${#rows[@]} == 2 ]] && aligned "days overdue" "${rows[@]}" &&
	pass "queue piped: they align too" || { not_ok "queue piped"; diag "$out"; }
# history sized its names by characters (SQLite's length), now by columns.
out=$(COLUMNS=80 kith history --limit 100 | grep -e '王小明' -e 'Marti' | sed 's/ \(Tea\|Coffee\)$/ NOTE/')
mapfile -t rows <<<"$out"
[[ ${#rows[@]} == 2 ]] && aligned "NOTE" "${rows[@]}" &&
	pass "history: the notes after them start at one column" || { not_ok "history aligns wide names"; diag "$out"; }
finish
