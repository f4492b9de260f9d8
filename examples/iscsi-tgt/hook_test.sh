#!/bin/sh
# The 60.iscsi-tgt hook against a fake tgtadm first on PATH, which records every call and
# keeps a little state (targets, LUNs, portals) in files: no tgtd, no root, no network.
# Each test_* function is one behaviour; the first failure ends the run with status 1.
set -eu

hook="$(cd "$(dirname "$0")" && pwd)/60.iscsi-tgt"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

setup() {
  rm -rf "${work:?}"/* && mkdir -p "$work/bin" "$work/state" "$work/events.d"
  cat > "$work/bin/tgtadm" <<'FAKE'
#!/bin/sh
state=$FAKE_TGT_STATE
echo "$*" >> "$state/calls"
[ -e "$state/down" ] && { echo "tgtadm: can't connect to tgtd" >&2; exit 107; }
op= mode= tid= param= name=
while [ $# -gt 0 ]; do
  case "$1" in
    --op) op=$2; shift ;; --mode) mode=$2; shift ;; --tid) tid=$2; shift ;;
    --param) param=$2; shift ;; --targetname) name=$2; shift ;;
  esac
  shift
done
touch "$state/targets" "$state/portals"
case "$op/$mode" in
  show/system) ;;
  show/target) cat "$state/targets" ;;
  show/portal) cat "$state/portals" ;;
  new/target) echo "Target $tid: $name" >> "$state/targets" ;;
  new/logicalunit) echo "        LUN: 1" >> "$state/targets" ;;
  new/portal) echo "Portal: ${param#portal=},1" >> "$state/portals" ;;
  delete/portal) grep -vxF "Portal: ${param#portal=},1" "$state/portals" > "$state/p" || true; mv "$state/p" "$state/portals" ;;
  delete/target)
    # `busy N`: the LUN has a command in flight for N more attempts, as tgtd says then.
    if [ -s "$state/busy" ] && [ "$(cat "$state/busy")" -gt 0 ]; then
      echo $(($(cat "$state/busy") - 1)) > "$state/busy"
      echo "tgtadm: this logical unit is still active" >&2
      exit 22
    fi
    : > "$state/targets" ;;
esac
exit 0
FAKE
  chmod 755 "$work/bin/tgtadm"
  : > "$work/disk.img"
  printf 'g0 198.51.100.10@eth1 203.0.113.10@eth2 on-path-loss=stay\ng1 198.51.100.11@eth1\n' > "$work/ip_groups"
  printf 'ip_groups = %s\ncontrol_port = 7\nnode_label = n3\ntarget g0 1 iqn.2026-12.org.example:g0 %s SER0 DEV0\n' \
    "$work/ip_groups" "$work/disk.img" > "$work/events.d/iscsi-tgt.conf"
  cp "$hook" "$work/events.d/60.iscsi-tgt"
}

run_hook() { PATH="$work/bin:$PATH" FAKE_TGT_STATE="$work/state" "$work/events.d/60.iscsi-tgt" "$@"; }
calls() { cat "$work/state/calls" 2>/dev/null || true; }
line_of() { calls | grep -n -- "$1" | head -n 1 | cut -d: -f1; }
fail() { echo "FAIL: $current: $*" >&2; calls | sed 's/^/  call: /' >&2; exit 1; }

test_takegroup_makes_the_target_complete_before_its_first_portal() {
  run_hook takegroup g0 || fail "exited $?"
  target=$(line_of "--op new --mode target --tid 1 --targetname iqn.2026-12.org.example:g0")
  lun=$(line_of "--op new --mode logicalunit --tid 1 --lun 1 --backing-store $work/disk.img")
  identity=$(line_of "scsi_sn=SER0,scsi_id=DEV0,product_rev=n3")
  bind=$(line_of "--op bind --mode target --tid 1 --initiator-address ALL")
  portal_a=$(line_of "--op new --mode portal --param portal=198.51.100.10:3260")
  portal_b=$(line_of "--op new --mode portal --param portal=203.0.113.10:3260")
  [ -n "$target" ] && [ -n "$lun" ] && [ -n "$identity" ] && [ -n "$bind" ] && [ -n "$portal_a" ] && [ -n "$portal_b" ] ||
    fail "a step is missing"
  [ "$target" -lt "$lun" ] && [ "$lun" -lt "$identity" ] && [ "$identity" -lt "$bind" ] && [ "$bind" -lt "$portal_a" ] ||
    fail "the portals do not come last"
}

test_every_call_names_the_configured_control_port() {
  run_hook takegroup g0 || fail "exited $?"
  [ -z "$(calls | grep -v '^-C 7 --lld iscsi ')" ] || fail "a call without -C 7"
}

test_a_second_takegroup_makes_nothing_twice() {
  run_hook takegroup g0 && run_hook takegroup g0 || fail "exited $?"
  [ "$(calls | grep -c -- '--op new')" -eq 4 ] || fail "expected 4 creations in all"
}

test_a_missing_backing_file_fails_naming_it_and_makes_nothing() {
  rm "$work/disk.img"
  status=0
  run_hook takegroup g0 2> "$work/err" || status=$?
  [ "$status" -eq 1 ] || fail "exit status $status, not 1"
  grep -q "backing store $work/disk.img is missing" "$work/err" || fail "message: $(cat "$work/err")"
  [ -z "$(calls | grep -- '--op new')" ] || fail "made something"
}

test_a_group_without_a_target_line_is_not_the_hooks() {
  run_hook takegroup g1 && run_hook releasegroup g1 || fail "exited $?"
  [ -z "$(calls)" ] || fail "called tgtadm"
}

test_releasegroup_removes_the_portals_before_the_target() {
  run_hook takegroup g0 && run_hook releasegroup g0 || fail "exited $?"
  portal=$(line_of "--op delete --mode portal --param portal=203.0.113.10:3260")
  target=$(line_of "--op delete --force --mode target --tid 1")
  [ -n "$portal" ] && [ -n "$target" ] && [ "$portal" -lt "$target" ] || fail "wrong order or missing"
  [ ! -s "$work/state/portals" ] && [ ! -s "$work/state/targets" ] || fail "something is left"
}

test_releasegroup_takes_the_target_offline_and_waits_for_its_commands_in_flight() {
  run_hook takegroup g0 || fail "exited $?"
  echo 3 > "$work/state/busy"
  run_hook releasegroup g0 2>/dev/null || fail "exited $? while the LUN was busy for 3 attempts"
  offline=$(line_of "--op update --mode target --tid 1 --name state --value offline")
  [ -n "$offline" ] || fail "the target was not taken offline"
  [ "$(calls | grep -c -- "--op delete --force --mode target --tid 1")" -eq 4 ] || fail "not 4 attempts"
  [ ! -s "$work/state/targets" ] || fail "the target is left"
}

test_releasegroup_fails_when_the_target_stays_busy() {
  run_hook takegroup g0 || fail "exited $?"
  echo 1000 > "$work/state/busy"
  echo "busy_seconds = 1" >> "$work/events.d/iscsi-tgt.conf"
  if run_hook releasegroup g0 2>/dev/null; then fail "succeeded with the target still there"; fi
}

test_monitor_fails_while_tgtd_does_not_answer() {
  run_hook monitor || fail "failed while tgtd answers"
  touch "$work/state/down"
  if run_hook monitor 2>/dev/null; then fail "succeeded while tgtd is down"; fi
}

test_updateip_keeps_everything() {
  run_hook takegroup g0 || fail "exited $?"
  before=$(calls | wc -l)
  run_hook updateip eth1 eth2 198.51.100.10 24 || fail "exited $?"
  [ "$(calls | wc -l)" -eq "$before" ] || fail "updateip called tgtadm"
}

test_a_bad_target_line_is_a_configuration_error() {
  echo "target g9 9 iqn.x" >> "$work/events.d/iscsi-tgt.conf"
  status=0
  run_hook monitor 2>/dev/null || status=$?
  [ "$status" -eq 2 ] || fail "exit status $status, not 2"
}

count=0
for current in $(sed -n 's/^\(test_[a-z_]*\)() {$/\1/p' "$0"); do
  setup
  "$current"
  count=$((count + 1))
done
echo "$count hook tests passed"
