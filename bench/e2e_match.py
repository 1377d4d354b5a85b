#!/usr/bin/env python3
"""Matches the simulator's meter answers with the states a subscriber received.

    e2e_match.py WRITE_LOG SUBSCRIBER_OUT [--skip N] [--json]

WRITE_LOG is hems2mqtt-sim's --write-log: "<unix s>.<ns> <hex of the chunk written>" for every
chunk holding an ERXUDP line, stamped just before the write(2) to the pty. SUBSCRIBER_OUT is
mosquitto_sub -F '%U %p' on the meter's state topic: "<unix s>.<ns> <JSON>", stamped when the
message arrived. Both clocks are CLOCK_REALTIME on the same machine.

How a state is matched with the answer it came from: the ECHONET Lite frame in each answer is
found (binary or hex payload) and its instantaneous power (E7) and currents (E8) decoded. A state
is matched with the latest answer that was written after the previously matched answer and not
after the state arrived, and whose E7 (and, where present, E8 R phase) equal the state's
power_w (and current_r_a). States that match nothing (a state published after an energy read or
a pushed value, which repeats the last power reading) are counted, not timed. The first --skip
matched readings (start-up) are left out.

Prints p50, p99, max and the count, in milliseconds; --json prints them as one JSON object.
"""
import json
import re
import sys

METER_TO_CONTROLLER = bytes.fromhex("02880105FF01")
GET_RES, INF = 0x72, 0x73
HEX_FRAME = re.compile(rb"1081[0-9A-F]{4}02880105FF01(72|73)[0-9A-F]{2}")


def signed(data):
    return int.from_bytes(data, "big", signed=True)


def properties(frame):
    """The EPC -> EDT map of an ECHONET Lite frame that starts at EHD, or None."""
    if len(frame) < 12 or frame[:2] != b"\x10\x81" or frame[4:10] != METER_TO_CONTROLLER:
        return None
    if frame[10] not in (GET_RES, INF):
        return None
    count, pos, props = frame[11], 12, {}
    for _ in range(count):
        if pos + 2 > len(frame):
            return None
        epc, pdc = frame[pos], frame[pos + 1]
        props[epc] = frame[pos + 2:pos + 2 + pdc]
        pos += 2 + pdc
    return props


def frames_in(chunk):
    """Every meter-to-controller frame in a chunk, binary or as hex text."""
    found = []
    start = chunk.find(b"\x10\x81")
    while start >= 0:
        props = properties(chunk[start:])
        if props is not None:
            found.append(props)
        start = chunk.find(b"\x10\x81", start + 2)
    for match in HEX_FRAME.finditer(chunk):
        text = re.match(rb"[0-9A-F]*", chunk[match.start():]).group(0)
        props = properties(bytes.fromhex(text[: len(text) // 2 * 2].decode()))
        if props is not None:
            found.append(props)
    return found


def answers(path):
    """(time, power_w, current_r_a or None) of every answer carrying E7, in order."""
    out = []
    with open(path) as log:
        for line in log:
            stamp, _, hex_chunk = line.strip().partition(" ")
            for props in frames_in(bytes.fromhex(hex_chunk)):
                if 0xE7 not in props or len(props[0xE7]) != 4:
                    continue
                current = None
                if 0xE8 in props and len(props[0xE8]) == 4:
                    current = round(signed(props[0xE8][:2]) * 0.1, 1)
                out.append((float(stamp), signed(props[0xE7]), current))
    return out


def states(path):
    """(time, power_w, current_r_a or None) of every received state with power_w, in order."""
    out = []
    with open(path) as sub:
        for line in sub:
            stamp, _, payload = line.strip().partition(" ")
            try:
                state = json.loads(payload)
                at = float(stamp)
            except ValueError:
                continue
            if isinstance(state, dict) and "power_w" in state:
                out.append((at, state["power_w"], state.get("current_r_a")))
    return out


def match(answer_list, state_list):
    latencies, unmatched, after = [], 0, 0
    for at, power, current in state_list:
        best = None
        i = after
        while i < len(answer_list) and answer_list[i][0] <= at:
            a_power, a_current = answer_list[i][1], answer_list[i][2]
            if a_power == power and (a_current is None or current is None or
                                     abs(a_current - current) < 0.05):
                best = i
            i += 1
        if best is None:
            unmatched += 1
            continue
        latencies.append(at - answer_list[best][0])
        after = best + 1
    return latencies, unmatched


def percentile(sorted_values, fraction):
    index = min(len(sorted_values) - 1, max(0, int(round(fraction * len(sorted_values) + 0.5)) - 1))
    return sorted_values[index]


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    skip = 0
    if "--skip" in argv:
        skip = int(argv[argv.index("--skip") + 1])
        args.remove(argv[argv.index("--skip") + 1])
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    latencies, unmatched = match(answers(args[0]), states(args[1]))
    latencies = latencies[skip:]
    if not latencies:
        print("no reading matched", file=sys.stderr)
        return 1
    ms = sorted(x * 1000 for x in latencies)
    figures = {
        "readings": len(ms),
        "unmatched_states": unmatched,
        "p50_ms": round(percentile(ms, 0.50), 3),
        "p90_ms": round(percentile(ms, 0.90), 3),
        "p99_ms": round(percentile(ms, 0.99), 3),
        "max_ms": round(ms[-1], 3),
        "min_ms": round(ms[0], 3),
    }
    if "--json" in argv:
        print(json.dumps(figures))
    else:
        for key, value in figures.items():
            print(f"{key} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
