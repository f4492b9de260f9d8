#!/usr/bin/env bash
# Tests of the bash completion of `tandem` (completion/tandem): verbs from the real
# `tandem --help` (argument 1: the built tandem), node numbers, IPs, groups, interfaces and
# tunables from a stand-in daemon: a fake `tandem` that answers the --json queries the
# completion asks, as tandemd's replies look (docs/design/control-protocol.md).
set -u
real_tandem=$1
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cat > "$work/tandem" <<FAKE
#!/usr/bin/env bash
case " \$* " in
  *" --help "*) exec "$real_tandem" --help ;;
  *" listnodes "*) printf '{\n  "nodes": [\n    {"pnn": 0, "address": "192.0.2.1"},\n    {"pnn": 1, "address": "192.0.2.2"},\n    {"pnn": 2, "address": "192.0.2.3"}\n  ]\n}\n' ;;
  *" ip "*) printf '{\n  "node": "all",\n  "addresses": [\n    {"address": "198.51.100.10", "prefix": 24, "node": 1},\n    {"address": "203.0.113.10", "prefix": 24, "node": 1}\n  ]\n}\n' ;;
  *" groups "*) printf '{\n  "groups": [\n    {"name": "target1", "node": 1, "nodes": [1], "addresses": ["198.51.100.10"]},\n    {"name": "target2", "node": null, "nodes": [], "addresses": []}\n  ]\n}\n' ;;
  *" ifaces -n 2 "*) printf '{"node": 2, "interfaces": [{"name": "eth3", "link": "up", "addresses": 0}]}\n' ;;
  *" ifaces "*) printf '{"node": 0, "interfaces": [{"name": "eth1", "link": "up", "addresses": 1}, {"name": "eth2", "link": "down", "addresses": 0}]}\n' ;;
  *" listvars "*) printf '{\n  "tunables": {\n    "IPAllocAlgorithm": 2,\n    "NoIPFailback": 0\n  }\n}\n' ;;
  *) exit 3 ;;
esac
FAKE
chmod +x "$work/tandem"

# shellcheck source=tandem
source "$here/tandem"

passed=0
failed=0
# expect "LINE TO COMPLETE" "EXPECTED REPLIES (sorted, space-separated)"
expect() {
    local line=$1 wanted=$2
    read -r -a COMP_WORDS <<< "$line"
    [[ $line == *" " ]] && COMP_WORDS+=("")
    COMP_WORDS[0]="$work/tandem"
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMP_LINE="$work/tandem ${line#* }" COMP_POINT=${#COMP_LINE}
    COMPREPLY=()
    _tandem
    local got
    got=$(printf '%s\n' "${COMPREPLY[@]}" | sort | xargs)
    if [[ $got == "$wanted" ]]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL: '$line' completes to '$got', expected '$wanted'"
    fi
}

run_all() {
expect "tandem " "$verbs"
expect "tandem --json " "$verbs"
expect "tandem moveg" "movegroup"
expect "tandem -n " "0 1 2"
expect "tandem disable -n " "0 1 2"
expect "tandem ip -n " "0 1 2 all"
expect "tandem ipinfo " "198.51.100.10 203.0.113.10"
expect "tandem moveip 19" "198.51.100.10"
expect "tandem moveip 198.51.100.10 " "0 1 2"
expect "tandem movegroup " "target1 target2"
expect "tandem movegroup target1 " "0 1 2"
expect "tandem setifacelink " "eth1 eth2"
expect "tandem setifacelink -n 2 " "eth3"
expect "tandem setifacelink eth1 " "down up"
expect "tandem getvar " "IPAllocAlgorithm NoIPFailback"
expect "tandem setvar NoIP" "NoIPFailback"
expect "tandem ban " ""
expect "tandem status --j" "--json"
}

# Every verb of `tandem --help`, whatever they are.
verbs=$("$real_tandem" --help | awk '/^[^ ]/ { inside = (tolower($0) ~ /^subcommands:/); next } inside && NF { print $1 }' | sort | xargs)
[[ $verbs == *status* && $verbs == *movegroup* ]] || { echo "FAIL: cannot read the verbs of $real_tandem --help"; exit 1; }
run_all
# Again with bash-completion's helpers, as an interactive shell has them.
if [[ -r /usr/share/bash-completion/bash_completion ]]; then
    # shellcheck source=/dev/null
    source /usr/share/bash-completion/bash_completion
    run_all
fi

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
