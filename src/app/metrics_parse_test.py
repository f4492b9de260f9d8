#!/usr/bin/env python3
"""Parses the daemon's metrics with Prometheus's own text parser (python3-prometheus-client).

Usage: metrics_parse_test.py METRICS_SAMPLE_PROGRAM. Exit 0: parsed, and the families and
values checked below are there; 1: a failure (printed); 77: the parser is not installed.
"""
import subprocess
import sys

try:
    from prometheus_client.parser import text_string_to_metric_families
except ImportError:
    print("python3-prometheus-client is not installed: skipped")
    sys.exit(77)


def main():
    text = subprocess.run([sys.argv[1]], check=True, capture_output=True, text=True).stdout
    families = {family.name: family for family in text_string_to_metric_families(text)}
    samples = {}
    for family in families.values():
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value

    def expect(name, labels, value):
        key = (name, tuple(sorted(labels.items())))
        if samples.get(key) != value:
            raise AssertionError(f"{name}{labels}: expected {value}, got {samples.get(key)}")

    # The parser names a counter's family without _total and its samples with it.
    for family, kind in [("tandem_takeover_runs", "counter"), ("tandem_hook_failures", "counter"),
                         ("tandem_refused_frames", "counter"), ("tandem_epoch", "gauge"),
                         ("tandem_public_ip_held", "gauge"), ("tandem_interface_up", "gauge")]:
        if family not in families or families[family].type != kind:
            raise AssertionError(f"no {kind} family {family} in:\n{text}")
    expect("tandem_takeover_runs_total", {"outcome": "done"}, 1)
    expect("tandem_takeover_run_seconds_total", {}, 0.25)
    expect("tandem_hook_failures_total", {"event": "takeip"}, 1)
    expect("tandem_refused_frames_total", {"cause": "bad_tag"}, 1)
    expect("tandem_peer_connects_total", {"direction": "outgoing"}, 3)
    expect("tandem_epoch", {}, 7)
    expect("tandem_leader", {}, 0)
    expect("tandem_node_flag", {"flag": "DISABLED"}, 1)
    expect("tandem_interface_up", {"interface": "eth2"}, 0)
    expect("tandem_public_ip_held", {"address": "2001:db8::10", "interface": "eth1"}, 1)
    expect("tandem_start_time_seconds", {}, 1796526000.25)
    print(f"parsed {len(families)} metric families, {len(samples)} samples")


if __name__ == "__main__":
    try:
        main()
    except (AssertionError, ValueError, subprocess.CalledProcessError) as error:
        print(f"FAILED: {error}")
        sys.exit(1)
